// The editor features for .prompt files, wired together: one shared check per document version
// feeds diagnostics, completions, hovers, the outline and CodeLens; token counts run in the worker.
import * as vscode from 'vscode';
import { Commands } from '../commands';
import { DisposableStore } from '../disposables';
import type { CountTexts } from '../../core/promptTokens';
import type { PiecesOf } from '../../core/tokens/tokenGroups';
import type { ModelLists } from '../backends/modelLists';
import { PromptCodeLenses } from './codeLens';
import { COMPLETION_TRIGGERS, PromptCompletions } from './completions';
import { PromptDiagnostics, type ExtraDiagnostics } from './diagnostics';
import { PromptHovers } from './hover';
import { registerNewPromptFromTemplate } from './newPromptFromTemplate';
import { PromptOutline } from './outline';
import { watchPartials } from './partialWatcher';
import type { PromptChecks } from './promptChecks';
import { DOTPROMPT_SELECTOR } from './promptDocuments';
import { PromptLabPanel } from '../panel/promptLabPanel';
import { PromptTokenCounts } from './promptTokenCounts';
import { TokenStatusBar } from './tokenStatusBar';

/** `checks` is shared with the features outside this folder (Run Prompt, the backend status bar);
 * `extraDiagnostics` adds what needs the configured backends; `models` lists what they offer. */
export function registerLanguageFeatures(extensionUri: vscode.Uri, checks: PromptChecks, countTexts: CountTexts, extraDiagnostics?: ExtraDiagnostics, models?: ModelLists, piecesOf?: PiecesOf): vscode.Disposable {
  const store = new DisposableStore();
  const counts = store.add(new PromptTokenCounts(checks, countTexts, piecesOf));
  PromptLabPanel.renderedPrompt = (document) => counts.rendered(document);
  store.add(watchPartials(checks));
  store.add(new PromptDiagnostics(checks, extraDiagnostics));
  store.add(vscode.languages.registerCompletionItemProvider(DOTPROMPT_SELECTOR, new PromptCompletions(checks, models), ...COMPLETION_TRIGGERS));
  store.add(vscode.languages.registerHoverProvider(DOTPROMPT_SELECTOR, new PromptHovers(checks, counts)));
  store.add(vscode.languages.registerDocumentSymbolProvider(DOTPROMPT_SELECTOR, new PromptOutline(checks), { label: 'Prompt' }));
  const codeLenses = store.add(new PromptCodeLenses(checks, counts));
  store.add(vscode.languages.registerCodeLensProvider(DOTPROMPT_SELECTOR, codeLenses));
  const statusBar = store.add(new TokenStatusBar(checks, counts));
  store.add(vscode.commands.registerCommand(Commands.currentTokenCount, () => statusBar.state));
  store.add(registerNewPromptFromTemplate(extensionUri));
  return store;
}
