// Running a comparison record: its queued cells start in cell order (row by row), at most `limit`
// at once; each streams its text into the record, which this class mutates in place (it is the
// authoritative copy) while reporting every change as a CellUpdate, in the order it happened. A cell
// or all can be stopped, and a column run again while the rest still runs. Running one cell is
// passed in (the CLI and the extension each call their backends their own way).
import { createHash, randomUUID } from 'node:crypto';
import { cellsOf, checkedAxis, columnLabel, columnsOf, type Axis } from './compare';
import { cellResultOf, columnTarget, isSettled, type CellResult, type CellStatus, type CellUpdate, type ComparisonCell, type ComparisonRecord, type TokenBudget } from './comparison';
import { columnMetrics, type ColumnMetrics } from './metrics';
import type { TextMessage } from './render';

/** Runs one cell: streams text through `onText` and resolves with the result record. It should
 * end soon after `signal` aborts, resolving with what it has (a throw is recorded, not lost). */
export type RunCell = (cell: ComparisonCell, index: number, signal: AbortSignal, onText: (text: string) => void) => Promise<CellResult>;

export interface ComparisonRunOptions {
  /** Cells running at once (at least 1). */
  limit: number;
  /** A cell keeps at most this many characters of text (a runaway model cannot fill the memory). */
  textLimit?: number;
  /** Every status change, text append, reset and result. */
  onUpdate?: (update: CellUpdate) => void;
  /** A column ended (its last queued or running cell did, also after a rerun): its metrics over
   * its 'done' cells. Not called when none is done (the column then has no metrics). */
  onColumnMetrics?: (column: number, metrics: ColumnMetrics) => void;
}

export const DEFAULT_TEXT_LIMIT = 200_000;

/** `text` cut to `limit` characters, never between the two halves of a surrogate pair. */
function capText(text: string, limit: number): string {
  if (text.length <= limit) return text;
  const cut = text.slice(0, limit);
  return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

const ended = (status: CellStatus) => status !== 'queued' && status !== 'running';

export class ComparisonRun {
  private readonly limit: number;
  private readonly textLimit: number;
  /** Cells run() or rerunColumn() asked for that have not started yet. */
  private readonly admitted = new Set<number>();
  /** The running cells' controllers. */
  private readonly controllers = new Map<number, AbortController>();
  /** Counts each cell's starts and resets: a run's late text or result for an older attempt (the
   * column was reset meanwhile) is dropped. */
  private readonly attempts: number[];
  /** runCell calls not yet returned, including ones whose cell was reset: they hold their slot
   * until they return, so the backend never sees more than `limit` requests. */
  private inFlight = 0;
  private waiters: { done: () => boolean; resolve: () => void }[] = [];

  constructor(readonly record: ComparisonRecord, private readonly runCell: RunCell, private readonly options: ComparisonRunOptions) {
    if (!Number.isInteger(options.limit) || options.limit < 1) throw new Error('the concurrency limit must be a whole number of at least 1');
    this.limit = options.limit;
    this.textLimit = options.textLimit ?? DEFAULT_TEXT_LIMIT;
    this.attempts = record.cells.map(() => 0);
  }

  get settled(): boolean {
    return isSettled(this.record);
  }

  /** Runs every queued cell; resolves when no cell is queued or running. */
  run(): Promise<void> {
    this.record.cells.forEach((cell, index) => {
      if (cell.status === 'queued') this.admitted.add(index);
    });
    this.pump();
    return this.until(() => this.settled);
  }

  /** Stops one cell, or every cell: a queued one at once, a running one through its signal. */
  stop(cell?: number): void {
    const indices = cell === undefined ? this.record.cells.map((_, index) => index) : [cell];
    const columns = new Set<number>();
    for (const index of indices) {
      const target = this.record.cells[index];
      if (target?.status === 'queued') {
        this.admitted.delete(index);
        target.status = 'stopped';
        this.emit({ index, status: 'stopped' });
        columns.add(target.column);
      } else if (target?.status === 'running') {
        this.controllers.get(index)?.abort();
      }
    }
    for (const column of columns) this.columnMayHaveEnded(column);
    this.notifyWaiters();
  }

  /** Runs a column again with the same seeds: its running cells are stopped, every cell of it
   * reset and queued. Shares the limit with whatever else runs; resolves when the column ended. */
  rerunColumn(column: number): Promise<void> {
    if (!this.record.columns[column]) return Promise.reject(new Error(`the comparison has no column ${column}`));
    return this.rerunCells(this.record.cells.flatMap((cell, index) => (cell.column === column ? [index] : [])));
  }

  /** Runs these cells again with the same seeds (an eval's failed cells): each is stopped if
   * running, reset and queued; their columns' metrics are cleared. Resolves when they all ended. */
  rerunCells(indices: readonly number[]): Promise<void> {
    const cells = indices.filter((index) => this.record.cells[index] !== undefined);
    for (const index of cells) {
      const cell = this.record.cells[index]!;
      this.controllers.get(index)?.abort();
      this.controllers.delete(index);
      this.attempts[index]!++;
      cell.status = 'queued';
      cell.text = '';
      delete cell.result;
      this.emit({ index, reset: true, status: 'queued' });
      this.admitted.add(index);
      delete this.record.columns[cell.column]!.metrics;
    }
    this.pump();
    return this.until(() => cells.every((index) => ended(this.record.cells[index]!.status)));
  }

  /** Starts admitted cells, lowest index first, while there is room. */
  private pump(): void {
    while (this.inFlight < this.limit) {
      const index = this.record.cells.findIndex((cell, i) => this.admitted.has(i) && cell.status === 'queued');
      if (index === -1) return;
      this.start(index);
    }
  }

  private start(index: number): void {
    const cell = this.record.cells[index]!;
    this.admitted.delete(index);
    const attempt = ++this.attempts[index]!;
    const controller = new AbortController();
    this.controllers.set(index, controller);
    this.inFlight++;
    cell.status = 'running';
    this.emit({ index, status: 'running' });
    void this.execute(cell, index, attempt, controller);
  }

  private async execute(cell: ComparisonCell, index: number, attempt: number, controller: AbortController): Promise<void> {
    const current = () => this.attempts[index] === attempt;
    const started = Date.now();
    let result: CellResult;
    try {
      result = cellResultOf(await this.runCell(cell, index, controller.signal, (text) => {
        if (current()) this.append(index, text);
      }));
    } catch (error) {
      result = this.thrownResult(cell, error, Date.now() - started, controller.signal.aborted);
    } finally {
      this.inFlight--;
    }
    if (current()) this.finish(index, result, controller.signal.aborted);
    this.pump();
    this.notifyWaiters();
  }

  private append(index: number, text: string): void {
    const cell = this.record.cells[index]!;
    if (cell.status !== 'running') return;
    // Only the new piece is measured: re-slicing the whole text on every token would be quadratic.
    const piece = capText(text, Math.max(0, this.textLimit - cell.text.length));
    if (piece === '') return;
    cell.text += piece;
    this.emit({ index, append: piece });
  }

  private finish(index: number, ran: CellResult, aborted: boolean): void {
    const cell = this.record.cells[index]!;
    this.controllers.delete(index);
    const result = { ...ran, text: capText(ran.text, this.textLimit) };
    const status: CellStatus = aborted || result.finishReason === 'abort' ? 'stopped' : result.error ? 'failed' : 'done';
    cell.status = status;
    cell.text = result.text;
    cell.result = result;
    this.emit({ index, status, result });
    this.columnMayHaveEnded(cell.column);
  }

  /** A result record for a runCell that threw: the text so far and the thrown message. Stopped
   * rather than failed when the cell was being stopped (an abort often surfaces as a throw). */
  private thrownResult(cell: ComparisonCell, error: unknown, latencyMs: number, aborted: boolean): CellResult {
    const { backend, model } = columnTarget(this.record, cell.column);
    return {
      text: cell.text,
      finishReason: aborted ? 'abort' : 'error',
      usage: { promptTokens: 0, completionTokens: 0, estimated: true },
      latencyMs,
      backend,
      model,
      parameters: {},
      warnings: [],
      error: { message: error instanceof Error ? error.message : String(error) },
    };
  }

  private columnMayHaveEnded(column: number): void {
    const cells = this.record.cells.filter((cell) => cell.column === column);
    if (!cells.every((cell) => ended(cell.status))) return;
    const done = cells.filter((cell) => cell.status === 'done');
    if (done.length === 0) return;
    const metrics = columnMetrics(done.map((cell) => cell.text), this.record.reference);
    this.record.columns[column]!.metrics = metrics;
    this.options.onColumnMetrics?.(column, metrics);
  }

  private emit(update: CellUpdate): void {
    this.options.onUpdate?.(update);
  }

  private until(done: () => boolean): Promise<void> {
    if (done()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ done, resolve }));
  }

  private notifyWaiters(): void {
    const waiting = this.waiters;
    this.waiters = waiting.filter((waiter) => !waiter.done());
    for (const waiter of waiting) if (!this.waiters.includes(waiter)) waiter.resolve();
  }
}

/** First 16 hex digits of the SHA-256 of `text` (UTF-8): which version of the file was run. */
export const sha256Prefix = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16);

/** What a new comparison is made of: the record's own fields, and the prompt file's text (only its
 * hash is kept). */
export interface NewComparison extends Pick<ComparisonRecord, 'backend' | 'model' | 'axes' | 'samples' | 'seeds' | 'settings' | 'reference' | 'tokens'> {
  id?: string;
  createdAt?: Date;
  file: string;
  fileName: string;
  text: string;
  messages: TextMessage[];
  /** Where a `model` axis value runs: its backend and model. Needed when the model is an axis. */
  targetOf?: (modelId: string) => { backend: string; model: string };
}

/** The token budget as a record with these axes can keep it: with a `model` axis the columns' prices
 * differ, and the prompt's own would be wrong for the others, so none is given. */
export function budgetFor(axes: readonly Axis[], tokens: TokenBudget): TokenBudget {
  if (!axes.some((axis) => axis.name === 'model')) return tokens;
  const withoutPrice = { ...tokens };
  delete withoutPrice.price;
  return withoutPrice;
}

/** A comparison record with every cell queued and no text yet. */
export function newComparison(params: NewComparison): ComparisonRecord {
  const axes = params.axes.map((axis) => checkedAxis(axis.name, axis.values));
  const settings = columnsOf(axes);
  // No seeds: no cell sends one (an eval without --seed).
  const cells = cellsOf(settings, params.samples, params.seeds.length > 0 ? params.seeds : undefined);
  const targetOf = params.targetOf;
  if (axes.some((axis) => axis.name === 'model') && !targetOf) throw new Error('a comparison across models needs to know where each model runs');
  const targetFor = (model: string | undefined) => (model === undefined || !targetOf ? {} : targetOf(model));
  return {
    version: 1,
    id: params.id ?? randomUUID(),
    createdAt: (params.createdAt ?? new Date()).toISOString(),
    prompt: { file: params.file, fileName: params.fileName, sha256: sha256Prefix(params.text), messages: params.messages },
    backend: params.backend,
    model: params.model,
    axes,
    samples: params.samples,
    seeds: params.seeds.slice(0, params.samples),
    settings: params.settings,
    ...(params.reference !== undefined ? { reference: params.reference } : {}),
    ...(params.tokens !== undefined ? { tokens: budgetFor(axes, params.tokens) } : {}),
    columns: settings.map((column) => ({ label: columnLabel(column), settings: column, ...targetFor(column.model) })),
    cells: cells.map(({ column, sample, seed, shots }) => ({
      column, sample, ...(seed !== undefined ? { seed } : {}), ...(shots !== undefined ? { shots } : {}), status: 'queued', text: '',
    })),
  };
}
