// The history's format: what is kept of every run, comparison and eval (the record its `--json`
// prints, with a `kind`), the feedback a user gives its completions, and the index that lists them
// without opening a record. Pure data: the store that reads and writes it is src/engine/history.
import type { CellResult, ComparisonRecord } from '../comparison';
import type { GenerationConfig } from '../generationConfig';
import type { TextMessage } from '../render';

export const HISTORY_VERSION = 1;

/** The prompt as a record keeps it (the comparison record's shape). */
export interface RecordPrompt {
  /** A path in the CLI, a URI in the editor. */
  file: string;
  fileName: string;
  /** First 16 hex digits of the SHA-256 of the file's text. */
  sha256: string;
  /** The rendered messages that were sent. */
  messages: TextMessage[];
}

/** One run of a prompt: its result record (scrubbed of keys, no log-probabilities) with what ran. */
export interface RunRecord {
  version: 1;
  kind: 'run';
  id: string;
  /** ISO 8601. */
  createdAt: string;
  prompt: RecordPrompt;
  /** The inputs as given (before defaults), when there were any. */
  inputs?: Record<string, unknown>;
  backend: string;
  /** Without the provider; empty when the backend picks its default. */
  model: string;
  /** The settings given on top of the prompt's own config (flags, the panel). */
  settings: GenerationConfig;
  /** done, failed (an error), stopped (aborted by the user). */
  status: 'done' | 'failed' | 'stopped';
  result: CellResult;
}

/** A comparison record as history keeps it. */
export interface ComparisonHistoryRecord extends ComparisonRecord {
  kind: 'comparison';
  /** The inputs as given (before defaults), when there were any. */
  inputs?: Record<string, unknown>;
}

/** Any record the store takes: an eval record (src/core/eval/evalRecord.ts) or a kind not yet
 * known is kept as it is; its summary is what the generic fields give. */
export interface AnyRecord {
  id: string;
  kind: string;
  createdAt: string;
  [field: string]: unknown;
}

export type HistoryRecord = RunRecord | ComparisonHistoryRecord | AnyRecord;

export type Rating = 'up' | 'down';

/** A user's feedback on one completion. An empty feedback (no rating, note or answer) clears it. */
export interface Feedback {
  rating?: Rating;
  note?: string;
  /** The answer the user would have wanted: a reference for evals, the chosen side of a pair. */
  betterAnswer?: string;
  /** ISO 8601, set by the store. */
  at?: string;
}

/** Which completion of a record: `run` for a run record's result, `cell:<index in cells>` for a
 * comparison's or an eval's cell. */
export type CompletionKey = 'run' | `cell:${number}`;

export const RUN_COMPLETION: CompletionKey = 'run';
export const cellCompletion = (index: number): CompletionKey => `cell:${index}`;

/** The cell index of a `cell:<n>` key; undefined for `run` or a malformed key. */
export function cellIndexOf(key: string): number | undefined {
  const match = /^cell:(\d+)$/.exec(key);
  return match ? Number(match[1]) : undefined;
}

/** A record as saved: the record plus its feedback, by completion key. */
export type SavedRecord = HistoryRecord & { feedback?: Record<string, Feedback> };

/** What a list shows of a record without opening it (one `record` line of the index). */
export interface HistoryEntry {
  id: string;
  kind: string;
  createdAt: string;
  /** The prompt file (path or URI) and its base name; '' when the record has none. */
  promptFile: string;
  promptName: string;
  backend: string;
  model: string;
  /** The settings that varied: `temperature 0, 0.5, 1` (a comparison's axes), or for a run the
   * settings given: `temperature 0.7 · seed 3`. */
  varied: string[];
  /** Completions in the record and how many ended done. */
  completions: number;
  done: number;
  /** An eval's pass rate (0–1) over its graded cells. */
  passRate?: number;
  /** 👍 and 👎 over the record's completions (folded from feedback lines). */
  ratings: { up: number; down: number };
  /** The completion key of every rated completion and its rating, for the lists' icons. */
  rated: Record<string, Rating>;
}

/** One line of `index.jsonl`: appended, never rewritten in place (a prune may compact the file). */
export type IndexLine =
  | { op: 'record'; entry: HistoryEntry }
  | { op: 'feedback'; id: string; completion: string; rating?: Rating; at: string }
  | { op: 'delete'; id: string; at: string };
