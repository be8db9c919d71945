// The comparison record: plain, serialisable data that the panel, the CLI (`compare --json`), the
// export formats and later the history all share. A cell's `text` grows while it streams; once the
// cell ends, `result` holds its result record and `text` equals `result.text`.
import { generationSettingsOf, type Axis, type Column } from './compare';
import type { PatternTrace } from './patterns/trace';
import type { GenerationConfig } from './generationConfig';
import type { ColumnMetrics } from './metrics';
import type { TextMessage } from './render';

/** queued → running → done | failed | stopped. A stopped cell may have partial text. */
export type CellStatus = 'queued' | 'running' | 'done' | 'failed' | 'stopped';

/** A run's result record without secrets and without per-token log-probabilities. */
export interface CellResult {
  /** Everything generated, also when the run failed or was stopped part way. */
  text: string;
  finishReason: 'stop' | 'length' | 'abort' | 'error' | 'content_filter' | 'tool_calls';
  usage: { promptTokens: number; completionTokens: number; estimated: boolean };
  latencyMs: number;
  timeToFirstTokenMs?: number;
  tokensPerSecond?: number;
  backend: string;
  model: string;
  /** The generation parameters exactly as sent to the backend. */
  parameters: Record<string, unknown>;
  /** Settings the backend could not honour, and other notes. */
  warnings: string[];
  /** What went wrong, in words a user can act on; `status` is the HTTP status where there was one. */
  error?: { message: string; status?: number };
  /** What a prompt pattern did (retrieval, agent steps, sandboxed code); `text` is its final answer. */
  trace?: PatternTrace;
}

export interface ComparisonCell {
  column: number;
  /** The sample row: row i uses the same seed in every column. */
  sample: number;
  seed?: number;
  /** Few-shot examples rendered into this cell's prompt, when `shots` is an axis. */
  shots?: number;
  status: CellStatus;
  /** The text so far (the whole text once the cell ended). */
  text: string;
  result?: CellResult;
}

export interface ComparisonColumn {
  /** `temperature 0.7`, `temperature 0.7 · shots 1`, `model local/stories260K`, `variant formal`. */
  label: string;
  settings: Column;
  /** The backend this column runs on, when the model is an axis (else the record's). */
  backend?: string;
  /** Its model without the provider ('' for the backend's default), when the model is an axis. */
  model?: string;
  /** Over the column's finished samples; absent until one finished. */
  metrics?: ColumnMetrics;
}

/** The prompt's tokens by part against the model's context window, and what a run costs. */
export interface TokenBudget {
  /** Prompt tokens of one request (all parts plus message overhead). */
  total: number;
  parts: { name: 'instruction' | 'examples' | 'content' | 'cue'; tokens: number }[];
  /** Message wrapping and reply priming: tokens that are no part's text. */
  overhead: number;
  /** The tokenizer used and whether the counts are exact for this model. */
  tokenizer: string;
  exact: boolean;
  /** The model's context window in tokens, when known. */
  contextWindow?: number;
  /** USD per million tokens, when the model's price is known (0 for a local model). */
  price?: { input: number; output: number; source: string };
}

export interface ComparisonRecord {
  /** Schema version of this record. */
  version: 1;
  id: string;
  /** ISO 8601. */
  createdAt: string;
  prompt: {
    /** The prompt file: a path for the CLI, a URI in the editor. */
    file: string;
    fileName: string;
    /** First 16 hex digits of the SHA-256 of the file's text. */
    sha256: string;
    /** The rendered messages (with the file's own shots; a `shots` axis renders others per cell). */
    messages: TextMessage[];
  };
  /** The prompt's own backend and model; a column with its own (a `model` axis) says so. */
  backend: string;
  /** Without the provider; empty when the backend picks its default. */
  model: string;
  axes: Axis[];
  samples: number;
  /** Sample row i's seed, in every column. */
  seeds: number[];
  /** Settings fixed for every cell (beyond the prompt's own config). */
  settings: GenerationConfig;
  /** The reference answer the metrics compare with (the input named by `promptlab.reference`). */
  reference?: string;
  tokens?: TokenBudget;
  columns: ComparisonColumn[];
  /** Row by row: sample 0 of every column, then sample 1, … */
  cells: ComparisonCell[];
}

/** What changed in one cell of a comparison since the last update. */
export interface CellUpdate {
  /** The cell's index in `ComparisonRecord.cells`. */
  index: number;
  status?: CellStatus;
  /** Clear the cell's text and result first (the column is run again). */
  reset?: true;
  /** More streamed text. */
  append?: string;
  /** The cell ended: its result record (its text is the whole text). */
  result?: CellResult;
}


/** True once no cell is queued or running. */
export const isSettled = (record: Pick<ComparisonRecord, 'cells'>): boolean =>
  record.cells.every((cell) => cell.status !== 'queued' && cell.status !== 'running');

/** The settings a cell runs with: the comparison's fixed ones, its column's generation settings (a
 * `shots`, `model` or `variant` axis is none: it changes the prompt or what runs it) and its row's seed. */
export function cellSettings(record: Pick<ComparisonRecord, 'settings' | 'columns'>, cell: Pick<ComparisonCell, 'column' | 'seed'>): GenerationConfig {
  const column = generationSettingsOf(record.columns[cell.column]?.settings ?? {});
  return { ...record.settings, ...column, ...(cell.seed !== undefined ? { seed: cell.seed } : {}) };
}

/** The backend and model a column runs on: its own under a `model` axis, else the record's. */
export function columnTarget(record: Pick<ComparisonRecord, 'backend' | 'model' | 'columns'>, column: number): { backend: string; model: string } {
  const own = record.columns[column];
  return { backend: own?.backend ?? record.backend, model: own?.model ?? record.model };
}

/** Only the fields of a CellResult: a backend's result record also carries log-probabilities and
 * retry hints, which the record (exported, kept in history) leaves out. */
export function cellResultOf(result: CellResult): CellResult {
  const { text, finishReason, usage, latencyMs, timeToFirstTokenMs, tokensPerSecond, backend, model, parameters, warnings, error, trace } = result;
  return {
    text, finishReason,
    usage: { promptTokens: usage.promptTokens, completionTokens: usage.completionTokens, estimated: usage.estimated },
    latencyMs,
    ...(timeToFirstTokenMs !== undefined ? { timeToFirstTokenMs } : {}),
    ...(tokensPerSecond !== undefined ? { tokensPerSecond } : {}),
    backend, model, parameters, warnings,
    ...(error ? { error: { message: error.message, ...(error.status !== undefined ? { status: error.status } : {}) } } : {}),
    // An agent's trajectory, a program's run, the passages retrieved: the cell's text is its answer.
    ...(trace ? { trace } : {}),
  };
}
