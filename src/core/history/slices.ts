// Long loops over a big history (10,000 index lines, entries, record files) in slices that each
// hold the event loop a short while: the extension host runs every extension on this one thread,
// and a save must never hold it for more than 5 ms (issue 11). A slice ends on a time budget, not
// after a fixed count: the same loop is 5× slower on a busy or cold machine than on a quiet one.
import { performance } from 'node:perf_hooks';

/** Time a slice may run before it yields. Well under 5 ms: a garbage collection or the caller's own
 * work can land in the same turn. */
export const SLICE_BUDGET_MS = 2;

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export class Slicer {
  private started = performance.now();

  constructor(private readonly budgetMs = SLICE_BUDGET_MS) {}

  /** Whether the slice has used its budget (then `await slicer.yield()`): for hot loops, where an
   * await per item would cost more than the item. */
  due(): boolean {
    return performance.now() - this.started >= this.budgetMs;
  }

  /** Yields to the event loop (a setImmediate, so I/O and timers run) once the slice has used its
   * budget. Call it between items of work. */
  async tick(): Promise<void> {
    if (this.due()) await this.yield();
  }

  /** Ends the slice now. */
  async yield(): Promise<void> {
    await nextTurn();
    this.started = performance.now();
  }
}
