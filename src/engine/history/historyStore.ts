// The history on disk: one JSON file per record (`<id>.json`, written atomically) and an
// append-only `index.jsonl` that lists them for the History view and `prompt-lab history list`
// without opening a record. Two windows (or a window and the CLI) may write one folder at once:
// every index line is one O_APPEND write, every record has its own file, and each store reads what
// the others appended since it last looked. A damaged record file or index line is skipped with a
// warning; loading never fails for it. No `vscode` here: the extension and the CLI give the folder.
//
// Index lines start with a newline rather than end with one: a line cut short by a crash is then
// closed by the next append instead of swallowing it.
//
// The extension host runs this on its one thread, and a save must never hold it for more than 5 ms
// (issue 11), also the first save into a full history of 10,000 records, which has to read the whole
// index to know which record is the oldest. So every loop over lines, entries or file names runs in
// time-boxed slices (core/history/slices), the store keeps what it parsed and reads only what was
// appended since, and the oldest entries are found by one scan that serves the next few dozen
// prunes.
import { open, opendir, readFile, stat, unlink, mkdir, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { entryOf, foldLine, isRecordId, newestFirst, parseIndexLine } from '../../core/history/summary';
import { keptFeedback } from '../../core/history/records';
import { oldestOfSliced } from '../../core/history/oldest';
import { INDEX_FILE } from '../../core/history/settings';
import { slicedSanitizedJson } from '../../core/history/slicedJson';
import { Slicer } from '../../core/history/slices';
import { cellIndexOf, type Feedback, type HistoryEntry, type HistoryRecord, type IndexLine, type SavedRecord } from '../../core/history/types';
import { appendLine, writeFileAtomic, type AtomicWriteHooks } from './atomicFile';

export { oldestOf } from '../../core/history/oldest';

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

/** Index bytes read and decoded at a time (a 256 KB piece split into lines at once took ~2 ms on a
 * busy machine). */
const INDEX_BYTES_PER_READ = 64 * 1024;
/** Folder entries fetched per read while counting record files (each read is a round trip to the
 * thread pool; 256 names come back in well under a millisecond). */
const DIR_ENTRIES_PER_READ = 256;
/** Oldest entries one scan finds beyond those a prune needs now: the next saves into a full history
 * prune from them without scanning 10,000 entries again. */
const PRUNE_BATCH = 64;
/** Delete lines written in one append when many records are pruned at once. */
const DELETES_PER_APPEND = 200;

/** Thrown inside a compaction when another window replaced the index meanwhile. */
class IndexReplaced extends Error {}

/** `dev:ino` of a file: a compaction renames a new file over the index. Undefined where the file
 * system gives no inode number. */
const identityOf = (stats: { dev: number; ino: number }): string | undefined => (stats.ino ? `${stats.dev}:${stats.ino}` : undefined);

export class HistoryStore {
  readonly dir: string;
  readonly indexFile: string;
  private readonly entries = new Map<string, HistoryEntry>();
  private readonly deleted = new Set<string>();
  /** Bytes of the index read so far, and its lines (for compaction). */
  private offset = 0;
  private lines = 0;
  private loaded = false;
  /** The identity of the index file read up to `offset`: when another window compacts, the index is
   * a new file and is read again from its start. */
  private indexIdentity: string | undefined;
  private readonly warned = new Set<string>();
  /** This store's writes, one after another (a rating's read-modify-write must not interleave). */
  private queue: Promise<unknown> = Promise.resolve();
  /** Reads of the index (and a compaction's rewrite), one at a time: the view's list and a save's
   * prune both look, and two reads from one offset would fold the same lines twice. */
  private indexLock: Promise<unknown> = Promise.resolve();
  /** The oldest entries, oldest first, from the last scan: the next prunes take them. Dropped when a
   * line brings an entry as old as the newest of them (it may belong among them). */
  private pruneQueue: HistoryEntry[] | undefined;
  /** The entries newest first, until a line changes them. */
  private sorted: HistoryEntry[] | undefined;

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
    // Entries come in the order lines were appended, nearly newest last: the sort is about one pass.
    this.sorted ??= [...this.entries.values()].sort(newestFirst);
    const all = this.sorted.slice();
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
      const slicer = new Slicer();
      await slicer.yield();
      if (!isRecordId(record.id) || typeof record.kind !== 'string' || typeof record.createdAt !== 'string') {
        throw new HistoryError('a history record needs an id, a kind and a createdAt');
      }
      // Saved again (a rerun): the ratings of completions that did not change stay.
      const previous = await this.previousWithFeedback(record.id);
      await slicer.tick();
      const feedback = previous?.feedback ? keptFeedback(previous, record) : (record as SavedRecord).feedback;
      const bare: Record<string, unknown> = { ...record };
      delete bare.feedback;
      // Serialised a field at a time: a big eval's record is megabytes.
      const json = await slicedSanitizedJson<SavedRecord>(feedback ? { ...bare, feedback } : bare, this.options.redact, slicer);
      await mkdir(this.dir, { recursive: true });
      await writeFileAtomic(this.recordFile(record.id), json.chunks, this.options.hooks);
      const entry = entryOf(json.value);
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
      const json = await slicedSanitizedJson<SavedRecord>(updated, this.options.redact, new Slicer());
      await writeFileAtomic(this.recordFile(id), json.chunks, this.options.hooks);
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

  private withIndexLock<T>(work: () => Promise<T>): Promise<T> {
    const next = this.indexLock.then(work, work);
    this.indexLock = next.catch(() => undefined);
    return next;
  }

  /** The record saved under `id` before, when it has feedback to keep (a record file without the
   * word is not parsed: a rerun of a big eval would otherwise parse megabytes in one go). */
  private async previousWithFeedback(id: string): Promise<SavedRecord | undefined> {
    let text: string;
    try {
      text = await readFile(this.recordFile(id), 'utf8');
    } catch {
      return undefined;
    }
    return text.includes('"feedback"') ? parseRecord(text) : undefined;
  }

  /** The entries changed: the sorted list is made again when next asked for. */
  private changed(): void {
    this.sorted = undefined;
  }

  private warn(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.options.warn?.(message);
  }

  private async append(line: IndexLine): Promise<void> {
    await this.appendLines([line]);
  }

  /** Lines in one O_APPEND write: they land together, whole, between other windows' lines. */
  private async appendLines(lines: IndexLine[]): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    await appendLine(this.indexFile, lines.map((line) => `\n${JSON.stringify(line)}`).join(''));
  }

  /** Reads what was appended to the index since the last look (everything, the first time or after
   * another store compacted it). */
  private refresh(): Promise<void> {
    return this.withIndexLock(() => this.refreshLocked());
  }

  private async refreshLocked(): Promise<void> {
    let handle: FileHandle | undefined;
    try {
      handle = await open(this.indexFile, 'r');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
    try {
      // The size and identity of the file this handle reads, not of whatever the name means later.
      const stats = handle ? await handle.stat() : undefined;
      const size = stats?.size ?? 0;
      const identity = stats ? identityOf(stats) : undefined;
      const replaced = this.loaded && this.indexIdentity !== identity;
      const full = !this.loaded || replaced || size < this.offset;
      if (full) {
        this.entries.clear();
        this.deleted.clear();
        this.pruneQueue = undefined;
        this.changed();
        this.offset = 0;
        this.lines = 0;
      }
      if (handle && size > this.offset) await this.readIndex(handle, this.offset, size);
      this.indexIdentity = identity;
      if (full) await this.reconcile();
      this.loaded = true;
    } finally {
      await handle?.close();
    }
  }

  /** Folds the index's bytes [from, to) into the entries: read and decoded a piece at a time (a 4 MB
   * index turned into one string and split at once held the loop ~10 ms), its lines parsed in
   * time-boxed slices. */
  private async readIndex(handle: FileHandle, from: number, to: number): Promise<void> {
    const slicer = new Slicer();
    const decoder = new StringDecoder('utf8');
    // Text after the last newline read so far: a line still to be completed by the next piece.
    let carry = '';
    let consumed = 0;
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
        if (slicer.due()) await slicer.yield();
      }
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
      // The last line may be one another window is writing this instant: it is said to be damaged
      // only once a line after it shows it was left unfinished.
      if (last) return false;
      this.warn(`line@${at}`, `${this.indexFile}: skipped a damaged line at byte ${at}: ${parsed.problem}`);
      return true;
    }
    foldLine(this.entries, parsed);
    this.changed();
    if (parsed.op === 'delete') this.deleted.add(parsed.id);
    else if (parsed.op === 'record') {
      this.deleted.delete(parsed.entry.id);
      // As old as the newest the prune queue holds (an eval saved late, another window's clock): the
      // queue may no longer be the oldest. The usual new record is newer and leaves it be.
      const queue = this.pruneQueue;
      if (queue && queue.length > 0 && newestFirst(parsed.entry, queue[queue.length - 1]!) >= 0) this.pruneQueue = undefined;
    }
    this.lines++;
    return true;
  }

  /** Whether the folder holds more record files than `max`. The folder is read a few dozen names
   * at a time with turns of the loop between: a single readdir of 10,000 names makes its array of
   * strings in one go and held the extension host up to 10 ms on every save. */
  private async mayExceed(max: number | undefined): Promise<boolean> {
    if (max === undefined) return false;
    const slicer = new Slicer();
    let count = 0;
    try {
      const folder = await opendir(this.dir, { bufferSize: DIR_ENTRIES_PER_READ });
      for await (const item of folder) {
        if (item.name.endsWith('.json') && !item.name.startsWith('.') && ++count > max) {
          // Leaving the loop early closes the folder.
          return true;
        }
        if (slicer.due()) await slicer.yield();
      }
    } catch {
      return false;
    }
    return false;
  }

  /** After a full read: the index is a cache of the record files. A record file the index does
   * not list (its line was lost) is listed from the file; an entry whose file is gone is dropped. */
  private async reconcile(): Promise<void> {
    const slicer = new Slicer();
    const files = new Set<string>();
    try {
      // In batches, as mayExceed reads it: one readdir of 10,000 names blocks the loop for ms.
      for await (const item of await opendir(this.dir, { bufferSize: DIR_ENTRIES_PER_READ })) {
        if (item.name.endsWith('.json') && !item.name.startsWith('.')) files.add(item.name.slice(0, -'.json'.length));
        if (slicer.due()) await slicer.yield();
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    // A Map may lose keys while it is iterated: the loop goes on with the next.
    for (const id of this.entries.keys()) {
      if (!files.has(id)) {
        this.entries.delete(id);
        this.changed();
      }
      if (slicer.due()) await slicer.yield();
    }
    for (const id of files) {
      if (slicer.due()) await slicer.yield();
      if (this.entries.has(id) || this.deleted.has(id) || !isRecordId(id)) continue;
      try {
        const record = parseRecord(await readFile(join(this.dir, `${id}.json`), 'utf8'));
        if (record) {
          this.entries.set(id, entryOf(record));
          this.changed();
          this.pruneQueue = undefined;
        } else this.warn(`file:${id}`, `${join(this.dir, `${id}.json`)}: skipped a damaged history record`);
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
      const oldest = await this.oldest(this.entries.size - max);
      // Their delete lines a few hundred to an append (maxRecords lowered by thousands), then the files.
      for (let i = 0; i < oldest.length; i += DELETES_PER_APPEND) {
        const batch = oldest.slice(i, i + DELETES_PER_APPEND);
        const at = new Date().toISOString();
        await this.appendLines(batch.map((entry) => ({ op: 'delete', id: entry.id, at })));
        for (const entry of batch) {
          await unlink(this.recordFile(entry.id)).catch(() => undefined);
          this.entries.delete(entry.id);
          this.changed();
          pruned.push(entry.id);
        }
      }
    }
    // The index only grows: once most of its lines are history, write the live entries anew.
    if (this.lines > 2 * this.entries.size + 200) await this.compact();
    return pruned;
  }

  /** The `count` oldest entries, oldest first: from the prune queue, which one scan of the entries
   * (in slices) fills with that many and PRUNE_BATCH more. A save into a full history prunes one:
   * the scan runs once per PRUNE_BATCH saves, not on every save. */
  private async oldest(count: number): Promise<HistoryEntry[]> {
    const slicer = new Slicer();
    const picked = new Set<HistoryEntry>();
    let scanned = false;
    // Taken from the front of the queue by an index: shift() on a queue of thousands (maxRecords
    // lowered a lot) moves them all each time.
    let taken = 0;
    while (picked.size < count) {
      if (!this.pruneQueue || taken >= this.pruneQueue.length) {
        if (this.pruneQueue) this.pruneQueue = this.pruneQueue.slice(taken);
        if (scanned) break;
        this.pruneQueue = await oldestOfSliced(this.entries.values(), count + PRUNE_BATCH, slicer);
        taken = 0;
        scanned = true;
        continue;
      }
      const candidate = this.pruneQueue[taken++]!;
      // Gone (deleted, pruned by another window) or saved again at another time: no longer where the
      // scan found it. A new rating replaced the entry but not its age.
      const current = this.entries.get(candidate.id);
      if (current && current.createdAt === candidate.createdAt) picked.add(current);
      if (slicer.due()) await slicer.yield();
    }
    if (this.pruneQueue) this.pruneQueue = this.pruneQueue.slice(taken);
    return [...picked];
  }

  /** Rewrites the index with one line per live record. Lines another window appends meanwhile are
   * copied over before the rename; one that lands in the instant after is not lost either: its
   * record file is listed again on the next full read (the other windows read in full a replaced
   * index). */
  private compact(): Promise<void> {
    return this.withIndexLock(async () => {
      await this.refreshLocked();
      // In the order the lines were folded (what appends would leave), serialised in time-boxed
      // slices (10,000 lines at once held the loop ~15 ms) and written piece by piece.
      const slicer = new Slicer();
      const chunks: string[] = [];
      let bytes = 0;
      let piece = '';
      for (const entry of this.entries.values()) {
        piece += `\n${JSON.stringify({ op: 'record', entry } satisfies IndexLine)}`;
        if (slicer.due()) {
          chunks.push(piece);
          bytes += Buffer.byteLength(piece, 'utf8');
          piece = '';
          await slicer.yield();
        }
      }
      chunks.push(piece);
      bytes += Buffer.byteLength(piece, 'utf8');
      const readUpTo = this.offset;
      const readIdentity = this.indexIdentity;
      let written: string | undefined;
      try {
        await writeFileAtomic(this.indexFile, chunks, {
          beforeRename: async (temp) => {
            const handle = await open(this.indexFile, 'r');
            try {
              const stats = await handle.stat();
              // Another window compacted first: its index stands, and this store reads it anew.
              if (identityOf(stats) !== readIdentity) throw new IndexReplaced();
              if (stats.size > readUpTo) {
                const buffer = Buffer.alloc(stats.size - readUpTo);
                await handle.read(buffer, 0, buffer.length, readUpTo);
                await appendLine(temp, buffer.toString('utf8'));
              }
            } finally {
              await handle.close();
            }
            written = identityOf(await stat(temp));
          },
        });
      } catch (error) {
        if (error instanceof IndexReplaced) return;
        throw error;
      }
      // The new index holds the live entries up to `bytes`, then the lines copied over (still to be
      // folded): read on from there, not again from the start.
      this.offset = bytes;
      this.lines = this.entries.size;
      this.indexIdentity = written;
      await this.refreshLocked();
    });
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
