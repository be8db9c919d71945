// The ranked corpus behind `promptlab.retrieve`: the files its globs match, chunked (chunk.ts) and
// indexed with MiniSearch, whose search ranks by BM25+. Nothing is ranked by hand here.
//
// Built lazily, on the first query, and kept (one index per source, globs and chunk size), so a
// prompt run many times (a comparison's cells, an eval's rows, an agent's searches) indexes once.
// Each query first brings the index up to date: the files are listed again with their stamps
// (or not at all when the source's watcher saw no change), and only files that appeared, changed
// or vanished are read and re-chunked (MiniSearch `discard` + `add`): an edit shows in the next
// query without a rebuild.
//
// The chunk texts are kept once, here, outside MiniSearch (which stores no field): the index holds
// terms and ids only.
import MiniSearch from 'minisearch';
import type { Passage } from '../trace';
import { chunkText } from './chunk';
import type { RetrievalSource } from './source';
import { STOP_WORDS } from './stopWords';

/** A glob of the spec matched no file under the source's root. */
export class NoFileMatches extends Error {
  constructor(readonly glob: string, readonly root: string) {
    super(`the glob '${glob}' matches no file in ${root}`);
  }
}

interface StoredChunk { file: string; startLine: number; endLine: number; text: string }
interface IndexedFile { stamp: string; ids: number[] }

/** Files read at once while indexing: enough to keep the disk busy, few enough to bound memory. */
const READ_CONCURRENCY = 32;
/** Longer "words" are hashes, base64 or minified code: no query asks for them, and each would be a
 * branch of MiniSearch's term tree. */
const MAX_TERM_LENGTH = 40;
/** A query term found in more than this share of the chunks is left out of a query that has rarer
 * terms. Ranking by it means scoring and sorting most of the corpus (the slow queries of issue 12:
 * p95 ~100 ms against a median of 2 ms), yet it barely moves the order: BM25's idf for a term in
 * 40% of the chunks is ln(1 + 0.6/0.4) ~ 0.9, against ~8 for a term in 10 chunks of 40,000. It is
 * kept when every term of the query is that common (then there is nothing better to rank by). */
const COMMON_TERM_SHARE = 0.4;

/** Query and document terms alike: lower case, without the commonest English words (they match
 * every chunk, so they only cost time) and overlong tokens. */
export function processTerm(term: string): string | null {
  if (term.length > MAX_TERM_LENGTH) return null;
  const lower = term.toLowerCase();
  return STOP_WORDS.has(lower) ? null : lower;
}

export class CorpusIndex {
  private readonly search = new MiniSearch<{ id: number; text: string }>({
    fields: ['text'],
    storeFields: [],
    processTerm,
    searchOptions: { combineWith: 'OR' },
  });
  private readonly chunks = new Map<number, StoredChunk>();
  private readonly files = new Map<string, IndexedFile>();
  private nextId = 0;
  private built = false;
  private syncedGeneration: number | undefined;
  /** One update at a time: two queries at once must not read and add the same file twice. */
  private updating: Promise<void> = Promise.resolve();

  /** `commonTermShare`: see COMMON_TERM_SHARE (the bench passes 1 to measure without it). */
  constructor(
    readonly source: RetrievalSource,
    readonly globs: readonly string[],
    readonly chunkSize: number,
    private readonly commonTermShare = COMMON_TERM_SHARE,
  ) {}

  /** Files indexed (those that could be read as text) and chunks, as of the last update. */
  get fileCount(): number {
    let count = 0;
    for (const file of this.files.values()) if (file.ids.length > 0) count++;
    return count;
  }

  get chunkCount(): number {
    return this.chunks.size;
  }

  /** The best `top` passages for `query`, best first, after bringing the index up to date.
   * Throws NoFileMatches when a glob matches no file. */
  async query(query: string, top: number, signal?: AbortSignal): Promise<Passage[]> {
    await this.update(signal);
    signal?.throwIfAborted();
    const results = this.search.search(this.withoutCommonTerms(query));
    return results.slice(0, top).map((result) => {
      const chunk = this.chunks.get(result.id as number)!;
      return { file: chunk.file, startLine: chunk.startLine, endLine: chunk.endLine, score: result.score, text: chunk.text };
    });
  }

  /** `query`, its terms found in more than `commonTermShare` of the chunks left out when it has
   * rarer ones (see COMMON_TERM_SHARE); the query as is otherwise. */
  private withoutCommonTerms(query: string): string {
    const chunkCount = this.search.documentCount;
    const terms = [...new Set(tokenize(query).map(processTerm).filter((term): term is string => !!term))];
    if (chunkCount === 0 || terms.length < 2) return query;
    const rare = terms.filter((term) => chunksWith(this.search, term) <= this.commonTermShare * chunkCount);
    return rare.length === 0 || rare.length === terms.length ? query : rare.join(' ');
  }

  /** Brings the index up to date with the source (serialised: see `updating`). */
  update(signal?: AbortSignal): Promise<void> {
    const next = this.updating.then(() => this.sync(signal));
    // A failed update (no match, cancelled) must not fail the next one.
    this.updating = next.catch(() => undefined);
    return next;
  }

  private async sync(signal?: AbortSignal): Promise<void> {
    const generation = this.source.generation?.();
    if (this.built && generation !== undefined && generation === this.syncedGeneration) return;
    const listed = new Map<string, string>();
    for (const glob of this.globs) {
      const files = await this.source.list(glob, signal);
      if (files.length === 0) throw new NoFileMatches(glob, this.source.root);
      for (const file of files) listed.set(file.path, file.stamp);
    }
    for (const [path, file] of this.files) {
      if (listed.get(path) !== file.stamp) this.drop(path, file);
    }
    const toRead = [...listed].filter(([path]) => !this.files.has(path));
    for (let at = 0; at < toRead.length; at += READ_CONCURRENCY) {
      signal?.throwIfAborted();
      const batch = toRead.slice(at, at + READ_CONCURRENCY);
      const texts = await Promise.all(batch.map(([path]) => this.source.read(path)));
      batch.forEach(([path, stamp], index) => this.add(path, stamp, texts[index]));
    }
    this.built = true;
    this.syncedGeneration = generation;
  }

  private add(path: string, stamp: string, text: string | undefined): void {
    const ids: number[] = [];
    // A file that cannot be read as text is remembered with no chunks, so it is not read again
    // until its stamp changes.
    for (const chunk of text === undefined ? [] : chunkText(text, this.chunkSize)) {
      const id = this.nextId++;
      this.chunks.set(id, { file: path, ...chunk });
      this.search.add({ id, text: chunk.text });
      ids.push(id);
    }
    this.files.set(path, { stamp, ids });
  }

  private drop(path: string, file: IndexedFile): void {
    for (const id of file.ids) {
      this.search.discard(id);
      this.chunks.delete(id);
    }
    this.files.delete(path);
  }
}

const tokenize = MiniSearch.getDefault('tokenize') as (text: string) => string[];

/** Chunks holding `term` (the discarded ones not yet vacuumed included, as in MiniSearch's own idf).
 * MiniSearch 7 has no public document frequency, but keeps it: its term tree maps a term to field
 * id -> (chunk -> count); 'text' is field 0. Counting terms ourselves would tokenise every chunk
 * twice; if a later MiniSearch changes that shape this answers 0, and no term is left out. */
function chunksWith(search: MiniSearch, term: string): number {
  const tree = (search as unknown as { _index?: { get(term: string): unknown } })._index;
  const byField = tree?.get(term);
  const chunks = byField instanceof Map ? byField.get(0) : undefined;
  return chunks instanceof Map ? chunks.size : 0;
}

/** Indexes kept per source (a host keeps one source per folder), by globs and chunk size. A few per
 * source: a workspace has a few retrieval specs, not hundreds. */
const KEPT_PER_SOURCE = 8;
const indexes = new WeakMap<RetrievalSource, Map<string, CorpusIndex>>();

/** The index of `globs` in `source` chunked at `chunkSize`: the kept one, or a new (empty, built on
 * its first query) one. */
export function corpusIndex(source: RetrievalSource, globs: readonly string[], chunkSize: number): CorpusIndex {
  let kept = indexes.get(source);
  if (!kept) indexes.set(source, kept = new Map());
  const key = JSON.stringify([globs, chunkSize]);
  const found = kept.get(key);
  if (found) {
    // Most recently used last, so the first is the one to evict.
    kept.delete(key);
    kept.set(key, found);
    return found;
  }
  const index = new CorpusIndex(source, globs, chunkSize);
  kept.set(key, index);
  if (kept.size > KEPT_PER_SOURCE) kept.delete(kept.keys().next().value!);
  return index;
}
