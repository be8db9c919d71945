// The one protocol between the extension host and the panel's webview. Both sides import this file,
// so renaming a message or a field is a compile error on both sides. Messages are named `noun/verb`.
//
// Handshake: the webview posts `webview/ready` once its listener is installed; only then does the
// host post, starting with `panel/init`. Requests that expect an answer carry an `id`; the answer
// carries the same `id` in `replyTo`.
import type { CellResult, CellUpdate, ComparisonRecord } from '../core/comparison';
import type { RenderedPromptView } from '../core/renderedPromptView';

export type { RenderedPromptView } from '../core/renderedPromptView';
/** How a byte-level token's chip reads (<0xE1>), the same in the panel and `tokens --show`. */
export { byteText } from '../core/tokens/tokenBytes';
import type { ColumnMetrics } from '../core/metrics';
import type { RecordComparisonView } from '../core/recordComparison';
import type { AssertionResult, EvalRecord, TestOutcome } from '../core/eval';
import { PROBABILITY_HOST_TYPES, PROBABILITY_WEBVIEW_TYPES, type ExplorerState, type ProbabilityHostMessages, type ProbabilityWebviewMessages } from './probabilities';

export type { CellResult, CellStatus, CellUpdate, ComparisonRecord, TokenBudget } from '../core/comparison';
export type { ColumnMetrics } from '../core/metrics';
export type { CompletionPair, RecordComparisonView, RecordCompletion, RecordSide, SettingRow } from '../core/recordComparison';
/** The webview may not import core; this one pure function on the record it shares. */
export { isSettled } from '../core/comparison';
export type { AgentStep, AgentStop, AgentTrace, ExecutionTrace, Passage, PatternTrace, RetrievalTrace } from '../core/patterns/trace';
export type { AssertionResult, CellVerdict, EvalCell, EvalColumnSummary, EvalRecord, EvalTest, TestColumnVerdict, TestOutcome } from '../core/eval';
/** The eval record's summaries are pure functions of its cells: the panel computes them as the CLI does. */
export { cellReason, cellVerdict, columnSummary, testName } from '../core/eval/evalRecord';

/** Bumped when a message changes shape; the webview says which version it speaks in `webview/ready`. */
export const PROTOCOL_VERSION = 4;

/** What the panel knows of the prompt file it is showing. */
export interface PromptSnapshot {
  /** The document's URI, as a string (file:, untitled:, vscode-remote: …). */
  uri: string;
  /** The file's base name, for display. */
  fileName: string;
  /** The document's language id (`dotprompt` for `.prompt` files). */
  languageId: string;
  /** Number of lines in the whole document. */
  lineCount: number;
  /** The document's text, cut to `PROMPT_PREVIEW_LIMIT` characters. */
  text: string;
  /** True when `text` was cut. */
  truncated: boolean;
  /** The prompt as rendered with its defaults, parts marked and counted (`prompt/rendered` adds it). */
  rendered?: RenderedPromptView;
  /** Why there is no rendered prompt (errors, inputs that do not fit), when there is none. */
  renderProblem?: string;
}

/** Upper bound on prompt text sent to the panel, so a 10 MB file never floods the webview. */
export const PROMPT_PREVIEW_LIMIT = 20_000;

/** Upper bound on completion text the panel keeps and shows for one run. */
export const RUN_TEXT_LIMIT = 200_000;

/** Which run a message is about, and what it runs on. */
export interface RunHeader {
  /** The request id: `run/token`, `run/finished` and `run/abort` carry the same one. */
  id: string;
  /** The prompt file's base name, for display. */
  fileName: string;
  /** The backend id (`local`, `openai`, a user's own name). */
  backend: string;
  /** The model, without the provider; empty when the backend picks its default. */
  model: string;
  /** The run started in VS Code's Restricted Mode: the trace view says that retrieval and the code
   * sandbox still ran (they touch nothing outside the workspace). */
  restricted?: boolean;
}

/** A run's result record as the panel sees it: the backend's result minus anything secret (no
 * keys, no headers) and minus the per-token log-probabilities (too large to post on every run).
 * The same record as a comparison cell's result. */
export type RunResultView = CellResult;

/** The last run the panel showed, as saved state. */
export interface RunSnapshot extends RunHeader {
  /** The text received so far (the whole text once finished). */
  text: string;
  /** Set once `run/finished` arrived. */
  result?: RunResultView;
}

/** What the webview persists with `setState` and the panel serializer hands back after a reload. */
export interface PanelState {
  /** Schema version of this record; an unknown version is discarded, never half-read. */
  version: 1;
  /** The prompt the panel last showed. */
  prompt?: PromptSnapshot;
  /** The last run (a run still streaming when the panel was reloaded shows as it was). */
  run?: RunSnapshot;
  /** The last comparison, as far as it got. */
  comparison?: ComparisonRecord;
  /** `comparison` started in Restricted Mode (its `compare/started` said so). */
  comparisonRestricted?: true;
  /** The last eval, as far as it got. */
  evaluation?: EvalRecord;
  /** `evaluation` started in Restricted Mode (its `eval/started` said so). */
  evaluationRestricted?: true;
  /** What the eval view shows of it: its filters and the cell opened. */
  evalView?: EvalViewState;
  /** Which one the panel shows: the one started last, until the user switches. */
  view?: PanelView;
  /** The cell other cells are diffed against, while diffing is on. */
  baseline?: { comparison: string; cell: number };
  // History and feedback (webview/src/history/):
  /** Two history records side by side, when the panel was asked to compare them. */
  records?: RecordComparisonView;
  /** Which of the panel's sections shows: also the record comparison. */
  shown?: 'records';
  /** The feedback saved for the records the panel shows, by record id then completion key. */
  feedback?: Record<string, Record<string, CompletionFeedback>>;
  /** The next-token explorer, while it is open. */
  explorer?: ExplorerState;
}

// --- History and feedback: every completion the panel shows can be rated and annotated; a rating is
// saved at once in its history record (the record's id is the run's or the comparison's id).

export type Rating = 'up' | 'down';

/** A user's feedback on one completion, as the history record keeps it. */
export interface CompletionFeedback {
  rating?: Rating;
  note?: string;
  /** The answer the user would have wanted. */
  betterAnswer?: string;
}

/** Which completion of a record: `run` for a run's result, `cell:<index>` for a comparison's cell. */
export const RUN_COMPLETION_KEY = 'run';
export const cellCompletionKey = (index: number): string => `cell:${index}`;
/** Upper bound on a note or a better answer the host accepts. */
export const FEEDBACK_TEXT_LIMIT = 20_000;
export type PanelView = 'run' | 'comparison' | 'eval';

/** The eval view's choices, saved with the panel's state. */
export interface EvalViewState {
  /** Which eval these belong to. */
  evaluation: string;
  /** Only tests that failed (or errored) in some shown column. */
  failuresOnly: boolean;
  /** Only this column; undefined: every column. */
  column?: number;
  /** The matrix cell whose detail is open. */
  open?: { test: number; column: number };
}

/** What changed in one cell of an eval: a comparison cell's update, and its grading once it ended
 * (a reset clears the grading too). */
export interface EvalCellUpdate extends CellUpdate {
  assertions?: AssertionResult[];
  outcome?: TestOutcome;
  /** USD for the call, when the model's price is known. */
  cost?: number;
}

/** Messages the host posts to the webview: type → payload (the probability views' in probabilities.ts). */
export interface HostToWebview extends ProbabilityHostMessages {
  /** First message after `webview/ready`: what to show. */
  'panel/init': {
    /** The prompt open in the active editor now, when there is one. After a reload the webview
     * restores what it showed from its own saved state (`getState`); this, when set, replaces it. */
    active?: PromptSnapshot;
  };
  /** The active prompt changed (another editor, or the document was saved). */
  'prompt/show': { prompt: PromptSnapshot };
  /** The prompt `uri` rendered with its defaults, its parts marked and counted; or why it is not. */
  'prompt/rendered': { uri: string; rendered?: RenderedPromptView; problem?: string };
  /** A run started: the panel clears the last run's output and shows this one's. */
  'run/started': RunHeader;
  /** More completion text of run `id`. Batched by the host: a few dozen messages a second at most. */
  'run/token': { id: string; text: string };
  /** Run `id` ended (finished, failed or aborted): its result record. */
  'run/finished': { id: string; result: RunResultView };
  /** A comparison started (every cell queued) and the panel shows it; or, with `resumed`, the
   * comparison as it stands after the webview was reloaded: it replaces the saved copy, and the
   * panel keeps showing what the user chose. `restricted`: it started in VS Code's Restricted Mode,
   * and its cells' trace views say so as a run's does (RunHeader); a record reopened from History
   * never has it (history does not record trust). */
  'compare/started': { comparison: ComparisonRecord; resumed?: boolean; restricted?: true };
  /** Cells of comparison `id` changed: streamed text, status, results, and the metrics of columns
   * whose samples all ended. Batched by the host across all cells: a few dozen messages a second. */
  'compare/update': { id: string; cells: CellUpdate[]; columns?: { index: number; metrics: ColumnMetrics }[] };
  /** Two history records side by side: prompt, settings and completions (History → Compare Two Records). */
  'records/show': { view: RecordComparisonView };
  /** The feedback saved in record `recordId`, every completion's (the answer to `feedback/load`,
   * `feedback/rate` and `feedback/annotate`). */
  'feedback/show': { recordId: string; feedback: Record<string, CompletionFeedback> };
  /** Saving feedback on `completion` of `recordId` failed: why, in words for the user. */
  'feedback/failed': { recordId: string; completion: string; message: string };
  /** An eval started (every cell queued) and the panel shows it; with `resumed`, the eval as it
   * stands after the webview was reloaded (it replaces the saved copy, the view stays as chosen).
   * `restricted`: it started in Restricted Mode, as `compare/started`'s. */
  'eval/started': { evaluation: EvalRecord; resumed?: boolean; restricted?: true };
  /** Cells of eval `id` changed: streamed text, status, results and gradings. Batched by the host. */
  'eval/update': { id: string; cells: EvalCellUpdate[] };
}

/** Messages the webview posts to the host: type → payload (the probability views' in probabilities.ts). */
export interface WebviewToHost extends ProbabilityWebviewMessages {
  /** The webview's message listener is installed; the host may post now. */
  'webview/ready': { protocolVersion: number };
  /** The user pressed Stop: abort run `id` (the host ignores ids it does not know). */
  'run/abort': { id: string };
  /** Stop one cell of comparison `id`, or all its cells when `cell` is absent. */
  'compare/stop': { id: string; cell?: number };
  /** Run column `column` of comparison `id` again (new text, same seeds). */
  'compare/rerunColumn': { id: string; column: number };
  /** Save comparison `id` as a file; the host asks where. */
  'compare/export': { id: string; format: ExportFormat };
  /** Put cell `cell`'s text on the clipboard. */
  'compare/copyCell': { id: string; cell: number };
  /** Rate a completion 👍 or 👎 (`null` clears the rating); the note and better answer are kept. */
  'feedback/rate': { recordId: string; completion: string; rating: Rating | null };
  /** Set a completion's note and better answer (empty strings clear them); the rating is kept. */
  'feedback/annotate': { recordId: string; completion: string; note: string; betterAnswer: string };
  /** Send the saved feedback of these records (`feedback/show`, one per record that has any). */
  'feedback/load': { recordIds: string[] };
  /** Stop one cell of eval `id`, or all its cells when `cell` is absent. */
  'eval/stop': { id: string; cell?: number };
  /** Run the cells of eval `id` that failed or errored again. */
  'eval/rerunFailed': { id: string };
  /** Save eval `id` as a file; the host asks where and writes its own record. */
  'eval/export': { id: string; format: EvalExportFormat };
  /** Open a retrieved passage's file in the editor with its lines selected. The host opens only a
   * file inside the workspace (a passage's path is workspace text, and the webview renders
   * untrusted text), and says why when it does not. */
  'trace/openPassage': {
    /** As in the passage: relative to the workspace, `/` separators. */
    file: string;
    /** 1-based, inclusive. */
    startLine: number;
    endLine: number;
  };
}

export type ExportFormat = 'markdown' | 'csv' | 'json';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['markdown', 'csv', 'json'];
export type EvalExportFormat = ExportFormat | 'junit';
export const EVAL_EXPORT_FORMATS: readonly EvalExportFormat[] = ['markdown', 'csv', 'json', 'junit'];

/** A message of map `M`: its `type`, its payload and, for requests and replies, ids. */
export type Message<M> = {
  [K in keyof M]: {
    type: K;
    payload: M[K];
    /** Set on a request that expects a reply. */
    id?: string;
    /** Set on a reply: the `id` of the request it answers. */
    replyTo?: string;
  };
}[keyof M];

export type HostMessage = Message<HostToWebview>;
export type WebviewMessage = Message<WebviewToHost>;

/** One handler per message type; a missing handler is a compile error where the map is written. */
export type Handlers<M> = { [K in keyof M]: (payload: M[K], message: Message<M> & { type: K }) => void };

const WEBVIEW_MESSAGE_TYPES: ReadonlySet<string> = new Set<keyof WebviewToHost>(['webview/ready', 'run/abort', 'compare/stop', 'compare/rerunColumn', 'compare/export', 'compare/copyCell', 'feedback/rate', 'feedback/annotate', 'feedback/load', 'eval/stop', 'eval/rerunFailed', 'eval/export', 'trace/openPassage', ...PROBABILITY_WEBVIEW_TYPES]);
const HOST_MESSAGE_TYPES: ReadonlySet<string> = new Set<keyof HostToWebview>(['panel/init', 'prompt/show', 'prompt/rendered', 'run/started', 'run/token', 'run/finished', 'compare/started', 'compare/update', 'records/show', 'feedback/show', 'feedback/failed', 'eval/started', 'eval/update', ...PROBABILITY_HOST_TYPES]);

function hasShape(value: unknown, types: ReadonlySet<string>): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const { type, payload } = value as { type?: unknown; payload?: unknown };
  return typeof type === 'string' && types.has(type) && typeof payload === 'object' && payload !== null;
}

/** Checks the envelope of what arrives from the webview: a known type with an object payload. */
export function isWebviewMessage(value: unknown): value is WebviewMessage {
  return hasShape(value, WEBVIEW_MESSAGE_TYPES);
}

/** Checks the envelope of what arrives from the host (a webview also receives other windows' messages). */
export function isHostMessage(value: unknown): value is HostMessage {
  return hasShape(value, HOST_MESSAGE_TYPES);
}

/** Calls the handler for `message.type`; the guards above have already rejected unknown types. */
export function dispatch<M>(handlers: Handlers<M>, message: Message<M>): void {
  const handler = handlers[message.type] as (payload: unknown, message: Message<M>) => void;
  handler(message.payload, message);
}

/** Returns `state` when it is a `PanelState` this version can read, else undefined. */
export function readPanelState(state: unknown): PanelState | undefined {
  if (typeof state !== 'object' || state === null) return undefined;
  return (state as { version?: unknown }).version === 1 ? (state as PanelState) : undefined;
}
