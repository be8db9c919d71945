// A comparison as every host runs it: the record (core/comparisonRun's newComparison, with the
// prompt's token budget and reference), the function that runs one cell (its prompt, its settings,
// runPattern on its column's backend: a plain generation, an agent or a program, one cell each) and how many cells run at once. Hosts add only presentation:
// the CLI's progress lines and tables, the extension's panel sessions and progress notification.
//
// The grid's rows are samples today; `cellPrompt` is the hook for rows that render the prompt anew
// (an eval's tests, each with its own inputs): it gets the cell and its column and returns what to
// send.
import type { Backend, ChatMessage, GenerationResult } from '../backends/backend';
import { promptBudget } from '../backends/promptBudget';
import { chatMessagesOf, sentConfig } from '../backends/runPrompt';
import { SETTING_AXES, type Axis } from '../core/compare';
import { cellSettings, type ComparisonCell, type ComparisonRecord, type TokenBudget } from '../core/comparison';
import { budgetFor, newComparison, type RunCell } from '../core/comparisonRun';
import type { GenerationConfig } from '../core/generationConfig';
import type { PriceTable } from '../core/modelCatalog';
import { renderChecked, type RenderResult } from '../core/render';
import { redactLogprobs } from '../backends/redactLogprobs';
import { promptParts } from '../core/structure';
import { concurrencyOf, type ColumnRun, type ColumnRuns } from './columns';
import type { EngineHost } from './host';
import { runPattern, type PatternRequest } from './patternRun';
import { renderedRequest, type PreparedPrompt } from './prompt';
import type { PreparedRetrieval } from './retrieval';
import { RUN_TEXT_LIMIT } from '../shared/protocol';
import { resultView } from './resultView';

/** What a cell sends: the prompt rendered for it, and what retrieval put into it (when the prompt
 * has `promptlab.retrieve`: the trace for the cell's result, the ranker for an agent's `search`). */
export interface CellRender {
  rendered: RenderResult;
  retrieved?: PreparedRetrieval;
}

export type CellPrompt = (cell: ComparisonCell, column: ColumnRun, signal: AbortSignal) => Promise<CellRender>;

/** The column's own prompt (retrieved once for the column); under a `shots` axis, rendered anew with
 * the cell's number of examples. */
export const columnPrompt: CellPrompt = async (cell, { prompt }) => ({
  rendered: cell.shots === undefined ? prompt.rendered : await renderChecked(prompt.checked, { ...renderedRequest(prompt), shots: cell.shots }),
  ...(prompt.retrieved ? { retrieved: prompt.retrieved } : {}),
});

export interface ComparisonSpec {
  axes: Axis[];
  samples: number;
  /** One per sample row: row i runs with seed i in every column. */
  seeds: number[];
  /** Settings every cell runs with (flags); a column's axis values win over them. */
  settings?: GenerationConfig;
  /** The user's prices, for the token view. */
  userPrices?: PriceTable;
  /** Renders each cell's prompt (default: columnPrompt). */
  cellPrompt?: CellPrompt;
  /** Asks each cell for log-probabilities (where its backend gives them) and hands over each cell's
   * whole result and what was sent, for the panel's probability views. */
  keepCompletion?: KeepCompletion;
  /** Leave the token view out of the record until `countBudget()` is called: the CLI counts once
   * its requests have left, as building the tokenizer (~0.4 s for o200k) first held them all back. */
  budgetLater?: boolean;
}

/** What a cell sent and got back, log-probabilities included (the record leaves them out). */
export type KeepCompletion = (comparison: string, index: number, sent: { backend: string; model: string; messages: ChatMessage[]; config: GenerationConfig }, result: GenerationResult) => void;

/** Alternatives per token the panel's probability view asks for when a prompt sets none. */
export const PANEL_LOGPROBS = 5;

export interface EngineComparison {
  /** Every cell queued; the run fills it in. */
  record: ComparisonRecord;
  runCell: RunCell;
  /** Cells at once: the strictest backend's concurrency. */
  limit: number;
  /** Counts the token view into `record.tokens` (once; at once unless `budgetLater`). */
  countBudget(): Promise<void>;
}

/** The token view's numbers: the prompt itself on its own backend and model (a variant or model axis
 * does not change them). A comparison still runs without them; why goes to the log. */
export async function budgetOf(host: Pick<EngineHost, 'backends' | 'countTexts' | 'log'>, prepared: PreparedPrompt, userPrices?: PriceTable): Promise<TokenBudget | undefined> {
  try {
    const { checked, rendered, target } = prepared;
    const request = renderedRequest(prepared);
    const parts = await promptParts(checked, rendered, (shots) => renderChecked(checked, { ...request, shots }));
    const modelFile = target.config.modelPath?.replace(/^.*[\\/]/, '').replace(/\.gguf$/i, '');
    return await promptBudget({
      backend: host.backends.get(target.backendId), model: target.model, rendered, parts, countTexts: host.countTexts,
      ...(userPrices ? { userPrices } : {}), ...(modelFile ? { localModelName: modelFile } : {}),
    });
  } catch (error) {
    host.log(`token view unavailable: ${error instanceof Error ? error.message : String(error)}`);
    return undefined;
  }
}

/** The reference answer: the input the prompt names in `promptlab.reference`, when it is text. */
export function referenceOf(prepared: PreparedPrompt): string | undefined {
  const name = prepared.checked.frontmatter.referenceInput;
  const value = name === undefined ? undefined : prepared.rendered.input[name];
  return typeof value === 'string' ? value : undefined;
}

/** The settings varied that some column's backend cannot honour: `openai cannot honour topK`. */
export function settingsIgnored(host: Pick<EngineHost, 'backends'>, columns: ColumnRuns, axes: readonly Axis[]): string[] {
  return [...new Set(columns.runs.map((run) => run.target.backendId))].flatMap((id) => {
    const supports = host.backends.get(id).supports;
    const ignored = SETTING_AXES.filter((name) => axes.some((axis) => axis.name === name) && !supports.has(name));
    return ignored.length > 0 ? [`${id} cannot honour ${ignored.join(' and ')}`] : [];
  });
}

/** Runs one cell of `record`: its column's backend and model, the cell's prompt and settings, its
 * pattern (an agent's whole trajectory or a program's run is one cell; its text is the final answer). */
export function cellRunner(host: Pick<EngineHost, 'backends' | 'redact'>, record: ComparisonRecord, columns: ColumnRuns, cellPrompt: CellPrompt = columnPrompt, keep?: KeepCompletion): RunCell {
  const redact = (text: string) => (host.redact ? host.redact(text) : text);
  // Each backend once (the registry keeps it); its key, if it needs one, is asked for on its first run.
  const backends = new Map<number, Backend>();
  return async (cell, index, signal, onText) => {
    const column = columns.runs[cell.column]!;
    const backend = backends.get(cell.column) ?? host.backends.get(column.target.backendId);
    backends.set(cell.column, backend);
    const { rendered, retrieved } = await cellPrompt(cell, column, signal);
    const request: PatternRequest = {
      rendered, model: column.target.model, overrides: cellSettings(record, cell),
      ...(keep && backend.supports.has('logprobs') ? { defaults: { logprobs: PANEL_LOGPROBS } } : {}),
      ...(retrieved?.retrieval ? { retrieval: retrieved.retrieval } : {}),
    };
    const result = await runPattern(backend, request, {
      signal, onToken: (token) => onText(redact(token.text)), allowCode: true,
      ...(retrieved?.retriever ? { retrieve: retrieved.retriever } : {}),
    });
    keep?.(record.id, index, { backend: column.target.backendId, model: column.target.model, messages: chatMessagesOf(rendered), config: sentConfig(backend, request) }, { ...result, ...(result.logprobs ? { logprobs: redactLogprobs(result.logprobs, redact) } : {}) });
    // The cell's text becomes the result's when it ends: scrubbed like the streamed pieces were.
    return { ...resultView(result, redact), text: redact(result.text).slice(0, RUN_TEXT_LIMIT) };
  };
}

/** The comparison of `prepared` over `columns`: its record, its cell runner and its pace. */
export async function newEngineComparison(host: EngineHost, prepared: PreparedPrompt, columns: ColumnRuns, spec: ComparisonSpec): Promise<EngineComparison> {
  const reference = referenceOf(prepared);
  const tokens = spec.budgetLater ? undefined : await budgetOf(host, prepared, spec.userPrices);
  const record = newComparison({
    file: prepared.ref, fileName: prepared.fileName, text: prepared.text, messages: prepared.rendered.text,
    backend: prepared.target.backendId, model: prepared.target.model,
    axes: spec.axes, samples: spec.samples, seeds: spec.seeds, settings: spec.settings ?? {},
    ...(reference !== undefined ? { reference } : {}),
    ...(tokens ? { tokens } : {}),
    targetOf: columns.targetOf,
  });
  let counted: Promise<void> | undefined = spec.budgetLater ? undefined : Promise.resolve();
  const countBudget = () => counted ??= budgetOf(host, prepared, spec.userPrices).then((later) => {
    if (later) record.tokens = budgetFor(spec.axes, later);
  });
  return { record, runCell: cellRunner(host, record, columns, spec.cellPrompt, spec.keepCompletion), limit: concurrencyOf(columns), countBudget };
}
