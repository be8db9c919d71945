// The editor features for .prompt files, wired together: one shared check per document version
// feeds diagnostics, completions, hovers, the outline and CodeLens; token counts run in the worker.
import * as vscode from 'vscode';
import { Commands } from '../commands';
import { DisposableStore } from '../disposables';
import { TokenCountService } from '../tokens/tokenCountService';
import { PromptCodeLenses } from './codeLens';
import { COMPLETION_TRIGGERS, PromptCompletions } from './completions';
import { PromptDiagnostics } from './diagnostics';
import { PromptHovers } from './hover';
import { registerNewPromptFromTemplate } from './newPromptFromTemplate';
import { PromptOutline } from './outline';
import { watchPartials } from './partialWatcher';
import { registerPendingCommands } from './pendingCommands';
import { PromptChecks } from './promptChecks';
import { DOTPROMPT_SELECTOR } from './promptDocuments';
import { PromptTokenCounts, workerCounter } from './promptTokenCounts';
import { TokenStatusBar } from './tokenStatusBar';

export function registerLanguageFeatures(extensionUri: vscode.Uri): vscode.Disposable {
  const store = new DisposableStore();
  // The worker starts with the first count, not here: activation stays cheap.
  const tokenService = store.add(new TokenCountService());
  const checks = store.add(new PromptChecks());
  const counts = store.add(new PromptTokenCounts(checks, workerCounter(tokenService)));
  store.add(watchPartials(checks));
  store.add(new PromptDiagnostics(checks));
  store.add(vscode.languages.registerCompletionItemProvider(DOTPROMPT_SELECTOR, new PromptCompletions(checks), ...COMPLETION_TRIGGERS));
  store.add(vscode.languages.registerHoverProvider(DOTPROMPT_SELECTOR, new PromptHovers(checks, counts)));
  store.add(vscode.languages.registerDocumentSymbolProvider(DOTPROMPT_SELECTOR, new PromptOutline(checks), { label: 'Prompt' }));
  const codeLenses = store.add(new PromptCodeLenses(checks, counts));
  store.add(vscode.languages.registerCodeLensProvider(DOTPROMPT_SELECTOR, codeLenses));
  const statusBar = store.add(new TokenStatusBar(checks, counts));
  store.add(vscode.commands.registerCommand(Commands.currentTokenCount, () => statusBar.state));
  for (const command of registerPendingCommands()) store.add(command);
  store.add(registerNewPromptFromTemplate(extensionUri));
  return store;
}
