// The records history keeps, made from what a run or a comparison produced.
import { randomUUID } from 'node:crypto';
import type { CellResult, ComparisonRecord } from '../comparison';
import { cellResultOf } from '../comparison';
import { DEFAULT_TEXT_LIMIT, sha256Prefix } from '../comparisonRun';
import type { GenerationConfig } from '../generationConfig';
import type { TextMessage } from '../render';
import { cellIndexOf, type ComparisonHistoryRecord, type Feedback, type RunRecord, type SavedRecord } from './types';

export interface RunRecordParams {
  file: string;
  fileName: string;
  /** The prompt file's text (only its hash is kept). */
  text: string;
  messages: TextMessage[];
  inputs?: Record<string, unknown>;
  backend: string;
  model: string;
  settings: GenerationConfig;
  /** The run's result (log-probabilities and retry hints are left out). */
  result: CellResult;
  id?: string;
  createdAt?: Date;
}

export function runRecordOf(params: RunRecordParams): RunRecord {
  const result = cellResultOf(params.result);
  result.text = result.text.slice(0, DEFAULT_TEXT_LIMIT);
  return {
    version: 1,
    kind: 'run',
    id: params.id ?? randomUUID(),
    createdAt: (params.createdAt ?? new Date()).toISOString(),
    prompt: { file: params.file, fileName: params.fileName, sha256: sha256Prefix(params.text), messages: params.messages },
    ...(params.inputs && Object.keys(params.inputs).length > 0 ? { inputs: params.inputs } : {}),
    backend: params.backend,
    model: params.model,
    settings: params.settings,
    status: result.finishReason === 'abort' ? 'stopped' : result.error ? 'failed' : 'done',
    result,
  };
}

/** A comparison record as history keeps it (a copy: the panel may still change its own), with the
 * inputs it was rendered with (for exporting its rated cells as tests). */
export function comparisonHistoryRecord(record: ComparisonRecord, inputs?: Record<string, unknown>): ComparisonHistoryRecord {
  return {
    ...(JSON.parse(JSON.stringify(record)) as ComparisonRecord),
    kind: 'comparison',
    ...(inputs && Object.keys(inputs).length > 0 ? { inputs: JSON.parse(JSON.stringify(inputs)) as Record<string, unknown> } : {}),
  };
}

/** The text of one completion of a record (`run` or `cell:<n>`), undefined when it has none. */
export function completionText(record: SavedRecord, completion: string): string | undefined {
  const fields = record as Record<string, unknown>;
  if (completion === 'run') {
    const result = fields.result as { text?: unknown } | undefined;
    return typeof result?.text === 'string' ? result.text : undefined;
  }
  const index = cellIndexOf(completion);
  const cells = fields.cells;
  const cell = index !== undefined && Array.isArray(cells) ? (cells[index] as { text?: unknown } | undefined) : undefined;
  return typeof cell?.text === 'string' ? cell.text : undefined;
}

/** The feedback a record saved again under its id (a rerun column, Rerun failed) keeps from the one
 * it replaces: that of every completion whose text is still the same. A completion that ran again
 * and said something else is no longer what was rated. Feedback the new record brings wins. */
export function keptFeedback(previous: SavedRecord | undefined, next: SavedRecord): Record<string, Feedback> | undefined {
  const kept: Record<string, Feedback> = {};
  for (const [completion, feedback] of Object.entries(previous?.feedback ?? {})) {
    const before = completionText(previous!, completion);
    if (before !== undefined && before === completionText(next, completion)) kept[completion] = feedback;
  }
  const all = { ...kept, ...(next.feedback ?? {}) };
  return Object.keys(all).length > 0 ? all : undefined;
}
