// Everything Prompt Lab does in VS Code, wired together: dist/features.js, the second bundle, which
// extension.ts (dist/extension.js) loads on first use (a command, a .prompt open, a view shown, the
// panel restored). Kept apart so that activation parses and evaluates a few kilobytes, not the
// libraries behind these features (issue 15): openai, handlebars, yaml, mathjs, ajv, minisearch…
import * as vscode from 'vscode';
import { ApiKeyStore } from './backends/apiKeys';
import { promptAndStoreKey, registerApiKeyCommands } from './backends/apiKeyCommands';
import { BackendService } from './backends/backendService';
import { BackendStatusBar } from './backends/backendStatusBar';
import { promptLocalTokenizer } from './backends/promptLocalTokenizer';
import { BACKEND_FACTORIES } from './backends/factories';
import { OutputLog } from './backends/outputLog';
import { ModelLists } from './backends/modelLists';
import { registerRefreshModelLists, registerSelectBackend } from './backends/selectBackend';
import { unsupportedSettingDiagnostics } from './backends/unsupportedSettings';
import { Commands } from './commands';
import { registerCompareCommands } from './compare/compareCommand';
import { comparisonPanelActions, registerExportCommand } from './compare/comparisonActions';
import { ComparisonSessions } from './compare/comparisonSessions';
import { DisposableStore } from './disposables';
import { registerDatasetFeatures } from './eval/datasetFeatures';
import { evalPanelActions, registerEvalExportCommand } from './eval/evalActions';
import { EvalSessions } from './eval/evalSessions';
import { registerEvaluateCommand } from './eval/evaluateCommand';
import { registerImportCommand } from './import/importCommand';
import { registerLanguageFeatures, type LanguageProviders } from './language';
import { PromptChecks } from './language/promptChecks';
import { workerCounter, workerPieces } from './language/promptTokenCounts';
import { Completions } from './probabilities/completions';
import { registerProbabilityRequestCommand } from './probabilities/probabilityHandlers';
import { registerPanelSerializer } from './panel/panelSerializer';
import { PromptLabPanel } from './panel/promptLabPanel';
import { ActiveRuns } from './run/activeRuns';
import { extensionEngineHost } from './run/engineHost';
import { WorkspaceRetrievalSources } from './retrieval/workspaceSource';
import { registerRunCommand } from './run/runCommand';
import { TokenCountService } from '../engine/tokens/tokenCountService';
import { comparisonHistoryRecord } from '../core/history/records';
import { registerPromptsView } from './sidebar/promptsView';
import { HistoryService } from './history/historyService';
import { registerHistoryView } from './history/historyCommands';
import { panelFeedback } from './history/panelFeedback';
import { historyRecordOfRun } from './history/savedRecords';

/** What the shell (extension.ts) needs from the features once they are loaded. */
export interface Features {
  /** The panel VS Code restores after a reload: the shell's serializer received it before the
   * features were loaded, so it hands it over here. */
  revivePanel(panel: vscode.WebviewPanel): void;
  /** The .prompt language's providers: the shell's stand-ins hand them what came in meanwhile. */
  language: LanguageProviders;
}

/** Registers every command, provider, view and status bar item for real; the shell has disposed
 * its stand-ins for them just before (same ids), and `context.subscriptions` owns what this adds. */
export function activateFeatures(context: vscode.ExtensionContext): Features {
  const { extensionUri } = context;
  const store = new DisposableStore();
  context.subscriptions.push(store);

  // One tokenizer worker for the live counts and for backends that report no usage; it starts with
  // the first count, not here: activation stays cheap.
  const tokenService = store.add(new TokenCountService());
  const countTexts = workerCounter(tokenService);
  const keys = new ApiKeyStore(context.secrets, context.globalState);
  const log = store.add(new OutputLog((text) => keys.redact(text)));
  const backends = store.add(new BackendService(keys, log, BACKEND_FACTORIES, (config) => promptAndStoreKey(keys, config), countTexts));
  const models = new ModelLists({
    configs: () => backends.registry.list(),
    backend: (id) => { try { return backends.registry.get(id); } catch { return undefined; } },
    log: (message) => log.line(message),
  });
  // New settings (another server, a key set): the lists are fetched again when next wanted.
  store.add(backends.onDidChange(() => models.refresh()));
  const checks = store.add(new PromptChecks());
  // Another backend may honour other settings: the unsupported-setting diagnostics are redone.
  store.add(backends.onDidChange(() => checks.invalidate()));
  const runs = new ActiveRuns();
  store.add({ dispose: () => runs.abortAll() });
  // History: runs, comparisons and evals are kept when they end; the panel's ratings go into their records.
  const history = store.add(new HistoryService(context.globalStorageUri, (text) => keys.redact(text), (line) => log.line(line)));
  PromptLabPanel.feedback = panelFeedback(history);
  const sessions = store.add(new ComparisonSessions(context.workspaceState, (record) => void history.save(comparisonHistoryRecord(record))));
  const evals = store.add(new EvalSessions(context.workspaceState, (record) => void history.save({ ...record })));
  // Completions with their token probabilities, for the panel's probability views (issue 10).
  const completions = new Completions();
  PromptLabPanel.actions = {
    abortRun: (id) => runs.abort(id), ...comparisonPanelActions(sessions), ...evalPanelActions(evals),
    probabilities: { completions, backend: (id) => backends.registry.get(id), redact: (text) => keys.redact(text) },
  };

  store.add(vscode.commands.registerCommand(Commands.openPanel, () => {
    PromptLabPanel.show(extensionUri);
  }));
  store.add(registerPanelSerializer(extensionUri));
  store.add(registerProbabilityRequestCommand(Commands.probabilityRequest, () => PromptLabPanel.actions.probabilities));
  store.add({ dispose: () => PromptLabPanel.disposeCurrent() });
  const language = store.add(registerLanguageFeatures(extensionUri, checks, countTexts, (document, checked) => unsupportedSettingDiagnostics(backends, document, checked), models, workerPieces(tokenService), promptLocalTokenizer(backends)));
  store.add(registerDatasetFeatures(checks));
  const engine = extensionEngineHost(backends, keys, log, countTexts, store.add(new WorkspaceRetrievalSources()));
  store.add(registerRunCommand({ extensionUri, engine, backends, keys, log, runs, completions, onRunEnded: (prepared, outcome) => void history.save(historyRecordOfRun(prepared, outcome)) }));
  for (const command of registerCompareCommands({ extensionUri, engine, backends, keys, log, sessions, completions })) store.add(command);
  store.add(registerExportCommand(sessions));
  store.add(registerEvaluateCommand({ extensionUri, engine, backends, keys, log, sessions: evals }));
  store.add(registerEvalExportCommand(evals));
  store.add(registerSelectBackend(backends, models));
  store.add(registerRefreshModelLists(models));
  store.add(registerImportCommand(log));
  for (const command of registerApiKeyCommands(keys, backends)) store.add(command);
  store.add(new BackendStatusBar(checks, backends));
  // The Prompt Lab sidebar.
  store.add(registerPromptsView(extensionUri));
  store.add(registerHistoryView({ extensionUri, history, sessions, evals }));
  return { revivePanel: (panel) => PromptLabPanel.revive(panel, extensionUri), language: language.providers };
}
