// Counting a long text again after a small edit costs about one chunk: texts are cut into chunks
// at line starts where both encodings' pre-tokenizers always split (so the chunks' counts add up
// to the text's count exactly), and each chunk's count is remembered.
//
// Why the cut is exact: tiktoken's BPE never merges across the pieces its pre-tokenizer regex
// splits a text into. In cl100k_base and o200k_base, a line break followed by a character that is
// neither whitespace nor `/` always ends a piece: letter and number pieces cannot start with a line
// break, whitespace pieces end before a non-space, and only o200k's punctuation piece may run on
// over line breaks into a `/`. test/unit/chunkedCount.test.ts checks the sums against whole counts.

/** Counts texts with one encoding; batches go to the tokenizer (in-process or the worker) at once. */
export type CountBatch = (texts: string[]) => Promise<number[]>;

const CHUNK = 512;
const CACHE_LIMIT = 4096;

/** Splits `text` into chunks of at least ~512 characters, cut only at safe line starts. */
export function splitForCounting(text: string): string[] {
  const chunks: string[] = [];
  let start = 0;
  let at = text.indexOf('\n', start + CHUNK - 1);
  while (at !== -1 && at < text.length - 1) {
    const next = text[at + 1]!;
    if (next !== '/' && !/\s/.test(next)) {
      chunks.push(text.slice(start, at + 1));
      start = at + 1;
      at = text.indexOf('\n', start + CHUNK - 1);
    } else {
      at = text.indexOf('\n', at + 1);
    }
  }
  chunks.push(text.slice(start));
  return chunks;
}

/** Wraps `count` with a cache of chunk counts (one per encoding: create one counter per encoding). */
export function chunkedCounter(count: CountBatch): CountBatch {
  let known = new Map<string, number>();
  return async (texts) => {
    const chunked = texts.map(splitForCounting);
    const missing = [...new Set(chunked.flat().filter((chunk) => !known.has(chunk)))];
    const counts = missing.length > 0 ? await count(missing) : [];
    const these = new Map(missing.map((chunk, index) => [chunk, counts[index]!]));
    const total = (chunks: string[]) => chunks.reduce((sum, chunk) => sum + (these.get(chunk) ?? known.get(chunk)!), 0);
    const result = chunked.map(total);
    // Bounded: starting afresh now and then is simpler than LRU and costs one recount.
    if (known.size + these.size > CACHE_LIMIT) known = new Map();
    for (const [chunk, value] of these) known.set(chunk, value);
    return result;
  };
}
