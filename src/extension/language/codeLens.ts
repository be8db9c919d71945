// CodeLens above the body's first line: "▶ Run", "⇆ Compare Temperatures" and the rendered prompt's
// token count. The count lens says "tokens: –" until the count for this version is in (or when the
// prompt has errors); when it arrives the lenses are asked for again.
import * as vscode from 'vscode';
import { partialNameOf } from '../../core/check/checkPrompt';
import { datasetFileFor } from '../../core/eval';
import { Commands } from '../commands';
import { DisposableStore } from '../disposables';
import type { PromptChecks } from './promptChecks';
import type { PromptTokenCounts, TokenCount } from './promptTokenCounts';
import { shownCount } from './tokenCountText';

export const RUN_TITLE = '▶ Run';
export const COMPARE_TITLE = '⇆ Compare Temperatures';
export const EVALUATE_TITLE = '✓ Evaluate';
export const NO_COUNT_TITLE = 'tokens: –';

export class PromptCodeLenses implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly store = new DisposableStore();
  private readonly changed = this.store.add(new vscode.EventEmitter<void>());
  readonly onDidChangeCodeLenses = this.changed.event;

  constructor(private readonly checks: PromptChecks, private readonly counts: PromptTokenCounts) {
    // Partials or settings changed: the count shown may be out of date.
    this.store.add(checks.onDidInvalidate(() => this.changed.fire()));
    // A local model counted a prompt in the panel: its lens shows the model's own count now.
    this.store.add(counts.onDidCountLocally(() => this.changed.fire()));
  }

  async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
    // A partial is not run on its own: it is part of the prompts that include it.
    if (partialNameOf(document.uri.path) !== undefined) return [];
    const checked = await this.checks.check(document);
    const line = checked.source.lines.positionAt(checked.source.body.start).line;
    const range = new vscode.Range(line, 0, line, 0);
    const args = [document.uri];
    return [
      new vscode.CodeLens(range, { title: RUN_TITLE, command: Commands.runPrompt, arguments: args, tooltip: 'Run this prompt' }),
      new vscode.CodeLens(range, { title: COMPARE_TITLE, command: Commands.compareTemperatures, arguments: args, tooltip: 'Run this prompt at several temperatures, side by side' }),
      ...(await hasDataset(document.uri) ? [new vscode.CodeLens(range, { title: EVALUATE_TITLE, command: Commands.evaluate, arguments: args, tooltip: 'Run this prompt\'s tests (its .tests.yaml) and grade the outputs' })] : []),
      new vscode.CodeLens(range, { ...this.countLens(document), command: Commands.openPanel }),
    ];
  }

  private countLens(document: vscode.TextDocument): { title: string; tooltip: string } {
    const count = this.counts.peek(document);
    if (count) return this.describe(document, count);
    // Not counted yet: ask, and show the lenses again once the answer is in (if still current).
    const version = document.version;
    void this.counts.count(document).then(() => {
      if (!document.isClosed && document.version === version) this.changed.fire();
    }, () => undefined);
    return { title: NO_COUNT_TITLE, tooltip: 'Counting…' };
  }

  /** The lens says what the status bar says (tokenCountText.ts): a local prompt's count names its
   * tokenizer, the model's own once the panel has had it counted, tiktoken's estimate until then. */
  private describe(document: vscode.TextDocument, count: TokenCount): { title: string; tooltip: string } {
    switch (count.kind) {
      case 'counted': {
        const shown = shownCount(count.report, count.emptyInputs, this.counts.localModel(document, count));
        // The status bar's icon is its own; a lens is text.
        return { title: shown.text.replace(/^\$\([\w-]+\)\s*/, ''), tooltip: shown.tooltip };
      }
      case 'errors':
        return { title: NO_COUNT_TITLE, tooltip: `The prompt has ${count.errors === 1 ? 'an error' : `${count.errors} errors`}: see the Problems panel.` };
      case 'unavailable':
        return { title: NO_COUNT_TITLE, tooltip: count.reason };
    }
  }

  dispose(): void {
    this.store.dispose();
  }
}

/** Whether `<name>.tests.yaml` is beside the prompt: Evaluate is offered only then. */
async function hasDataset(uri: vscode.Uri): Promise<boolean> {
  if (uri.scheme === 'untitled') return false;
  try {
    await vscode.workspace.fs.stat(vscode.Uri.joinPath(uri, '..', datasetFileFor(uri.path.slice(uri.path.lastIndexOf('/') + 1))));
    return true;
  } catch {
    return false;
  }
}

