// The history on disk: one JSON file per record (`<id>.json`, written atomically) and an
// append-only `index.jsonl` that lists them for the History view and `prompt-lab history list`
// without opening a record. Two windows (or a window and the CLI) may write one folder at once:
// every index line is one O_APPEND write, every record has its own file, and each store reads what
// the others appended since it last looked. A damaged record file or index line is skipped with a
// warning; loading never fails for it. No `vscode` here: the extension and the CLI give the folder.
//
// Index lines start with a newline rather than end with one: a line cut short by a crash is then
// closed by the next append instead of swallowing it.
import { open, readdir, readFile, stat, unlink, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
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

  private async readIndex(from: number, to: number): Promise<void> {
    const handle = await open(this.indexFile, 'r');
    let text: string;
    try {
      const buffer = Buffer.alloc(to - from);
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, from);
      text = buffer.subarray(0, bytesRead).toString('utf8');
    } finally {
      await handle.close();
    }
    const parts = text.split('\n');
    // The last part has no newline after it yet: a whole line (lines start with a newline), or one
    // being written. If it does not parse it is kept for the next look.
    let consumed = 0;
    for (let i = 0; i < parts.length; i++) {
      const line = parts[i]!;
      const last = i === parts.length - 1;
      const length = Buffer.byteLength(line, 'utf8') + (last ? 0 : 1);
      if (line.trim() !== '') {
        const parsed = parseIndexLine(line);
        if ('problem' in parsed) {
          this.warn(`line@${from + consumed}`, `${this.indexFile}: skipped a damaged line at byte ${from + consumed}: ${parsed.problem}`);
          if (last) break;
        } else {
          foldLine(this.entries, parsed);
          if (parsed.op === 'delete') this.deleted.add(parsed.id);
          else if (parsed.op === 'record') this.deleted.delete(parsed.entry.id);
          this.lines++;
        }
      }
      consumed += length;
      if (i % LINES_PER_SLICE === LINES_PER_SLICE - 1) await yieldToLoop();
    }
    this.offset = from + consumed;
  }

  /** Whether the folder holds more record files than `max` (or the index needs compacting). */
  private async mayExceed(max: number | undefined): Promise<boolean> {
    if (max === undefined) return false;
    try {
      return (await readdir(this.dir)).filter((name) => name.endsWith('.json')).length > max;
    } catch {
      return false;
    }
  }

  /** After a full read: the index is a cache of the record files. A record file the index does
   * not list (its line was lost) is listed from the file; an entry whose file is gone is dropped. */
  private async reconcile(): Promise<void> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const files = new Set(names.filter((name) => name.endsWith('.json') && !name.startsWith('.')).map((name) => name.slice(0, -'.json'.length)));
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
      const oldest = [...this.entries.values()].sort(newestFirst).slice(Math.max(0, max));
      for (const entry of oldest) {
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
    const text = [...this.entries.values()].sort(newestFirst).reverse().map((entry) => `\n${JSON.stringify({ op: 'record', entry } satisfies IndexLine)}`).join('');
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
