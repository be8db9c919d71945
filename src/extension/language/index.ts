// The editor features for .prompt files, wired together: one shared check per document version
// feeds diagnostics, completions, hovers, the outline and CodeLens; token counts run in the worker.
import * as vscode from 'vscode';
import { Commands } from '../commands';
import { DisposableStore } from '../disposables';
import type { CountTexts } from '../../core/promptTokens';
import type { PiecesOf } from '../../core/tokens/tokenGroups';
import type { LocalTokenizerOf } from './localTokenizer';
import type { ModelLists } from '../backends/modelLists';
import { PromptCodeLenses } from './codeLens';
import { COMPLETION_TRIGGERS, PromptCompletions } from './completions';
import { promptDiagnostics, type ExtraDiagnostics } from './diagnostics';
import { PromptHovers } from './hover';
import { registerNewPromptFromTemplate } from './newPromptFromTemplate';
import { PromptOutline } from './outline';
import { watchPartials } from './partialWatcher';
import type { PromptChecks } from './promptChecks';
import { DOTPROMPT_SELECTOR } from './promptDocuments';
import { PromptLabPanel } from '../panel/promptLabPanel';
import { PromptTokenCounts } from './promptTokenCounts';
import { TokenStatusBar } from './tokenStatusBar';

/** The providers registered here, for the stand-ins of extension.ts: a request made while the
 * features were loading (the first, on opening a .prompt) is answered by these. */
export interface LanguageProviders {
  completions: PromptCompletions;
  hovers: PromptHovers;
  outline: PromptOutline;
  codeLenses: PromptCodeLenses;
}

/** `checks` is shared with the features outside this folder (Run Prompt, the backend status bar);
 * `extraDiagnostics` adds what needs the configured backends; `models` lists what they offer;
 * `localTokenizerOf` finds the local model that tokenizes a prompt running locally. */
export function registerLanguageFeatures(extensionUri: vscode.Uri, checks: PromptChecks, countTexts: CountTexts, extraDiagnostics?: ExtraDiagnostics, models?: ModelLists, piecesOf?: PiecesOf, localTokenizerOf?: LocalTokenizerOf): vscode.Disposable & { providers: LanguageProviders } {
  const store = new DisposableStore();
  const counts = store.add(new PromptTokenCounts(checks, countTexts, piecesOf, localTokenizerOf));
  PromptLabPanel.renderedPrompt = (document, later) => counts.rendered(document, later);
  store.add(watchPartials(checks));
  store.add(promptDiagnostics(checks, extraDiagnostics));
  const providers: LanguageProviders = {
    completions: new PromptCompletions(checks, models),
    hovers: new PromptHovers(checks, counts),
    outline: new PromptOutline(checks),
    codeLenses: store.add(new PromptCodeLenses(checks, counts)),
  };
  store.add(vscode.languages.registerCompletionItemProvider(DOTPROMPT_SELECTOR, providers.completions, ...COMPLETION_TRIGGERS));
  store.add(vscode.languages.registerHoverProvider(DOTPROMPT_SELECTOR, providers.hovers));
  store.add(vscode.languages.registerDocumentSymbolProvider(DOTPROMPT_SELECTOR, providers.outline, { label: 'Prompt' }));
  store.add(vscode.languages.registerCodeLensProvider(DOTPROMPT_SELECTOR, providers.codeLenses));
  const statusBar = store.add(new TokenStatusBar(checks, counts));
  store.add(vscode.commands.registerCommand(Commands.currentTokenCount, () => statusBar.state));
  store.add(vscode.commands.registerCommand(Commands.renderedPromptPosted, () => PromptLabPanel.postedRenderings()));
  store.add(registerNewPromptFromTemplate(extensionUri));
  return { providers, dispose: () => store.dispose() };
}
