// Prompts include partials: when one changes (edited in an editor, saved, created, deleted) or the
// prompts folder setting moves, every open prompt's check is out of date.
import * as vscode from 'vscode';
import { partialNameOf } from '../../core/check/checkPrompt';
import { DisposableStore } from '../disposables';
import { affectsSetting } from '../settings';
import { KeyedDebouncer } from './debouncer';
import type { PromptChecks } from './promptChecks';

/** Typing in a partial re-checks its includers once the typing pauses, as for the prompt itself. */
const PARTIAL_CHANGE_DELAY_MS = 250;

export function watchPartials(checks: PromptChecks): vscode.Disposable {
  const store = new DisposableStore();
  const debouncer = store.add(new KeyedDebouncer());
  const changed = () => debouncer.schedule('partials', PARTIAL_CHANGE_DELAY_MS, () => checks.invalidate());
  const isPartial = (uri: vscode.Uri) => partialNameOf(uri.path) !== undefined;

  const watcher = store.add(vscode.workspace.createFileSystemWatcher('**/_*.prompt'));
  store.add(watcher.onDidCreate(changed));
  store.add(watcher.onDidChange(changed));
  store.add(watcher.onDidDelete(changed));
  store.add(vscode.workspace.onDidChangeTextDocument((event) => {
    if (event.contentChanges.length > 0 && isPartial(event.document.uri)) changed();
  }));
  // Closing a partial with unsaved edits: its includers now read the file on disk again.
  store.add(vscode.workspace.onDidCloseTextDocument((document) => {
    if (isPartial(document.uri)) changed();
  }));
  store.add(vscode.workspace.onDidChangeConfiguration((event) => {
    if (affectsSetting(event, 'promptsFolder')) checks.invalidate();
  }));
  return store;
}
