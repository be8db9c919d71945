// The oldest entries of a history, for pruning: found in one pass (a sort of 10,000 entries held a
// full history's first save ~15 ms), keeping only the `count` oldest seen so far, sorted. An entry
// newer than all of them, the usual case, costs one comparison.
import { newestFirst } from './summary';
import type { Slicer } from './slices';
import type { HistoryEntry } from './types';

export class OldestPicker {
  /** Oldest first. */
  private readonly picked: HistoryEntry[] = [];

  constructor(private readonly count: number) {}

  offer(entry: HistoryEntry): void {
    const picked = this.picked;
    if (this.count <= 0) return;
    // newestFirst(a, b) > 0 when a is older than b.
    if (picked.length === this.count && newestFirst(entry, picked[picked.length - 1]!) <= 0) return;
    let low = 0;
    let high = picked.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (newestFirst(entry, picked[middle]!) > 0) high = middle;
      else low = middle + 1;
    }
    picked.splice(low, 0, entry);
    if (picked.length > this.count) picked.pop();
  }

  /** The oldest entries offered, oldest first. */
  result(): HistoryEntry[] {
    return this.picked;
  }
}

/** The `count` oldest entries, oldest first. */
export function oldestOf(entries: Iterable<HistoryEntry>, count: number): HistoryEntry[] {
  const picker = new OldestPicker(count);
  for (const entry of entries) picker.offer(entry);
  return picker.result();
}

/** The same, yielding to the event loop between slices of the scan. */
export async function oldestOfSliced(entries: Iterable<HistoryEntry>, count: number, slicer: Slicer): Promise<HistoryEntry[]> {
  const picker = new OldestPicker(count);
  for (const entry of entries) {
    picker.offer(entry);
    if (slicer.due()) await slicer.yield();
  }
  return picker.result();
}
