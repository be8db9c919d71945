// How the History view lays out many records without building a tree item for each at once: one
// group per prompt (the most recently used prompt first, the only one open at start), and within a
// group the newest HISTORY_PAGE records followed by one closed "older records" node that holds the
// next page, and so on. VS Code asks for a node's children only when it is opened, so a history of
// 10,000 records shows at most one page of record items until the user opens more.
import type { HistoryEntry } from './types';

/** Records shown per page of a prompt's group. */
export const HISTORY_PAGE = 100;

export interface HistoryGroup<E extends HistoryEntry> {
  /** The prompt file ('' for records without one). */
  key: string;
  name: string;
  /** Newest first. */
  entries: E[];
  /** Open when the view first shows it: only the group of the most recent record. */
  expanded: boolean;
}

/** The groups of `entries` (newest first), in the order of each prompt's newest record. */
export function historyGroups<E extends HistoryEntry>(entries: readonly E[]): HistoryGroup<E>[] {
  const groups = new Map<string, HistoryGroup<E>>();
  for (const entry of entries) {
    const key = entry.promptFile || '';
    let group = groups.get(key);
    if (!group) {
      group = { key, name: entry.promptName || '(no prompt file)', entries: [], expanded: groups.size === 0 };
      groups.set(key, group);
    }
    group.entries.push(entry);
  }
  return [...groups.values()];
}

export interface HistoryPage<E extends HistoryEntry> {
  records: E[];
  /** Where the next page starts, when there are older records. */
  older?: { start: number; count: number };
}

/** The records of a group from `start`, one page, and what is left after them. */
export function historyPage<E extends HistoryEntry>(entries: readonly E[], start: number, size = HISTORY_PAGE): HistoryPage<E> {
  const end = Math.min(entries.length, start + size);
  const records = entries.slice(start, end);
  return end < entries.length ? { records, older: { start: end, count: entries.length - end } } : { records };
}
