// "Prompt Lab: Evaluate" (palette, CodeLens, editor title, the Explorer's context menu on a prompt or
// a dataset): the prompt's dataset (`<name>.tests.yaml` beside it, else a file the user picks) runs
// through the engine's eval into the panel's eval view, with cancellable progress ("12/40 cells").
// What to vary is asked as Compare… asks it, after a first choice of one column with the prompt's
// own settings. The judge comes from promptLab.eval.judge; javascript assertions run only in a
// trusted workspace. Invoked with options (`{ dataset?, axes?, samples?, seed?, judge? }`) it asks
// nothing and resolves to the finished record.
import * as vscode from 'vscode';
import { checkedAxis, DEFAULT_VARIANT, sampleSeeds, SETTING_AXES, type Axis, type AxisName } from '../../core/compare';
import { isDatasetFile } from '../../core/datasetLanguage';
import { datasetFileFor, summarizeEval, type EvalRecord } from '../../core/eval';
import { readPriceTable } from '../../core/modelCatalog';
import { loadEvalDataset, newEval } from '../../engine/eval';
import type { EngineHost } from '../../engine/host';
import { loadPrompt, placePrompt } from '../../engine/prompt';
import type { BackendService } from '../backends/backendService';
import type { ApiKeyStore } from '../backends/apiKeys';
import type { OutputLog } from '../backends/outputLog';
import { describeTarget } from '../backends/runTarget';
import { Commands } from '../commands';
import { columnRunsOf, modelChoices, variantsBeside } from '../compare/compareColumns';
import { askPlan, type ComparePlan } from '../compare/comparePlan';
import { baseName } from '../language/promptDocuments';
import { PromptLabPanel } from '../panel/promptLabPanel';
import { showProblem, type PreparedPrompt } from '../run/preparePrompt';
import { readCompareSettings, readEvalSettings } from '../settings';
import { promptUriForDataset } from './datasetFeatures';
import type { EvalSessions, EvalStreamed } from './evalSessions';
import { withCellProgress } from '../compare/cellProgress';

export interface EvaluateDependencies {
  extensionUri: vscode.Uri;
  engine: EngineHost;
  backends: BackendService;
  keys: ApiKeyStore;
  log: OutputLog;
  sessions: EvalSessions;
}

export type EvaluateOutcome =
  | { status: 'finished'; evaluation: EvalRecord; streamed: EvalStreamed }
  | { status: 'not-run'; reason: string };

interface EvaluateOptions {
  dataset?: vscode.Uri;
  axes?: Axis[];
  samples?: number;
  seed?: number;
  judge?: string;
}

function optionsOf(value: unknown): EvaluateOptions | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const { dataset, axes, samples, seed, judge } = value as Record<string, unknown>;
  const axisOf = (axis: unknown): Axis => {
    const { name, values } = (typeof axis === 'object' && axis !== null ? axis : {}) as { name?: unknown; values?: unknown };
    return checkedAxis(String(name), Array.isArray(values) ? values : []);
  };
  return {
    ...(dataset instanceof vscode.Uri ? { dataset } : typeof dataset === 'string' ? { dataset: vscode.Uri.parse(dataset) } : {}),
    ...(Array.isArray(axes) ? { axes: axes.map(axisOf) } : {}),
    ...(Number.isInteger(samples) && (samples as number) >= 1 ? { samples: samples as number } : {}),
    ...(Number.isInteger(seed) ? { seed: seed as number } : {}),
    ...(typeof judge === 'string' && judge.trim() !== '' ? { judge: judge.trim() } : {}),
  };
}

const exists = async (uri: vscode.Uri): Promise<boolean> => {
  try {
    await vscode.workspace.fs.stat(uri);
    return true;
  } catch {
    return vscode.workspace.textDocuments.some((document) => document.uri.toString() === uri.toString());
  }
};

async function pickFile(title: string, filters: Record<string, string[]>, near: vscode.Uri | undefined): Promise<vscode.Uri | undefined> {
  const picked = await vscode.window.showOpenDialog({ title, filters, canSelectMany: false, openLabel: 'Evaluate', ...(near ? { defaultUri: vscode.Uri.joinPath(near, '..') } : {}) });
  return picked?.[0];
}

const ONE_COLUMN: Axis = { name: 'variant', values: [DEFAULT_VARIANT] };

const DATASET_FILTERS = { 'Datasets': ['yaml', 'yml', 'json', 'jsonl', 'csv'] };

/** The prompt and the dataset to run: from a dataset (its prompt beside it, else picked), or from a
 * prompt (its dataset beside it, else picked). Undefined when the user cancelled or nothing fits. */
async function promptAndDataset(uri: vscode.Uri | undefined, given: vscode.Uri | undefined, interactive: boolean): Promise<{ prompt: vscode.Uri; dataset: vscode.Uri } | string> {
  const active = vscode.window.activeTextEditor?.document;
  const subject = uri ?? active?.uri;
  if (!subject) return 'open a .prompt file (or its dataset) to evaluate it';
  const subjectIsDataset = isDatasetFile(baseName(subject));
  let prompt: vscode.Uri | undefined = subjectIsDataset ? promptUriForDataset(subject) : subject;
  let dataset: vscode.Uri | undefined = given ?? (subjectIsDataset ? subject : undefined);
  if (!prompt?.path.endsWith('.prompt')) return 'open a .prompt file (or its dataset) to evaluate it';
  if (!(await exists(prompt))) {
    if (!interactive) return `there is no ${baseName(prompt)} beside ${baseName(subject)}`;
    prompt = await pickFile(`Prompt Lab: which prompt does ${baseName(subject)} test?`, { Prompts: ['prompt'] }, subject);
    if (!prompt) return 'cancelled';
  }
  if (!dataset) {
    const beside = vscode.Uri.joinPath(prompt, '..', datasetFileFor(baseName(prompt)));
    if (await exists(beside)) dataset = beside;
    else if (!interactive) return `${baseName(prompt)} has no dataset: write its tests in ${baseName(beside)}`;
    else {
      dataset = await pickFile(`Prompt Lab: ${baseName(prompt)} has no ${baseName(beside)} beside it: choose a dataset`, DATASET_FILTERS, prompt);
      if (!dataset) return 'cancelled';
    }
  }
  return { prompt, dataset };
}

/** One column with the prompt's own settings, or Compare…'s axes. */
async function askEvalPlan(deps: EvaluateDependencies, prepared: PreparedPrompt): Promise<ComparePlan | undefined> {
  const own = { label: 'One column', detail: 'The prompt\'s own settings, one sample per test.', compare: false };
  const vary = { label: 'Compare settings…', detail: 'Columns of temperatures, models, variants… as Compare… offers; every test runs in each.', compare: true };
  const choice = await vscode.window.showQuickPick([own, vary], { title: 'Prompt Lab: Evaluate', ignoreFocusOut: true });
  if (!choice) return undefined;
  if (!choice.compare) return { axes: [], samples: 1 };
  const settings = readCompareSettings(prepared.document.uri);
  const backend = deps.backends.registry.get(prepared.target.backendId);
  const unsupported = new Set<AxisName>(SETTING_AXES.filter((name) => !backend.supports.has(name)));
  return askPlan({
    temperatures: settings.temperatures, examples: prepared.rendered.examples?.available,
    models: modelChoices(deps.backends, prepared), variants: await variantsBeside(prepared),
  }, 1, unsupported);
}

async function evaluate(deps: EvaluateDependencies, uri: vscode.Uri | undefined, options: EvaluateOptions | undefined): Promise<EvaluateOutcome> {
  const notRun = (reason: string, show = true): EvaluateOutcome => {
    if (show && reason !== 'cancelled') void vscode.window.showErrorMessage(`Prompt Lab: ${reason}.`);
    return { status: 'not-run', reason };
  };
  const files = await promptAndDataset(uri, options?.dataset, options === undefined);
  if (typeof files === 'string') return notRun(files);
  const document = await vscode.workspace.openTextDocument(files.prompt);
  const loaded = await loadPrompt(deps.engine, document.uri.toString());
  if ('problem' in loaded) return notRun(showProblem(loaded.problem, 'evaluating'), false);
  const data = await loadEvalDataset(deps.engine, loaded, { tests: files.dataset.toString() });
  if ('problem' in data) {
    const first = data.problem.problems[0];
    const where = first ? `${baseName(files.dataset)}:${first.position.line + 1}:${first.position.character + 1}: ` : '';
    const open = 'Open Dataset';
    void vscode.window.showErrorMessage(`Prompt Lab: ${where}${first ? first.message : data.problem.message}`, open).then((answer) => {
      if (answer === open) void vscode.window.showTextDocument(files.dataset, first ? { selection: new vscode.Range(first.position.line, first.position.character, first.position.line, first.position.character) } : {});
    });
    return notRun(data.problem.message, false);
  }
  const skipped = data.tests.filter((test) => test.problems.length > 0);
  for (const problem of data.problems) deps.log.line(`${baseName(files.dataset)}:${problem.position.line + 1}:${problem.position.character + 1} ${problem.field}: ${problem.message}${problem.test !== undefined ? ' (test skipped)' : ''}`);
  const placed = placePrompt(deps.engine, data.first);
  if ('problem' in placed) return notRun(showProblem(placed.problem, 'evaluating'), false);
  const prepared: PreparedPrompt = { ...placed, document };

  const plan = options ? { axes: options.axes ?? [], samples: options.samples ?? 1 } : await askEvalPlan(deps, prepared);
  if (!plan) return { status: 'not-run', reason: 'cancelled' };
  // No axis: one column, the prompt itself (as `prompt-lab eval` without --axis).
  const axes = plan.axes.length > 0 ? plan.axes : [ONE_COLUMN];
  const columns = await columnRunsOf(deps.engine, prepared, axes);
  if ('notRun' in columns) return { status: 'not-run', reason: columns.notRun };
  const settings = readCompareSettings(document.uri);
  const priceTable = readPriceTable(settings.prices);
  const evalSettings = readEvalSettings(document.uri);
  const judge = options?.judge ?? evalSettings.judge;
  const seed = options?.seed ?? settings.seed;
  const made = await newEval(deps.engine, prepared, columns, data, {
    axes, samples: plan.samples, seeds: sampleSeeds(plan.samples, seed), seedFixed: seed !== undefined,
    userPrices: priceTable.prices, cache: evalSettings.cache, ...(judge !== undefined ? { judge } : {}),
  });
  if ('problem' in made) return notRun(`promptLab.eval.judge: ${made.problem.message}`);
  const { record, runCell, limit } = made;
  // Restricted Mode: javascript assertions are code from the workspace; they error instead of running.
  const usesCode = data.loaded.some((test) => test.assert?.some((assertion) => /^(not-)?javascript$/.test(assertion.type)));
  if (!vscode.workspace.isTrusted && usesCode) {
    void vscode.window.showWarningMessage('Prompt Lab: this workspace is not trusted (Restricted Mode): its javascript assertions are not run, and count as errors. Trust the workspace to run them.', 'Manage Workspace Trust').then((answer) => {
      if (answer) void vscode.commands.executeCommand('workbench.trust.manage');
    });
  }
  if (skipped.length > 0) void vscode.window.showWarningMessage(`Prompt Lab: ${skipped.length} of ${data.tests.length} tests have problems and are skipped; see the eval view.`);
  PromptLabPanel.show(deps.extensionUri);
  const streamed = await withCellProgress(`Prompt Lab: evaluating ${prepared.fileName} on ${describeTarget(prepared.target)}`, record.cells, () => deps.sessions.stop(record.id), () => deps.sessions.start(record, runCell, limit, !vscode.workspace.isTrusted));
  const evaluation = structuredClone(record);
  const summary = summarizeEval(evaluation);
  deps.log.line(`eval ${record.id.slice(0, 8)} ${prepared.fileName} × ${baseName(files.dataset)}: ${summary.passed}/${summary.graded} passed, ${summary.skipped} tests skipped`);
  return { status: 'finished', evaluation, streamed };
}

export function registerEvaluateCommand(deps: EvaluateDependencies): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.evaluate, async (uri?: unknown, options?: unknown): Promise<EvaluateOutcome> =>
    Promise.resolve().then(() => evaluate(deps, uri instanceof vscode.Uri ? uri : undefined, optionsOf(options))).catch((error: unknown) => {
      const message = deps.keys.redact(error instanceof Error ? error.message : String(error));
      deps.log.line(`eval failed before it started: ${message}`);
      void vscode.window.showErrorMessage(`Prompt Lab: ${message}`);
      return { status: 'not-run', reason: message } as EvaluateOutcome;
    }));
}
