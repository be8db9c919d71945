// A record's index entry (what a list shows without opening it) and the fold of the index's lines
// into the live entries. Tolerant of anything: a record of an unknown kind, or with fields missing,
// still gets an entry from what it has.
import type { Feedback, HistoryEntry, HistoryRecord, IndexLine, Rating } from './types';

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const text = (value: unknown): string => (typeof value === 'string' ? value : '');

/** `temperature 0, 0.5, 1` for each axis; a run's given settings as `temperature 0.7`. */
function variedOf(record: Record<string, unknown>): string[] {
  if (Array.isArray(record.axes)) {
    return record.axes.filter(isObject).map((axis) => `${text(axis.name)} ${Array.isArray(axis.values) ? axis.values.map(String).join(', ') : ''}`);
  }
  if (isObject(record.settings)) {
    return Object.entries(record.settings).filter(([, value]) => value !== undefined).map(([name, value]) => `${name} ${Array.isArray(value) ? value.map((v) => JSON.stringify(v)).join(', ') : String(value)}`);
  }
  return [];
}

/** Rated completions by key, from a record's feedback. */
export function ratingsOf(feedback: Record<string, Feedback> | undefined): Record<string, Rating> {
  const rated: Record<string, Rating> = {};
  for (const [key, value] of Object.entries(feedback ?? {})) if (value?.rating === 'up' || value?.rating === 'down') rated[key] = value.rating;
  return rated;
}

const count = (rated: Record<string, Rating>) => {
  const values = Object.values(rated);
  return { up: values.filter((r) => r === 'up').length, down: values.filter((r) => r === 'down').length };
};

/** The index entry of a record (with its feedback, if saved with any). */
export function entryOf(record: HistoryRecord & { feedback?: Record<string, Feedback> }): HistoryEntry {
  const fields = record as Record<string, unknown>;
  const prompt = isObject(fields.prompt) ? fields.prompt : {};
  const cells = Array.isArray(fields.cells) ? fields.cells.filter(isObject) : undefined;
  const status = text(fields.status);
  const summary = isObject(fields.summary) ? fields.summary : {};
  const rated = ratingsOf(record.feedback);
  return {
    id: record.id,
    kind: record.kind,
    createdAt: record.createdAt,
    promptFile: text(prompt.file),
    promptName: text(prompt.fileName),
    backend: text(fields.backend),
    model: text(fields.model),
    varied: variedOf(fields),
    completions: cells ? cells.length : 1,
    done: cells ? cells.filter((cell) => cell.status === 'done').length : status === 'done' ? 1 : 0,
    ...(typeof summary.passRate === 'number' ? { passRate: summary.passRate } : {}),
    ratings: count(rated),
    rated,
  };
}

/** The entry after a feedback line: the completion's rating set or cleared. */
export function withRating(entry: HistoryEntry, completion: string, rating: Rating | undefined): HistoryEntry {
  const rated = { ...entry.rated };
  if (rating) rated[completion] = rating;
  else delete rated[completion];
  return { ...entry, rated, ratings: count(rated) };
}

const RATINGS = new Set(['up', 'down']);

/** A line of the index, or why it is not one (a truncated last line, a foreign line). */
export function parseIndexLine(line: string): IndexLine | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { problem: 'not JSON (truncated?)' };
  }
  if (!isObject(value)) return { problem: 'not an object' };
  switch (value.op) {
    case 'record': {
      const entry = value.entry;
      if (!isObject(entry) || typeof entry.id !== 'string' || typeof entry.kind !== 'string' || typeof entry.createdAt !== 'string') return { problem: 'a record line without id, kind and createdAt' };
      const rated = isObject(entry.rated) ? Object.fromEntries(Object.entries(entry.rated).filter(([, r]) => RATINGS.has(r as string))) as Record<string, Rating> : {};
      return {
        op: 'record',
        entry: {
          id: entry.id, kind: entry.kind, createdAt: entry.createdAt,
          promptFile: text(entry.promptFile), promptName: text(entry.promptName), backend: text(entry.backend), model: text(entry.model),
          varied: Array.isArray(entry.varied) ? entry.varied.map(String) : [],
          completions: Number(entry.completions) || 0, done: Number(entry.done) || 0,
          ...(typeof entry.passRate === 'number' ? { passRate: entry.passRate } : {}),
          ratings: count(rated), rated,
        },
      };
    }
    case 'feedback':
      if (typeof value.id !== 'string' || typeof value.completion !== 'string') return { problem: 'a feedback line without id and completion' };
      return { op: 'feedback', id: value.id, completion: value.completion, ...(RATINGS.has(value.rating as string) ? { rating: value.rating as Rating } : {}), at: text(value.at) };
    case 'delete':
      if (typeof value.id !== 'string') return { problem: 'a delete line without id' };
      return { op: 'delete', id: value.id, at: text(value.at) };
    default:
      return { problem: `unknown op ${JSON.stringify(value.op)}` };
  }
}

/** Applies one line to the live entries (in the order lines were appended). */
export function foldLine(entries: Map<string, HistoryEntry>, line: IndexLine): void {
  switch (line.op) {
    case 'record':
      entries.set(line.entry.id, line.entry);
      break;
    case 'feedback': {
      const entry = entries.get(line.id);
      if (entry) entries.set(line.id, withRating(entry, line.completion, line.rating));
      break;
    }
    case 'delete':
      entries.delete(line.id);
      break;
  }
}

/** Newest first (by createdAt, then id for a stable order). */
export const newestFirst = (a: HistoryEntry, b: HistoryEntry): number =>
  (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

/** A record id the store accepts as a file name: letters, digits, `.`, `_`, `-`, not starting with `.`. */
export const isRecordId = (id: unknown): id is string => typeof id === 'string' && /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/.test(id);
