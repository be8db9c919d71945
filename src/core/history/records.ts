// The records history keeps, made from what a run or a comparison produced.
import { randomUUID } from 'node:crypto';
import type { CellResult, ComparisonRecord } from '../comparison';
import { cellResultOf } from '../comparison';
import { sha256Prefix } from '../comparisonRun';
import type { GenerationConfig } from '../generationConfig';
import type { TextMessage } from '../render';
import type { ComparisonHistoryRecord, RunRecord } from './types';

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

/** A comparison record as history keeps it (a copy: the panel may still change its own). */
export function comparisonHistoryRecord(record: ComparisonRecord): ComparisonHistoryRecord {
  return { ...(JSON.parse(JSON.stringify(record)) as ComparisonRecord), kind: 'comparison' };
}
