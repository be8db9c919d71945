// "Prompt Lab: Compare Temperatures" and "Prompt Lab: Compare…" (palette, CodeLens, editor title):
// prepare the prompt as Run Prompt does, ask what to vary, let the engine settle what each column
// runs on and renders and build the record and its cell runner, then run every cell into the panel's
// grid with cancellable progress. Invoked
// programmatically with a plan (`{ temperatures | axes, samples, seed, input }`) it skips the quick
// inputs and resolves to the finished record.
import * as vscode from 'vscode';
import { checkedAxis, SETTING_AXES, sampleSeeds, type Axis, type AxisName } from '../../core/compare';
import { columnTarget, type ComparisonRecord } from '../../core/comparison';
import { readPriceTable } from '../../core/modelCatalog';
import { newEngineComparison, settingsIgnored } from '../../engine/comparison';
import type { EngineHost } from '../../engine/host';
import type { ApiKeyStore } from '../backends/apiKeys';
import type { BackendService } from '../backends/backendService';
import type { OutputLog } from '../backends/outputLog';
import { describeTarget } from '../backends/runTarget';
import { Commands } from '../commands';
import { PromptLabPanel } from '../panel/promptLabPanel';
import { preparePrompt } from '../run/preparePrompt';
import { readCompareSettings } from '../settings';
import { columnRunsOf, modelChoices, variantsBeside } from './compareColumns';
import { askPlan, askTemperaturePlan, MAX_CELLS, type ComparePlan } from './comparePlan';
import type { ComparisonSessions, StreamedUpdates } from './comparisonSessions';
import type { Completions } from '../probabilities/completions';
import { withCellProgress } from './cellProgress';

export interface CompareDependencies {
  extensionUri: vscode.Uri;
  /** The engine's host: prompts, partials, backends, the log, redaction. */
  engine: EngineHost;
  backends: BackendService;
  keys: ApiKeyStore;
  log: OutputLog;
  sessions: ComparisonSessions;
  /** Where each cell's token probabilities are kept for the panel (absent: not kept). */
  completions?: Completions;
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
  const columns = await columnRunsOf(deps.engine, prepared, plan.axes);
  if ('notRun' in columns) return { status: 'not-run', reason: columns.notRun };
  // Every backend the columns run on (several under a model axis) is asked about the settings varied.
  const ignoring = settingsIgnored(deps.engine, columns, plan.axes);
  if (ignoring.length > 0 && options.axes === undefined && options.temperatures === undefined) {
    const go = 'Compare Anyway';
    const answer = await vscode.window.showWarningMessage(`Prompt Lab: ${ignoring.join('; ')}: those columns would differ only by chance.`, { modal: true }, go);
    if (answer !== go) return { status: 'not-run', reason: 'cancelled' };
  }

  const priceTable = readPriceTable(settings.prices);
  for (const problem of priceTable.problems) deps.log.line(`promptLab.prices: ${problem}`);
  const { record, runCell, limit } = await newEngineComparison(deps.engine, prepared, columns, {
    axes: plan.axes, samples: plan.samples, seeds: sampleSeeds(plan.samples, options.seed ?? settings.seed), userPrices: priceTable.prices,
    ...(deps.completions ? { keepCompletion: (comparison, cell, sent, result) => deps.completions!.keep({ kind: 'cell', comparison, cell }, sent, result) } : {}),
  });
  PromptLabPanel.show(deps.extensionUri);
  const acrossModels = plan.axes.some((axis) => axis.name === 'model');
  const total = record.cells.length;
  const streamed = await withCellProgress(`Prompt Lab: comparing ${prepared.fileName} on ${acrossModels ? 'each column\'s model' : describeTarget(prepared.target)}`, record.cells, () => deps.sessions.stop(record.id), () => deps.sessions.start(record, runCell, limit, !vscode.workspace.isTrusted));
  const failed = record.cells.filter((cell) => cell.status === 'failed');
  const ranOn = [...new Set(record.columns.map((_, column) => columnTarget(record, column)).map(({ backend: id, model }) => `${id}/${model || 'default'}`))];
  deps.log.line(`comparison ${record.id.slice(0, 8)} ${prepared.fileName} on ${ranOn.join(', ')}: ${record.columns.length} settings × ${record.samples} samples, seeds ${record.seeds.join(', ')}; ${failed.length} failed`);
  if (failed.length > 0) {
    void vscode.window.showWarningMessage(`Prompt Lab: ${failed.length} of ${total} cells failed: ${failed[0]!.result?.error?.message ?? 'unknown error'}`);
  }
  return { status: 'finished', comparison: structuredClone(record), streamed };
}
