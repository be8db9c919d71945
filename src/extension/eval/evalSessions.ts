// Evals the extension is running or has run, by id: the panel's buttons (stop, rerun failed,
// export) act on them. A cell's updates carry its grading once it ended (the engine's runCell sets
// it on the record before the cell's result is emitted), and reach the panel through one
// UpdateBatcher per eval, as a comparison's do. The latest settled eval is kept in workspace state,
// so export still works after a window reload, and every settled eval (first run or Rerun failed)
// goes to history, where the panel's ratings of its cells are kept.
import type * as vscode from 'vscode';
import { isSettled } from '../../core/comparison';
import { ComparisonRun, type RunCell } from '../../core/comparisonRun';
import { cellVerdict, summarizeEval, type EvalRecord } from '../../core/eval';
import type { EvalCellUpdate, HostToWebview } from '../../shared/protocol';
import { mergeCellUpdate, UpdateBatcher } from '../compare/updateBatcher';
import { PromptLabPanel } from '../panel/promptLabPanel';

const LAST_EVAL_KEY = 'promptLab.lastEval';
const KEEP_LIMIT_CHARS = 4_000_000;
const KEEP_SETTLED = 3;

/** `eval/update` messages posted for an eval, and the cells they carried. */
export interface EvalStreamed { messages: number; cellUpdates: number }

/** Folds a cell's updates: as a comparison's, and the latest grading wins (a reset drops it). */
export function mergeEvalCellUpdate(pending: EvalCellUpdate | undefined, next: EvalCellUpdate): EvalCellUpdate {
  const merged: EvalCellUpdate = mergeCellUpdate(pending, next);
  if (next.reset) return merged;
  if (next.assertions !== undefined) merged.assertions = next.assertions;
  if (next.outcome !== undefined) merged.outcome = next.outcome;
  if (next.cost !== undefined) merged.cost = next.cost;
  return merged;
}

interface Session {
  record: EvalRecord;
  run: ComparisonRun;
  batcher: UpdateBatcher<EvalCellUpdate>;
  /** Started in VS Code's Restricted Mode: the panel's trace views say so. */
  restricted: boolean;
}

export class EvalSessions implements vscode.Disposable {
  private readonly sessions = new Map<string, Session>();
  private latest: string | undefined;
  /** An eval reopened from history: shown, and found by the panel's buttons, but not run. */
  private opened: EvalRecord | undefined;

  constructor(
    private readonly state: vscode.Memento,
    /** Every cell ended (first run or Rerun failed): history keeps a copy (extension/history). */
    private readonly onSettled?: (record: EvalRecord) => void,
  ) {}

  /** Shows an eval as it was saved (History → Open): the panel's export acts on it. */
  open(record: EvalRecord): void {
    this.opened = structuredClone(record);
    this.latest = record.id;
    PromptLabPanel.postRun('eval/started', { evaluation: structuredClone(record) });
  }

  /** Starts `record` (every cell queued) into the panel; resolves when every cell ended.
   * `restricted`: as a comparison's (ComparisonSessions.start). */
  async start(record: EvalRecord, runCell: RunCell, limit: number, restricted = false): Promise<EvalStreamed> {
    const streamed: EvalStreamed = { messages: 0, cellUpdates: 0 };
    const batcher = new UpdateBatcher<EvalCellUpdate>(({ cells }) => {
      streamed.messages++;
      streamed.cellUpdates += cells.length;
      PromptLabPanel.postRun('eval/update', { id: record.id, cells });
    }, undefined, mergeEvalCellUpdate);
    // The eval record is a comparison record whose cells carry more; ComparisonRun runs it as one.
    const run = new ComparisonRun(record, runCell, {
      limit,
      onUpdate: (update) => {
        const cell = record.cells[update.index];
        // A result ends the cell: its grading is on the record by now.
        const graded: EvalCellUpdate = update.result && cell
          ? { ...update, ...(cell.assertions ? { assertions: cell.assertions } : {}), ...(cell.outcome ? { outcome: cell.outcome } : {}), ...(cell.cost !== undefined ? { cost: cell.cost } : {}) }
          : update;
        batcher.cell(graded);
      },
    });
    this.sessions.set(record.id, { record, run, batcher, restricted });
    this.latest = record.id;
    this.forgetOld();
    PromptLabPanel.postRun('eval/started', { evaluation: structuredClone(record), ...(restricted ? { restricted: true } : {}) });
    await run.run();
    await this.settled(record.id);
    return streamed;
  }

  find(id: string): EvalRecord | undefined {
    const session = this.sessions.get(id);
    if (session) return summarized(session.record);
    if (this.opened?.id === id) return structuredClone(this.opened);
    const kept = this.state.get<EvalRecord>(LAST_EVAL_KEY);
    return kept?.id === id ? kept : undefined;
  }

  lastKept(): EvalRecord | undefined {
    return this.state.get<EvalRecord>(LAST_EVAL_KEY);
  }

  stop(id: string, cell?: number): void {
    this.sessions.get(id)?.run.stop(cell);
  }

  /** Runs the failed and errored cells again; false when the eval is no longer here, 0 cells when none failed. */
  async rerunFailed(id: string): Promise<number | false> {
    const session = this.sessions.get(id);
    if (!session) return false;
    const failed = session.record.cells.flatMap((cell, index) => {
      const verdict = cellVerdict(cell);
      return verdict === 'fail' || verdict === 'error' ? [index] : [];
    });
    if (failed.length === 0) return 0;
    this.latest = id;
    await session.run.rerunCells(failed);
    await this.settled(id);
    return failed.length;
  }

  /** The latest eval as it stands, its pending updates sent first. */
  current(): EvalRecord | undefined {
    const session = this.latest === undefined ? undefined : this.sessions.get(this.latest);
    if (!session) return this.opened !== undefined && this.opened.id === this.latest ? structuredClone(this.opened) : undefined;
    session.batcher.flush();
    return structuredClone(session.record);
  }

  /** `eval/started` for the latest eval as it stands now (current()), for a reloaded panel. */
  currentStarted(): HostToWebview['eval/started'] | undefined {
    const evaluation = this.current();
    if (!evaluation) return undefined;
    return { evaluation, ...(this.sessions.get(evaluation.id)?.restricted === true ? { restricted: true } : {}) };
  }

  dispose(): void {
    for (const session of this.sessions.values()) {
      session.run.stop();
      session.batcher.dispose();
    }
    this.sessions.clear();
  }

  private async settled(id: string): Promise<void> {
    const session = this.sessions.get(id);
    if (!session || !isSettled(session.record)) return;
    session.batcher.flush();
    const record = summarized(session.record);
    this.onSettled?.(record);
    const json = JSON.stringify(record);
    if (json.length <= KEEP_LIMIT_CHARS) await this.state.update(LAST_EVAL_KEY, JSON.parse(json) as EvalRecord);
  }

  private forgetOld(): void {
    const settled = [...this.sessions].filter(([, session]) => session.run.settled);
    for (const [id, session] of settled.slice(0, Math.max(0, settled.length - KEEP_SETTLED))) {
      session.batcher.dispose();
      this.sessions.delete(id);
    }
  }
}

/** A copy with its summaries filled in, for exports and keeping. */
function summarized(record: EvalRecord): EvalRecord {
  const copy = structuredClone(record);
  summarizeEval(copy);
  return copy;
}
