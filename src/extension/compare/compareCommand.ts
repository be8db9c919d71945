// "Prompt Lab: Compare Temperatures" and "Prompt Lab: Compare…" (palette, CodeLens, editor title):
// prepare the prompt as Run Prompt does, ask what to vary, settle what each column runs on and
// renders, then run every cell into the panel's grid with cancellable progress. Invoked
// programmatically with a plan (`{ temperatures | axes, samples, seed, input }`) it skips the quick
// inputs and resolves to the finished record.
import * as vscode from 'vscode';
import { runPrompt } from '../../backends/runPrompt';
import { checkedAxis, SETTING_AXES, sampleSeeds, type Axis, type AxisName } from '../../core/compare';
import { cellSettings, columnTarget, type ComparisonRecord } from '../../core/comparison';
import { newComparison, type RunCell } from '../../core/comparisonRun';
import type { CountTexts } from '../../core/promptTokens';
import { renderChecked } from '../../core/render';
import type { ApiKeyStore } from '../backends/apiKeys';
import type { BackendService } from '../backends/backendService';
import type { OutputLog } from '../backends/outputLog';
import { describeTarget } from '../backends/runTarget';
import { Commands } from '../commands';
import type { PromptChecks } from '../language/promptChecks';
import { PromptLabPanel } from '../panel/promptLabPanel';
import { preparePrompt, type PreparedPrompt } from '../run/preparePrompt';
import { resultView } from '../run/runReport';
import { readCompareSettings } from '../settings';
import { budgetOf } from './budgetOf';
import { columnRunsOf, modelChoices, variantsBeside } from './compareColumns';
import { askPlan, askTemperaturePlan, MAX_CELLS, type ComparePlan } from './comparePlan';
import type { ComparisonSessions, StreamedUpdates } from './comparisonSessions';

export interface CompareDependencies {
  extensionUri: vscode.Uri;
  checks: PromptChecks;
  backends: BackendService;
  keys: ApiKeyStore;
  log: OutputLog;
  sessions: ComparisonSessions;
  countTexts: CountTexts;
}

export type CompareOutcome =
  | { status: 'finished'; comparison: ComparisonRecord; streamed: StreamedUpdates }
  | { status: 'not-run'; reason: string };

/** The second argument, for callers other than menus. */
interface CompareOptions {
  input?: Record<string, unknown>;
  temperatures?: number[];
  axes?: Axis[];
  samples?: number;
  seed?: number;
}

/** The caller's options; a malformed axis is an error (it says which), not a reason to ask instead. */
function optionsOf(value: unknown): CompareOptions {
  if (typeof value !== 'object' || value === null) return {};
  const { input, temperatures, axes, samples, seed } = value as Record<string, unknown>;
  const numbers = (list: unknown): list is number[] => Array.isArray(list) && list.length > 0 && list.every((item) => typeof item === 'number' && Number.isFinite(item));
  const axisOf = (axis: unknown): Axis => {
    const { name, values } = (typeof axis === 'object' && axis !== null ? axis : {}) as { name?: unknown; values?: unknown };
    return checkedAxis(String(name), Array.isArray(values) ? values : []);
  };
  return {
    ...(typeof input === 'object' && input !== null && !Array.isArray(input) ? { input: input as Record<string, unknown> } : {}),
    ...(numbers(temperatures) ? { temperatures } : {}),
    ...(Array.isArray(axes) ? { axes: axes.map(axisOf) } : {}),
    ...(Number.isInteger(samples) ? { samples: samples as number } : {}),
    ...(Number.isInteger(seed) ? { seed: seed as number } : {}),
  };
}

/** A plan given by the caller, checked as the quick inputs would check it. */
function givenPlan(options: CompareOptions, defaultSamples: number): ComparePlan | undefined {
  const axes = options.axes ?? (options.temperatures ? [{ name: 'temperature' as const, values: options.temperatures }] : undefined);
  if (!axes) return undefined;
  const samples = options.samples ?? defaultSamples;
  const cells = axes.reduce((product, axis) => product * axis.values.length, samples);
  if (axes.length > 2 || samples < 1 || cells > MAX_CELLS) throw new Error(`a comparison has one or two axes and at most ${MAX_CELLS} cells`);
  return { axes, samples };
}

export function registerCompareCommands(deps: CompareDependencies): vscode.Disposable[] {
  const command = (id: string, choose: 'temperatures' | 'axes') => vscode.commands.registerCommand(id, async (uri?: unknown, options?: unknown): Promise<CompareOutcome> =>
    Promise.resolve().then(() => compare(deps, uri instanceof vscode.Uri ? uri : undefined, optionsOf(options), choose)).catch((error: unknown) => {
      const message = deps.keys.redact(error instanceof Error ? error.message : String(error));
      deps.log.line(`comparison failed before it started: ${message}`);
      void vscode.window.showErrorMessage(`Prompt Lab: ${message}`);
      return { status: 'not-run', reason: message } as CompareOutcome;
    }));
  return [command(Commands.compareTemperatures, 'temperatures'), command(Commands.compare, 'axes')];
}

async function compare(deps: CompareDependencies, uri: vscode.Uri | undefined, options: CompareOptions, choose: 'temperatures' | 'axes'): Promise<CompareOutcome> {
  const prepared = await preparePrompt(deps, uri, options.input);
  if ('notRun' in prepared) return { status: 'not-run', reason: prepared.notRun };
  const settings = readCompareSettings(prepared.document.uri);
  const backend = deps.backends.registry.get(prepared.target.backendId);
  const unsupported = new Set<AxisName>(SETTING_AXES.filter((name) => !backend.supports.has(name)));
  const plan = givenPlan(options, settings.samples) ?? (choose === 'temperatures'
    ? await askTemperaturePlan(settings.temperatures, settings.samples)
    : await askPlan({
      temperatures: settings.temperatures, examples: prepared.rendered.examples?.available,
      models: modelChoices(deps.backends, prepared), variants: await variantsBeside(prepared),
    }, settings.samples, unsupported));
  if (!plan) return { status: 'not-run', reason: 'cancelled' };
  const columns = await columnRunsOf(deps, prepared, plan.axes);
  if ('notRun' in columns) return { status: 'not-run', reason: columns.notRun };
  // Every backend the columns run on (several under a model axis) is asked about the settings varied.
  const ignoring = [...new Set(columns.runs.map((run) => run.target.backendId))].flatMap((id) => {
    const supports = deps.backends.registry.get(id).supports;
    const settingsIgnored = SETTING_AXES.filter((name) => plan.axes.some((axis) => axis.name === name) && !supports.has(name));
    return settingsIgnored.length > 0 ? [`${id} cannot honour ${settingsIgnored.join(' and ')}`] : [];
  });
  if (ignoring.length > 0 && options.axes === undefined && options.temperatures === undefined) {
    const go = 'Compare Anyway';
    const answer = await vscode.window.showWarningMessage(`Prompt Lab: ${ignoring.join('; ')}: those columns would differ only by chance.`, { modal: true }, go);
    if (answer !== go) return { status: 'not-run', reason: 'cancelled' };
  }

  const record = newComparison({
    file: prepared.document.uri.toString(), fileName: prepared.fileName, text: prepared.document.getText(),
    messages: prepared.rendered.text, backend: prepared.target.backendId, model: prepared.target.model,
    axes: plan.axes, samples: plan.samples, seeds: sampleSeeds(plan.samples, options.seed ?? settings.seed), settings: {},
    targetOf: columns.targetOf,
    ...referenceOf(prepared), ...await budgetOf(deps, prepared, backend, settings.prices),
  });
  PromptLabPanel.show(deps.extensionUri);
  const redact = (text: string) => deps.keys.redact(text);
  // Each backend once (the registry keeps it); its key, if it needs one, is asked for on its first run.
  const backends = columns.runs.map((run) => deps.backends.registry.get(run.target.backendId));
  const runCell: RunCell = async (cell, _index, signal, onText) => {
    const { checked, rendered: own, target } = columns.runs[cell.column]!;
    const rendered = cell.shots === undefined ? own : await renderChecked(checked, { input: prepared.input, shots: cell.shots });
    const overrides = cellSettings(record, cell);
    const result = await runPrompt(backends[cell.column]!, { rendered, model: target.model, overrides }, { signal, onToken: (token) => onText(redact(token.text)) });
    return resultView(result, redact);
  };
  // The strictest backend sets the pace: none gets more requests at once than it allows.
  const limit = Math.min(...columns.runs.map((run) => run.target.config.concurrency ?? 2));
  const acrossModels = plan.axes.some((axis) => axis.name === 'model');
  const total = record.cells.length;
  const streamed = await vscode.window.withProgress({
    location: vscode.ProgressLocation.Notification,
    title: `Prompt Lab: comparing ${prepared.fileName} on ${acrossModels ? 'each column\'s model' : describeTarget(prepared.target)}`,
    cancellable: true,
  }, async (progress, token) => {
    const cancel = token.onCancellationRequested(() => deps.sessions.stop(record.id));
    const ticker = setInterval(() => {
      const ended = record.cells.filter((cell) => cell.status !== 'queued' && cell.status !== 'running').length;
      progress.report({ message: `${ended}/${total} cells` });
    }, 500);
    try {
      return await deps.sessions.start(record, runCell, limit);
    } finally {
      clearInterval(ticker);
      cancel.dispose();
    }
  });
  const failed = record.cells.filter((cell) => cell.status === 'failed');
  const ranOn = [...new Set(record.columns.map((_, column) => columnTarget(record, column)).map(({ backend: id, model }) => `${id}/${model || 'default'}`))];
  deps.log.line(`comparison ${record.id.slice(0, 8)} ${prepared.fileName} on ${ranOn.join(', ')}: ${record.columns.length} settings × ${record.samples} samples, seeds ${record.seeds.join(', ')}; ${failed.length} failed`);
  if (failed.length > 0) {
    void vscode.window.showWarningMessage(`Prompt Lab: ${failed.length} of ${total} cells failed: ${failed[0]!.result?.error?.message ?? 'unknown error'}`);
  }
  return { status: 'finished', comparison: structuredClone(record), streamed };
}

/** The reference answer: the input the prompt names in `promptlab.reference`, when it is text. */
function referenceOf(prepared: PreparedPrompt): { reference?: string } {
  const name = prepared.checked.frontmatter.referenceInput;
  const value = name === undefined ? undefined : prepared.rendered.input[name];
  return typeof value === 'string' ? { reference: value } : {};
}
