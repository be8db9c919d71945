// The status bar's token count for the active prompt: recounted after each pause in typing, in the
// token worker, so typing never waits; a result for an older version of the text is dropped.
import * as vscode from 'vscode';
import { Commands } from '../commands';
import { DisposableStore } from '../disposables';
import { KeyedDebouncer } from './debouncer';
import type { PromptChecks } from './promptChecks';
import { isPromptDocument } from './promptDocuments';
import type { PromptTokenCounts, TokenCount } from './promptTokenCounts';
import { shownCount } from './tokenCountText';

/** Typing pauses this long before the count is redone. */
export const STATUS_BAR_DELAY_MS = 300;

/** What the status bar shows, as data: what the `promptLab.tokenCount.current` test hook returns. */
export interface TokenCountState {
  /** The document counted, or undefined when no prompt is active (the item is hidden). */
  uri?: string;
  /** The version of the document the state is about. */
  version?: number;
  state: 'hidden' | 'counting' | 'counted' | 'errors' | 'unavailable';
  total?: number;
  tokenizer?: string;
  exact?: boolean;
}

export class TokenStatusBar implements vscode.Disposable {
  private readonly store = new DisposableStore();
  private readonly item = this.store.add(vscode.window.createStatusBarItem('promptLab.tokenCount', vscode.StatusBarAlignment.Right, 100));
  private readonly debouncer = this.store.add(new KeyedDebouncer());
  private current: TokenCountState = { state: 'hidden' };

  constructor(private readonly checks: PromptChecks, private readonly counts: PromptTokenCounts) {
    this.item.name = 'Prompt Lab Token Count';
    this.store.add(vscode.window.onDidChangeActiveTextEditor(() => this.refresh(0)));
    this.store.add(vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.contentChanges.length > 0 && event.document === vscode.window.activeTextEditor?.document) this.refresh(STATUS_BAR_DELAY_MS);
    }));
    // Also when the active prompt's language changes to or from dotprompt.
    this.store.add(vscode.workspace.onDidOpenTextDocument((document) => {
      if (document === vscode.window.activeTextEditor?.document) this.refresh(0);
    }));
    this.store.add(checks.onDidInvalidate(() => this.refresh(STATUS_BAR_DELAY_MS)));
    // The panel had a local model count the active prompt: show the model's own count, as the panel does.
    this.store.add(counts.onDidCountLocally((uri) => {
      if (uri.toString() === vscode.window.activeTextEditor?.document.uri.toString()) this.refresh(0);
    }));
    this.refresh(0);
  }

  get state(): TokenCountState {
    return { ...this.current };
  }

  private refresh(delayMs: number): void {
    const document = vscode.window.activeTextEditor?.document;
    if (!document || !isPromptDocument(document)) {
      this.debouncer.cancel('count');
      this.current = { state: 'hidden' };
      this.item.hide();
      return;
    }
    const uri = document.uri.toString();
    if (this.current.uri !== uri) {
      // Another prompt: its count is not known yet; until then say so rather than show the old one.
      this.show({ uri, version: document.version, state: 'counting' }, '$(symbol-numeric) … tokens', 'Counting tokens…');
    }
    this.debouncer.schedule('count', delayMs, () => void this.update(document));
  }

  private async update(document: vscode.TextDocument): Promise<void> {
    const version = document.version;
    const stamp = this.checks.stamp(document);
    let count: TokenCount;
    try {
      count = await this.counts.count(document);
    } catch (error) {
      count = { kind: 'unavailable', reason: error instanceof Error ? error.message : String(error) };
    }
    // Stale: the text changed, or another editor became active, while counting.
    if (document !== vscode.window.activeTextEditor?.document || document.version !== version || this.checks.stamp(document) !== stamp) return;
    const uri = document.uri.toString();
    switch (count.kind) {
      case 'counted': {
        const shown = shownCount(count.report, count.emptyInputs, this.counts.localModel(document, count));
        this.show({ uri, version, state: 'counted', total: shown.total, tokenizer: shown.tokenizer, exact: shown.exact }, shown.text, shown.tooltip, Commands.openPanel);
        break;
      }
      case 'errors':
        this.show({ uri, version, state: 'errors' }, '$(warning) errors',
          `Prompt Lab: the prompt has ${count.errors === 1 ? 'an error' : `${count.errors} errors`}, so its tokens cannot be counted. Click to open the Problems panel.`,
          'workbench.actions.view.problems');
        break;
      case 'unavailable':
        this.show({ uri, version, state: 'unavailable' }, '$(symbol-numeric) tokens: –', `Prompt Lab: ${count.reason}`, Commands.openPanel);
        break;
    }
  }

  private show(state: TokenCountState, text: string, tooltip: string, command?: string): void {
    this.current = state;
    this.item.text = text;
    this.item.tooltip = tooltip;
    this.item.command = command;
    this.item.backgroundColor = state.state === 'errors' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    this.store.dispose();
  }
}
