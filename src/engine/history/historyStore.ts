// The history on disk: one JSON file per record (`<id>.json`, written atomically) and an
// append-only `index.jsonl` that lists them for the History view and `prompt-lab history list`
// without opening a record. Two windows (or a window and the CLI) may write one folder at once:
// every index line is one O_APPEND write, every record has its own file, and each store reads what
// the others appended since it last looked. A damaged record file or index line is skipped with a
// warning; loading never fails for it. No `vscode` here: the extension and the CLI give the folder.
//
// Index lines start with a newline rather than end with one: a line cut short by a crash is then
// closed by the next append instead of swallowing it.
import { open, opendir, readFile, stat, unlink, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { entryOf, foldLine, isRecordId, newestFirst, parseIndexLine } from '../../core/history/summary';
import { keptFeedback } from '../../core/history/records';
import { sanitizedJson } from '../../core/history/sanitize';
import { INDEX_FILE } from '../../core/history/settings';
import { cellIndexOf, type Feedback, type HistoryEntry, type HistoryRecord, type IndexLine, type SavedRecord } from '../../core/history/types';
import { appendLine, writeFileAtomic, type AtomicWriteHooks } from './atomicFile';

export interface HistoryStoreOptions {
  /** The history folder (`<workspace>/.promptlab/history`, or the host's global one). */
  dir: string;
  /** Records kept; the oldest beyond it are pruned after a save. Undefined: no limit. */
  maxRecords?: number;
  /** Scrubs keys from every string of a record before it is written (the host's redactor). */
  redact?: (text: string) => string;
  /** Something was skipped (a damaged line or file): said once per thing. */
  warn?: (message: string) => void;
  /** Tests only. */
  hooks?: AtomicWriteHooks;
}

export class HistoryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'HistoryError';
  }
}

/** Lines parsed between yields to the event loop while loading: keeps each slice of work short. */
const LINES_PER_SLICE = 100;
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
/** Index bytes read and decoded at a time. */
const INDEX_BYTES_PER_READ = 256 * 1024;
/** Folder entries fetched per read while counting record files. */
const DIR_ENTRIES_PER_READ = 64;
/** Index lines serialised between yields while compacting. */
const ENTRIES_PER_SLICE = 500;

export class HistoryStore {
  readonly dir: string;
  readonly indexFile: string;
  private readonly entries = new Map<string, HistoryEntry>();
  private readonly deleted = new Set<string>();
  /** Bytes of the index read so far, and its lines (for compaction). */
  private offset = 0;
  private lines = 0;
  private loaded = false;
  private readonly warned = new Set<string>();
  /** This store's writes, one after another (a rating's read-modify-write must not interleave). */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly options: HistoryStoreOptions) {
    this.dir = options.dir;
    this.indexFile = join(options.dir, INDEX_FILE);
  }

  recordFile(id: string): string {
    if (!isRecordId(id)) throw new HistoryError(`'${id}' is not a history record id`);
    return join(this.dir, `${id}.json`);
  }

  /** Every record's entry, newest first; only those of one prompt file when given. */
  async list(filter: { promptFile?: string } = {}): Promise<HistoryEntry[]> {
    await this.refresh();
    const all = [...this.entries.values()].sort(newestFirst);
    return filter.promptFile === undefined ? all : all.filter((entry) => entry.promptFile === filter.promptFile);
  }

  /** The record with its feedback; undefined when there is none. A damaged file is a HistoryError. */
  async get(id: string): Promise<SavedRecord | undefined> {
    let text: string;
    try {
      text = await readFile(this.recordFile(id), 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    const record = parseRecord(text);
    if (!record) throw new HistoryError(`history record ${id} is damaged (${this.recordFile(id)} is not a whole record)`);
    return record;
  }

  /** Saves a record (a rerun of one with the same id replaces it, keeping the feedback of the
   * completions whose text did not change) and prunes the oldest beyond
   * maxRecords. Nothing runs in the caller's tick: the record is serialized on a later one. */
  save(record: HistoryRecord): Promise<HistoryEntry> {
    return this.serially(async () => {
      await yieldToLoop();
      if (!isRecordId(record.id) || typeof record.kind !== 'string' || typeof record.createdAt !== 'string') {
        throw new HistoryError('a history record needs an id, a kind and a createdAt');
      }
      // Saved again (a rerun): the ratings of completions that did not change stay.
      const previous = await this.get(record.id).catch(() => undefined);
      const feedback = previous?.feedback ? keptFeedback(previous, record) : (record as SavedRecord).feedback;
      const bare: Record<string, unknown> = { ...record };
      delete bare.feedback;
      const json = sanitizedJson(feedback ? { ...bare, feedback } : bare, this.options.redact);
      const saved = JSON.parse(json) as SavedRecord;
      await mkdir(this.dir, { recursive: true });
      await writeFileAtomic(this.recordFile(record.id), json, this.options.hooks);
      const entry = entryOf(saved);
      await this.append({ op: 'record', entry });
      await this.pruneLocked();
      return entry;
    });
  }

  /** Sets (or with an empty feedback, clears) the feedback on one completion: the record is
   * rewritten at once and the index told. Returns the record as saved. */
  setFeedback(id: string, completion: string, feedback: Feedback): Promise<SavedRecord> {
    return this.serially(async () => {
      const record = await this.get(id);
      if (!record) throw new HistoryError(`there is no history record ${id}`);
      checkCompletion(record, completion);
      const clean: Feedback = {
        ...(feedback.rating === 'up' || feedback.rating === 'down' ? { rating: feedback.rating } : {}),
        ...(feedback.note?.trim() ? { note: feedback.note } : {}),
        ...(feedback.betterAnswer?.trim() ? { betterAnswer: feedback.betterAnswer } : {}),
      };
      const all = { ...(record.feedback ?? {}) };
      if (Object.keys(clean).length === 0) delete all[completion];
      else all[completion] = { ...clean, at: new Date().toISOString() };
      const updated = { ...record, feedback: all } as SavedRecord;
      await writeFileAtomic(this.recordFile(id), sanitizedJson(updated, this.options.redact), this.options.hooks);
      await this.append({ op: 'feedback', id, completion, ...(clean.rating ? { rating: clean.rating } : {}), at: new Date().toISOString() });
      return updated;
    });
  }

  /** Deletes a record; false when there was none. */
  delete(id: string): Promise<boolean> {
    return this.serially(async () => {
      const file = this.recordFile(id);
      await this.append({ op: 'delete', id, at: new Date().toISOString() });
      try {
        await unlink(file);
        return true;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
        throw error;
      }
    });
  }

  /** Removes the oldest records beyond maxRecords; returns their ids. */
  prune(): Promise<string[]> {
    return this.serially(() => this.pruneLocked());
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private warn(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.options.warn?.(message);
  }

  private async append(line: IndexLine): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await appendLine(this.indexFile, `\n${JSON.stringify(line)}`);
  }

  /** Reads what was appended to the index since the last look (everything, the first time or after
   * another store compacted it). */
  private async refresh(): Promise<void> {
    let size: number;
    try {
      size = (await stat(this.indexFile)).size;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      size = 0;
    }
    const full = !this.loaded || size < this.offset;
    if (full) {
      this.entries.clear();
      this.deleted.clear();
      this.offset = 0;
      this.lines = 0;
    }
    if (size > this.offset) await this.readIndex(this.offset, size);
    if (full) await this.reconcile();
    this.loaded = true;
  }

  /** Folds the index's bytes [from, to) into the entries. The bytes are read and decoded a slice at
   * a time (a 4 MB index turned into one string and split at once held the loop ~10 ms), and lines
   * are parsed LINES_PER_SLICE at a time between yields. */
  private async readIndex(from: number, to: number): Promise<void> {
    const handle = await open(this.indexFile, 'r');
    const decoder = new StringDecoder('utf8');
    // Text after the last newline read so far: a line still to be completed by the next slice.
    let carry = '';
    let consumed = 0;
    let parsedSinceYield = 0;
    try {
      const buffer = Buffer.alloc(Math.min(INDEX_BYTES_PER_READ, Math.max(1, to - from)));
      for (let position = from; position < to;) {
        const { bytesRead } = await handle.read(buffer, 0, Math.min(buffer.length, to - position), position);
        if (bytesRead === 0) break;
        position += bytesRead;
        const parts = (carry + decoder.write(buffer.subarray(0, bytesRead))).split('\n');
        carry = parts.pop()!;
        for (const line of parts) {
          this.foldIndexLine(line, from + consumed, false);
          consumed += Buffer.byteLength(line, 'utf8') + 1;
          if (++parsedSinceYield === LINES_PER_SLICE) {
            parsedSinceYield = 0;
            await yieldToLoop();
          }
        }
        await yieldToLoop();
      }
    } finally {
      await handle.close();
    }
    carry += decoder.end();
    // The last part has no newline after it yet: a whole line (lines start with a newline), or one
    // being written. If it does not parse it is kept for the next look.
    if (this.foldIndexLine(carry, from + consumed, true)) consumed += Buffer.byteLength(carry, 'utf8');
    this.offset = from + consumed;
  }

  /** Folds one index line in; false when it is the last, unfinished, damaged one (read again later). */
  private foldIndexLine(line: string, at: number, last: boolean): boolean {
    if (line.trim() === '') return true;
    const parsed = parseIndexLine(line);
    if ('problem' in parsed) {
      this.warn(`line@${at}`, `${this.indexFile}: skipped a damaged line at byte ${at}: ${parsed.problem}`);
      return !last;
    }
    foldLine(this.entries, parsed);
    if (parsed.op === 'delete') this.deleted.add(parsed.id);
    else if (parsed.op === 'record') this.deleted.delete(parsed.entry.id);
    this.lines++;
    return true;
  }

  /** Whether the folder holds more record files than `max`. The folder is read a few dozen names
   * at a time with turns of the loop between: a single readdir of 10,000 names makes its array of
   * strings in one go and held the extension host up to 10 ms on every save. */
  private async mayExceed(max: number | undefined): Promise<boolean> {
    if (max === undefined) return false;
    let count = 0;
    try {
      const folder = await opendir(this.dir, { bufferSize: DIR_ENTRIES_PER_READ });
      for await (const item of folder) {
        if (item.name.endsWith('.json') && !item.name.startsWith('.') && ++count > max) {
          // Leaving the loop early closes the folder.
          return true;
        }
      }
    } catch {
      return false;
    }
    return false;
  }

  /** After a full read: the index is a cache of the record files. A record file the index does
   * not list (its line was lost) is listed from the file; an entry whose file is gone is dropped. */
  private async reconcile(): Promise<void> {
    const files = new Set<string>();
    try {
      // In batches, as mayExceed reads it: one readdir of 10,000 names blocks the loop for ms.
      for await (const item of await opendir(this.dir, { bufferSize: DIR_ENTRIES_PER_READ })) {
        if (item.name.endsWith('.json') && !item.name.startsWith('.')) files.add(item.name.slice(0, -'.json'.length));
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const id of [...this.entries.keys()]) if (!files.has(id)) this.entries.delete(id);
    for (const id of files) {
      if (this.entries.has(id) || this.deleted.has(id) || !isRecordId(id)) continue;
      try {
        const record = parseRecord(await readFile(join(this.dir, `${id}.json`), 'utf8'));
        if (record) this.entries.set(id, entryOf(record));
        else this.warn(`file:${id}`, `${join(this.dir, `${id}.json`)}: skipped a damaged history record`);
      } catch (error) {
        this.warn(`file:${id}`, `${join(this.dir, `${id}.json`)}: skipped: ${(error as Error).message}`);
      }
    }
  }

  private async pruneLocked(): Promise<string[]> {
    const max = this.options.maxRecords;
    // Before the index was read (the first save of a window), counting the record files is enough to
    // know nothing needs pruning: parsing a 10,000-line index would hold the extension host ~20 ms.
    if (!this.loaded && !(await this.mayExceed(max))) return [];
    await this.refresh();
    const pruned: string[] = [];
    if (max !== undefined && this.entries.size > max) {
      for (const entry of oldestOf(this.entries.values(), this.entries.size - max)) {
        await this.append({ op: 'delete', id: entry.id, at: new Date().toISOString() });
        await unlink(this.recordFile(entry.id)).catch(() => undefined);
        this.entries.delete(entry.id);
        pruned.push(entry.id);
      }
    }
    // The index only grows: once most of its lines are history, write the live entries anew.
    if (this.lines > 2 * this.entries.size + 200) await this.compact();
    return pruned;
  }

  /** Rewrites the index with one line per live record. Lines another window appends meanwhile are
   * copied over before the rename; one that lands in the instant after is not lost either: its
   * record file is listed again on the next full read. */
  private async compact(): Promise<void> {
    await this.refresh();
    // Oldest first, as appends would have left them; serialised in slices (10,000 lines at once
    // held the loop ~15 ms).
    const live = [...this.entries.values()].sort(newestFirst).reverse();
    const chunks: string[] = [];
    for (let i = 0; i < live.length; i += ENTRIES_PER_SLICE) {
      chunks.push(live.slice(i, i + ENTRIES_PER_SLICE).map((entry) => `\n${JSON.stringify({ op: 'record', entry } satisfies IndexLine)}`).join(''));
      await yieldToLoop();
    }
    const text = chunks.join('');
    const readUpTo = this.offset;
    await writeFileAtomic(this.indexFile, text, {
      beforeRename: async (temp) => {
        const size = (await stat(this.indexFile)).size;
        if (size <= readUpTo) return;
        const handle = await open(this.indexFile, 'r');
        try {
          const buffer = Buffer.alloc(size - readUpTo);
          await handle.read(buffer, 0, buffer.length, readUpTo);
          await appendLine(temp, buffer.toString('utf8'));
        } finally {
          await handle.close();
        }
      },
    });
    this.loaded = false;
    await this.refresh();
  }
}

/** The `count` oldest entries, oldest first, in one pass: a save prunes one (or, on a window's first
 * save into a full history, a few dozen), and sorting 10,000 entries to find them held the loop
 * ~15 ms. The picked ones are kept sorted; an entry newer than all of them costs one comparison. */
export function oldestOf(entries: Iterable<HistoryEntry>, count: number): HistoryEntry[] {
  if (count <= 0) return [];
  // Oldest first: newestFirst(a, b) > 0 when a is older than b.
  const picked: HistoryEntry[] = [];
  for (const entry of entries) {
    if (picked.length === count && newestFirst(entry, picked[picked.length - 1]!) <= 0) continue;
    let low = 0;
    let high = picked.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (newestFirst(entry, picked[middle]!) > 0) high = middle;
      else low = middle + 1;
    }
    picked.splice(low, 0, entry);
    if (picked.length > count) picked.pop();
  }
  return picked;
}

/** A record file's record, or undefined when it is not a whole one. */
function parseRecord(text: string): SavedRecord | undefined {
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
    const record = value as SavedRecord;
    return isRecordId(record.id) && typeof record.kind === 'string' && typeof record.createdAt === 'string' ? record : undefined;
  } catch {
    return undefined;
  }
}

function checkCompletion(record: SavedRecord, completion: string): void {
  if (completion === 'run') {
    if (record.kind === 'run') return;
    throw new HistoryError(`history record ${record.id} is a ${record.kind}: rate one of its cells (cell:<n>), not 'run'`);
  }
  const index = cellIndexOf(completion);
  const cells = (record as { cells?: unknown }).cells;
  if (index === undefined || !Array.isArray(cells) || index >= cells.length) {
    throw new HistoryError(`history record ${record.id} has no completion '${completion}'`);
  }
}
