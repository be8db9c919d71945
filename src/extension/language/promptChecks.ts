// Core's checkPrompt for open documents, at most once per document version: diagnostics,
// completions, hovers, the outline, CodeLens and token counts all read the same result.
import * as vscode from 'vscode';
import { checkPrompt, partialNameOf, type CheckedPrompt } from '../../core/check/checkPrompt';
import { readSettings } from '../settings';
import { partialFolders, workspaceEnvironment } from './workspaceEnvironment';

interface Entry {
  version: number;
  generation: number;
  result: Promise<CheckedPrompt>;
}

export class PromptChecks implements vscode.Disposable {
  private readonly cache = new Map<string, Entry>();
  /** Bumped when something a check reads besides the document changes (a partial, a setting). */
  private generation = 0;
  private readonly invalidated = new vscode.EventEmitter<void>();
  /** Fires when earlier results may be out of date although no document changed: check again. */
  readonly onDidInvalidate = this.invalidated.event;
  private readonly closed = vscode.workspace.onDidCloseTextDocument((document) => this.cache.delete(document.uri.toString()));

  check(document: vscode.TextDocument): Promise<CheckedPrompt> {
    const key = document.uri.toString();
    const cached = this.cache.get(key);
    if (cached && cached.version === document.version && cached.generation === this.generation) return cached.result;
    const folders = partialFolders(document.uri, readSettings(document.uri).promptsFolder);
    const partialName = partialNameOf(document.uri.path);
    const result = checkPrompt(document.getText(), workspaceEnvironment(folders), partialName === undefined ? {} : { partialName });
    this.cache.set(key, { version: document.version, generation: this.generation, result });
    return result;
  }

  /** A version number for "everything this check depended on": results for an older one are stale. */
  stamp(document: vscode.TextDocument): string {
    return `${document.version}:${this.generation}`;
  }

  invalidate(): void {
    this.generation++;
    this.invalidated.fire();
  }

  dispose(): void {
    this.closed.dispose();
    this.cache.clear();
    this.invalidated.dispose();
  }
}
