// Comparisons the extension is running or has run, by id: the panel's buttons (stop a cell or all,
// rerun a column, export, copy) act on them. Each session's updates go to the panel through one
// UpdateBatcher. The latest settled comparison is kept in workspace state, so export and copy still
// work after a window reload (the webview restores its own copy for display).
import type * as vscode from 'vscode';
import { isSettled, type ComparisonRecord } from '../../core/comparison';
import { ComparisonRun, type RunCell } from '../../core/comparisonRun';
import type { HostToWebview } from '../../shared/protocol';
import { PromptLabPanel } from '../panel/promptLabPanel';
import { UpdateBatcher } from './updateBatcher';

const LAST_COMPARISON_KEY = 'promptLab.lastComparison';
/** A comparison larger than this is not kept across reloads (workspace state is not a file store). */
const KEEP_LIMIT_CHARS = 4_000_000;
/** Settled comparisons kept in memory besides the running ones. */
const KEEP_SETTLED = 5;

/** `compare/update` messages posted for a comparison, and the streamed characters they carried. */
export interface StreamedUpdates { messages: number; characters: number }

interface Session {
  run: ComparisonRun;
  batcher: UpdateBatcher;
  /** Started in VS Code's Restricted Mode: the panel's trace views say so. */
  restricted: boolean;
}

export class ComparisonSessions implements vscode.Disposable {
  private readonly sessions = new Map<string, Session>();
  /** The comparison the panel shows last: re-sent whole when its webview is reloaded. */
  private latest: string | undefined;

  /** A comparison reopened from history: shown, and found by the panel's buttons, but not run. */
  private opened: ComparisonRecord | undefined;

  constructor(
    private readonly state: vscode.Memento,
    /** Every cell ended (first run or a rerun column): history keeps a copy (extension/history). */
    private readonly onSettled?: (record: ComparisonRecord) => void,
  ) {}

  /** Shows a comparison as it was saved (History → Open): the panel's export and copy act on it. */
  open(record: ComparisonRecord): void {
    this.opened = structuredClone(record);
    this.latest = record.id;
    PromptLabPanel.postRun('compare/started', { comparison: structuredClone(record) });
  }

  /** Starts `record` (every cell queued): the panel shows it and its cells stream in. Resolves when
   * every cell ended (stopped or not), with what was posted to the panel. `restricted`: the window
   * is in Restricted Mode now (kept in memory only, not in the record nor in history). */
  async start(record: ComparisonRecord, runCell: RunCell, limit: number, restricted = false): Promise<StreamedUpdates> {
    const streamed: StreamedUpdates = { messages: 0, characters: 0 };
    const batcher = new UpdateBatcher(({ cells, columns }) => {
      streamed.messages++;
      for (const cell of cells) streamed.characters += cell.append?.length ?? 0;
      PromptLabPanel.postRun('compare/update', { id: record.id, cells, ...(columns.length > 0 ? { columns } : {}) });
    });
    const run = new ComparisonRun(record, runCell, {
      limit,
      onUpdate: (update) => batcher.cell(update),
      onColumnMetrics: (column, metrics) => batcher.column(column, metrics),
    });
    this.sessions.set(record.id, { run, batcher, restricted });
    this.latest = record.id;
    this.forgetOld();
    // A copy: the record changes as soon as cells start, and the panel must get it as it was now
    // (the updates that follow describe every change after this).
    PromptLabPanel.postRun('compare/started', { comparison: structuredClone(record), ...(restricted ? { restricted: true } : {}) });
    await run.run();
    await this.settled(record.id);
    return streamed;
  }

  find(id: string): ComparisonRecord | undefined {
    const session = this.sessions.get(id);
    if (session) return session.run.record;
    if (this.opened?.id === id) return this.opened;
    const kept = this.state.get<ComparisonRecord>(LAST_COMPARISON_KEY);
    return kept?.id === id ? kept : undefined;
  }

  /** The comparison kept from the last session (before a reload), if any. */
  lastKept(): ComparisonRecord | undefined {
    return this.state.get<ComparisonRecord>(LAST_COMPARISON_KEY);
  }

  stop(id: string, cell?: number): void {
    this.sessions.get(id)?.run.stop(cell);
  }

  /** Runs a column again; false when the comparison is no longer here (from before a reload). */
  rerunColumn(id: string, column: number): Promise<boolean> {
    const session = this.sessions.get(id);
    if (!session || column < 0 || column >= session.run.record.columns.length) return Promise.resolve(false);
    this.latest = id;
    return session.run.rerunColumn(column).then(() => this.settled(id)).then(() => true);
  }

  /** The latest comparison as it stands now, its pending updates flushed first: they are part of
   * it, and sent after it they would be applied twice. */
  current(): ComparisonRecord | undefined {
    if (this.latest === undefined) return undefined;
    const session = this.sessions.get(this.latest);
    if (!session) return this.opened?.id === this.latest ? structuredClone(this.opened) : undefined;
    session.batcher.flush();
    return structuredClone(session.run.record);
  }

  /** `compare/started` for the latest comparison as it stands now (current()), for a panel whose
   * document was reloaded. */
  currentStarted(): HostToWebview['compare/started'] | undefined {
    const comparison = this.current();
    if (!comparison) return undefined;
    return { comparison, ...(this.sessions.get(comparison.id)?.restricted === true ? { restricted: true } : {}) };
  }

  stopAll(): void {
    for (const session of this.sessions.values()) session.run.stop();
  }

  dispose(): void {
    this.stopAll();
    for (const session of this.sessions.values()) session.batcher.dispose();
    this.sessions.clear();
  }

  private async settled(id: string): Promise<void> {
    const session = this.sessions.get(id);
    if (!session || !isSettled(session.run.record)) return;
    session.batcher.flush();
    this.onSettled?.(structuredClone(session.run.record));
    const json = JSON.stringify(session.run.record);
    if (json.length <= KEEP_LIMIT_CHARS) await this.state.update(LAST_COMPARISON_KEY, JSON.parse(json) as ComparisonRecord);
  }

  private forgetOld(): void {
    const settled = [...this.sessions].filter(([, session]) => session.run.settled);
    for (const [id, session] of settled.slice(0, Math.max(0, settled.length - KEEP_SETTLED))) {
      session.batcher.dispose();
      this.sessions.delete(id);
    }
  }
}
