// A comparison's cell updates reach the panel in batches: one `compare/update` per interval at most,
// carrying every cell that changed, however many cells stream and however fast. Updates of one
// cell merge in order (a reset drops what came before it; texts concatenate; the last status and
// result win), so the webview applies one update per cell per message.
import type { CellUpdate } from '../../core/comparison';
import type { ColumnMetrics } from '../../core/metrics';
import { TOKEN_BATCH_MS } from '../run/tokenBatcher';

export interface UpdateBatch<U extends CellUpdate = CellUpdate> {
  cells: U[];
  columns: { index: number; metrics: ColumnMetrics }[];
}

/** Folds `next` into `pending` (both of the same cell). */
export function mergeCellUpdate(pending: CellUpdate | undefined, next: CellUpdate): CellUpdate {
  if (!pending || next.reset) return { ...next };
  const merged: CellUpdate = { ...pending };
  if (next.status !== undefined) merged.status = next.status;
  if (next.append !== undefined) merged.append = (merged.append ?? '') + next.append;
  if (next.result !== undefined) merged.result = next.result;
  return merged;
}

export class UpdateBatcher<U extends CellUpdate = CellUpdate> {
  private readonly cells = new Map<number, U>();
  private readonly columns = new Map<number, ColumnMetrics>();
  private timer: ReturnType<typeof setTimeout> | undefined;

  /** `merge` folds updates of one cell (an eval's carry their grading too). */
  constructor(
    private readonly send: (batch: UpdateBatch<U>) => void,
    private readonly intervalMs = TOKEN_BATCH_MS,
    private readonly merge: (pending: U | undefined, next: U) => U = mergeCellUpdate as unknown as (pending: U | undefined, next: U) => U,
  ) {}

  cell(update: U): void {
    this.cells.set(update.index, this.merge(this.cells.get(update.index), update));
    this.schedule();
  }

  column(index: number, metrics: ColumnMetrics): void {
    this.columns.set(index, metrics);
    this.schedule();
  }

  /** Sends what is pending now. */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.cells.size === 0 && this.columns.size === 0) return;
    const batch: UpdateBatch<U> = {
      cells: [...this.cells.values()],
      columns: [...this.columns].map(([index, metrics]) => ({ index, metrics })),
    };
    this.cells.clear();
    this.columns.clear();
    this.send(batch);
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private schedule(): void {
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }
}
