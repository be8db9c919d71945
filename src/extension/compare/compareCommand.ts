// "Prompt Lab: Compare Temperatures" and "Prompt Lab: Compare…" (palette, CodeLens, editor title):
// prepare the prompt as Run Prompt does, ask what to vary, then run every cell into the panel's
// grid with cancellable progress. Invoked programmatically with a plan (`{ temperatures | axes,
// samples, seed, input }`) it skips the quick inputs and resolves to the finished record.
import * as vscode from 'vscode';
import { runPrompt } from '../../backends/runPrompt';
import { AXIS_NAMES, sampleSeeds, type Axis } from '../../core/compare';
import { cellSettings, type ComparisonRecord, type TokenBudget } from '../../core/comparison';
import { newComparison, type RunCell } from '../../core/comparisonRun';
import type { GenerationConfig } from '../../core/generationConfig';
import { readPriceTable, tokenBudget } from '../../core/modelCatalog';
import { countPromptTokens, type CountTexts } from '../../core/promptTokens';
import { renderChecked } from '../../core/render';
import { promptParts } from '../../core/structure';
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

function optionsOf(value: unknown): CompareOptions {
  if (typeof value !== 'object' || value === null) return {};
  const { input, temperatures, axes, samples, seed } = value as Record<string, unknown>;
  const numbers = (list: unknown): list is number[] => Array.isArray(list) && list.length > 0 && list.every((item) => typeof item === 'number' && Number.isFinite(item));
  return {
    ...(typeof input === 'object' && input !== null && !Array.isArray(input) ? { input: input as Record<string, unknown> } : {}),
    ...(numbers(temperatures) ? { temperatures } : {}),
    ...(Array.isArray(axes) && axes.every((axis: Axis) => AXIS_NAMES.includes(axis?.name) && numbers(axis.values)) ? { axes: axes as Axis[] } : {}),
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
    compare(deps, uri instanceof vscode.Uri ? uri : undefined, optionsOf(options), choose).catch((error: unknown) => {
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
  const unsupported = new Set(AXIS_NAMES.filter((name) => name !== 'shots' && !backend.supports.has(name as keyof GenerationConfig)));
  const plan = givenPlan(options, settings.samples) ?? (choose === 'temperatures'
    ? await askTemperaturePlan(settings.temperatures, settings.samples)
    : await askPlan(settings.temperatures, settings.samples, prepared.rendered.examples?.available, unsupported));
  if (!plan) return { status: 'not-run', reason: 'cancelled' };
  const ignored = plan.axes.filter((axis) => unsupported.has(axis.name)).map((axis) => axis.name);
  if (ignored.length > 0 && options.axes === undefined && options.temperatures === undefined) {
    const go = 'Compare Anyway';
    const answer = await vscode.window.showWarningMessage(`Prompt Lab: ${prepared.target.backendId} cannot honour ${ignored.join(' and ')}: its columns would differ only by chance.`, { modal: true }, go);
    if (answer !== go) return { status: 'not-run', reason: 'cancelled' };
  }

  const record = newComparison({
    file: prepared.document.uri.toString(), fileName: prepared.fileName, text: prepared.document.getText(),
    messages: prepared.rendered.text, backend: prepared.target.backendId, model: prepared.target.model,
    axes: plan.axes, samples: plan.samples, seeds: sampleSeeds(plan.samples, options.seed), settings: {},
    ...referenceOf(prepared), ...await budgetOf(deps, prepared, settings.prices),
  });
  PromptLabPanel.show(deps.extensionUri);
  const redact = (text: string) => deps.keys.redact(text);
  const runCell: RunCell = async (cell, _index, signal, onText) => {
    const rendered = cell.shots === undefined ? prepared.rendered : await renderChecked(prepared.checked, { input: prepared.input, shots: cell.shots });
    const overrides = cellSettings(record, cell);
    const result = await runPrompt(backend, { rendered, model: prepared.target.model, overrides }, { signal, onToken: (token) => onText(redact(token.text)) });
    return resultView(result, redact);
  };
  const limit = prepared.target.config.concurrency ?? 2;
  const total = record.cells.length;
  const streamed = await vscode.window.withProgress({
    location: vscode.ProgressLocation.Notification,
    title: `Prompt Lab: comparing ${prepared.fileName} on ${describeTarget(prepared.target)}`,
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
  deps.log.line(`comparison ${record.id.slice(0, 8)} ${prepared.fileName} on ${record.backend}/${record.model || 'default'}: ${record.columns.length} settings × ${record.samples} samples, seeds ${record.seeds.join(', ')}; ${failed.length} failed`);
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

/** The token view's numbers; a comparison still runs when they cannot be had. */
async function budgetOf(deps: CompareDependencies, prepared: PreparedPrompt, prices: unknown): Promise<{ tokens?: TokenBudget }> {
  try {
    const { checked, rendered, input, target } = prepared;
    const parts = await promptParts(checked, rendered, (shots) => renderChecked(checked, { input, shots }));
    const report = await countPromptTokens(rendered.model ?? checked.frontmatter.model, rendered.text, parts, deps.countTexts);
    const priceTable = readPriceTable(prices);
    for (const problem of priceTable.problems) deps.log.line(`promptLab.prices: ${problem}`);
    return {
      tokens: tokenBudget(report, {
        model: target.model,
        ...(target.config.kind === 'local' ? { local: { ...(target.config.contextSize !== undefined ? { contextSize: target.config.contextSize } : {}) } } : {}),
        userPrices: priceTable.prices,
      }),
    };
  } catch (error) {
    deps.log.line(`token view unavailable: ${error instanceof Error ? error.message : String(error)}`);
    return {};
  }
}
