// First: it notes when this bundle started to load (activation's first half).
import { loadStarted } from './activationClock';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { DOTPROMPT_LANGUAGE_ID } from '../core/promptFiles';
import { DisposableStore } from './disposables';
import { COMPLETION_TRIGGERS } from './language/completionTriggers';
import type { Features } from './features';

// Activation (issue 15, <= 50 ms) is this file alone: dist/extension.js holds it and what it
// imports above, a few kilobytes. Every feature lives in dist/features.js (./features.ts), loaded
// on first use: a command run, a .prompt document open, a sidebar view shown, the panel restored.
// Until then each command, view, the panel's serializer and the .prompt language's providers have a
// stand-in here, registered under the manifest's ids, so that everything the manifest declares is
// there from activation on; the first use of any of them loads the features, which replace them. Why
// two files and not import() inside one bundle: esbuild would defer the evaluation of the libraries,
// but the extension host would still parse all of them (3.7 MB) before activate().

/** Every module of the bundle has been evaluated once this line runs. */
const loadEnded = performance.now();

/** What activation cost, in milliseconds (performance.now() of the extension host): evaluating the
 * bundle's modules and running activate(), as VS Code's Running Extensions view splits it; what the
 * host does in between (the context's storage) is not ours and not counted. The integration suite
 * prints it; the activation bench reads it there (issue 15, goal <= 50 ms). */
export interface ActivationTimes {
  loadMs: number;
  activateMs: number;
  /** loadMs + activateMs. */
  totalMs: number;
  /** Between the bundle's loading and activate(): the host's own work. */
  hostMs: number;
  /** The CPU time the extension host process spent during activate() (process.cpuUsage(), all its
   * threads): on a loaded machine the wall time above mostly measures waiting for a core; this
   * does not. */
  activateCpuMs: number;
}

/** What the first use cost: loading dist/features.js (parsing and evaluating it) and registering
 * every feature for real. Not activation: it runs after activate() has returned. */
export interface FeatureTimes {
  loadMs: number;
  activateMs: number;
  /** From activate()'s start to the features' registration: how long after activation they came. */
  sinceActivationMs: number;
}

/** The extension's API (vscode.extensions.getExtension(...).exports). */
export interface PromptLabApi {
  activation: ActivationTimes;
  /** Resolves once the features are loaded (on their first use), with what loading them cost. */
  features: Promise<FeatureTimes>;
}

interface Manifest {
  activationEvents?: string[];
  contributes?: { commands?: { command: string }[]; views?: Record<string, { id: string }[]> };
}

export function activate(context: vscode.ExtensionContext): PromptLabApi {
  const activateStarted = performance.now();
  const cpuStarted = process.cpuUsage();
  const manifest = context.extension.packageJSON as Manifest;
  // The stand-ins, disposed together just before the features register the same ids for real.
  const standIns = new DisposableStore();
  context.subscriptions.push(standIns);

  let features: Promise<Features> | undefined;
  let loaded: (times: FeatureTimes) => void = () => undefined;
  const featureTimes = new Promise<FeatureTimes>((resolve) => { loaded = resolve; });
  /** Loads the features once; every stand-in waits for the same load. */
  const load = (): Promise<Features> => features ??= (async () => {
    const loadStarted = performance.now();
    const module = await import('./features');
    const registerStarted = performance.now();
    // In one synchronous step: the stand-ins go and the real ones come, so no command is ever missing.
    standIns.dispose();
    const ready = module.activateFeatures(context);
    const ended = performance.now();
    loaded({ loadMs: registerStarted - loadStarted, activateMs: ended - registerStarted, sinceActivationMs: ended - activateStarted });
    return ready;
  })();
  const failed = (error: unknown) => void vscode.window.showErrorMessage(`Prompt Lab could not load: ${error instanceof Error ? error.message : String(error)}`);

  // Commands: a stand-in loads the features (which register the real command) and runs it again.
  for (const { command } of manifest.contributes?.commands ?? []) {
    standIns.add(vscode.commands.registerCommand(command, async (...args: unknown[]) => {
      await load();
      return vscode.commands.executeCommand(command, ...args);
    }));
  }
  // Views: shown, they ask for their children; the real views replace these and list them.
  for (const views of Object.values(manifest.contributes?.views ?? {})) {
    for (const { id } of views) {
      standIns.add(vscode.window.registerTreeDataProvider<never>(id, {
        getTreeItem: (element) => element,
        getChildren: () => load().then(() => [], (error: unknown) => { failed(error); return []; }),
      }));
    }
  }
  // The panel restored after a reload (onWebviewPanel:): the features take it over.
  for (const event of manifest.activationEvents ?? []) {
    if (!event.startsWith('onWebviewPanel:')) continue;
    standIns.add(vscode.window.registerWebviewPanelSerializer(event.slice('onWebviewPanel:'.length), {
      deserializeWebviewPanel: async (panel) => (await load()).revivePanel(panel),
    }));
  }
  // The .prompt language's providers: the editor asks them as soon as a prompt is open (lenses,
  // outline), before the features are loaded; these wait for the load and ask the real ones, which
  // answer from then on.
  const selector: vscode.DocumentSelector = { language: DOTPROMPT_LANGUAGE_ID };
  const language = async () => (await load()).language;
  standIns.add(vscode.languages.registerCompletionItemProvider(selector, {
    provideCompletionItems: async (document, position, token, context) => (await language()).completions.provideCompletionItems(document, position, token, context),
  }, ...COMPLETION_TRIGGERS));
  standIns.add(vscode.languages.registerHoverProvider(selector, {
    provideHover: async (document, position) => (await language()).hovers.provideHover(document, position),
  }));
  standIns.add(vscode.languages.registerDocumentSymbolProvider(selector, {
    provideDocumentSymbols: async (document) => (await language()).outline.provideDocumentSymbols(document),
  }, { label: 'Prompt' }));
  standIns.add(vscode.languages.registerCodeLensProvider(selector, {
    provideCodeLenses: async (document) => (await language()).codeLenses.provideCodeLenses(document),
  }));
  // A .prompt document is the language features' first use (diagnostics, lenses, the status bar):
  // the one open now (onLanguage:dotprompt activated us) is served right after activate() returns.
  const whenPromptOpen = (document: vscode.TextDocument) => {
    if (document.languageId === DOTPROMPT_LANGUAGE_ID) setImmediate(() => load().catch(failed));
  };
  vscode.workspace.textDocuments.forEach(whenPromptOpen);
  standIns.add(vscode.workspace.onDidOpenTextDocument(whenPromptOpen));

  const cpu = process.cpuUsage(cpuStarted);
  const ended = performance.now();
  const loadMs = loadEnded - loadStarted;
  const activateMs = ended - activateStarted;
  return {
    activation: { loadMs, activateMs, totalMs: loadMs + activateMs, hostMs: activateStarted - loadEnded, activateCpuMs: (cpu.user + cpu.system) / 1000 },
    features: featureTimes,
  };
}

export function deactivate(): void {
  // Everything is owned by context.subscriptions.
}
