// The History view's list: every store's entries (a workspace folder's, the global one) as one list,
// newest first, each entry with the store that holds it. Made in time-boxed slices: the view lists
// again after every save, and copying 10,000 entries in one go held the extension host ~25 ms on a
// busy machine.
import { Slicer } from './slices';
import { newestFirst } from './summary';
import type { HistoryEntry } from './types';

export type WithStore<S> = HistoryEntry & { store: S };

/** `lists` are each newest first (HistoryStore.list). */
export async function mergedEntries<S>(lists: readonly { store: S; entries: readonly HistoryEntry[] }[], slicer = new Slicer()): Promise<WithStore<S>[]> {
  const all: WithStore<S>[] = [];
  for (const { store, entries } of lists) {
    for (const entry of entries) {
      all.push({ ...entry, store });
      if (slicer.due()) await slicer.yield();
    }
  }
  // Runs already sorted, one per store: the sort merges them in about one pass. A single store's
  // list is sorted already.
  if (lists.filter((list) => list.entries.length > 0).length > 1) {
    await slicer.tick();
    all.sort(newestFirst);
  }
  return all;
}
