// tiktoken's encoding, in plain TypeScript over a BpeTable: the same pre-tokenizer (each
// encoding's regex, split into pieces that BPE never merges across) and the same merge order (the
// adjacent pair of lowest rank first, the leftmost of equals), so the same ids for every text.
// test/unit/bpeEncoder.test.ts compares the ids with tiktoken's own on prompts, code, many scripts
// and random Unicode.
import type { BpeTable } from './bpeTable';
import type { EncodingName } from './encodings';
import * as TIKTOKEN_CLASSES from './unicodeClasses';

/** Unicode White_Space, which `\s` means in tiktoken's (Rust) regexes. JavaScript's `\s` differs:
 * it adds U+FEFF and leaves out U+0085. */
const WS = '\\t\\n\\v\\f\\r \\x85\\xA0\\u1680\\u2000-\\u200A\\u2028\\u2029\\u202F\\u205F\\u3000';
/** `(?i:'s|'t|'re|'ve|'m|'ll|'d)`: Node 20's regexes have no inline flags. Unicode case folding,
 * as in Rust's regex: `ſ` (U+017F) folds to `s`. */
const CONTRACTION = "'(?:[sS\\u017F]|[tT]|[rR][eE]|[vV][eE]|[mM]|[lL][lL]|[dD])";
const SPACES = `[${WS}]*[\\r\\n]+|[${WS}]+(?![^${WS}])|[${WS}]+`;

/** The Unicode classes the patterns use, as the inside of a `[...]`. */
export interface UnicodeClasses {
  /** \p{L} */
  LETTER: string;
  /** \p{N} */
  NUMBER: string;
  /** [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]: o200k's letters of a word's upper-case start */
  UPPER: string;
  /** [\p{Ll}\p{Lm}\p{Lo}\p{M}]: o200k's letters of a word's lower-case rest */
  LOWER: string;
}

/** tiktoken's patterns, as its ranks files give them: a file with another one is refused. */
export const TIKTOKEN_PATTERNS: Record<EncodingName, string> = {
  cl100k_base: "(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
  o200k_base: "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+(?i:'s|'t|'re|'ve|'m|'ll|'d)?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*(?i:'s|'t|'re|'ve|'m|'ll|'d)?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+",
};

/** The encoding's pre-tokenizer as a JavaScript regex over `classes` (default: tiktoken's own
 * tables, unicodeClasses.ts; \p{…} would follow the runtime's Unicode version instead). */
function pretokenizer(encoding: EncodingName, classes: UnicodeClasses = TIKTOKEN_CLASSES): RegExp {
  const { LETTER: L, NUMBER: N, UPPER, LOWER } = classes;
  const source = encoding === 'cl100k_base'
    ? `${CONTRACTION}|[^\\r\\n${L}${N}]?[${L}]+|[${N}]{1,3}| ?[^${WS}${L}${N}]+[\\r\\n]*|${SPACES}`
    : `[^\\r\\n${L}${N}]?[${UPPER}]*[${LOWER}]+(?:${CONTRACTION})?|[^\\r\\n${L}${N}]?[${UPPER}]+[${LOWER}]*(?:${CONTRACTION})?|[${N}]{1,3}| ?[^${WS}${L}${N}]+[\\r\\n/]*|${SPACES}`;
  return new RegExp(source, 'gu');
}

/** Lone surrogates become U+FFFD, as on the way into tiktoken's WASM (and to the model). */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const wellFormed = (text: string): string => (/[\uD800-\uDFFF]/.test(text) ? text.replace(LONE_SURROGATE, '\uFFFD') : text);

/** Encodes text to token ids with one encoding's pre-tokenizer and table. Not reentrant (one
 * scratch buffer): one per encoding and thread, as getTokenizer keeps them. */
export class BpeEncoder {
  private readonly encoder = new TextEncoder();
  private scratch = new Uint8Array(1024);
  /** Merge state for one piece: where each part starts, and the rank of each part with the next. */
  private starts = new Int32Array(1025);
  private pairRanks = new Int32Array(1025);

  private readonly pattern: RegExp;

  constructor(encoding: EncodingName, private readonly table: BpeTable, classes?: UnicodeClasses) {
    this.pattern = pretokenizer(encoding, classes);
  }

  /** The ids of `text`, in order (special tokens are ordinary text: see tokenizer.ts). */
  encode(text: string): number[] {
    const ids: number[] = [];
    this.each(text, (id) => ids.push(id));
    return ids;
  }

  count(text: string): number {
    let total = 0;
    this.each(text, () => total++);
    return total;
  }

  private each(text: string, emit: (id: number) => void): void {
    // matchAll iterates a copy of the pattern: its lastIndex is never shared.
    for (const match of wellFormed(text).matchAll(this.pattern)) {
      const length = this.bytesOf(match[0]);
      const whole = this.table.rank(this.scratch, 0, length);
      if (whole !== -1) emit(whole);
      else this.merge(length, emit);
    }
  }

  /** The piece's UTF-8 bytes into the scratch buffer; their length. */
  private bytesOf(piece: string): number {
    if (piece.length * 3 > this.scratch.length) this.scratch = new Uint8Array(piece.length * 3);
    return this.encoder.encodeInto(piece, this.scratch).written;
  }

  /** tiktoken's byte_pair_encode of scratch[0, length): start from single bytes, merge the adjacent
   * pair whose joined bytes have the lowest rank (the leftmost of equals) until no pair is a token. */
  private merge(length: number, emit: (id: number) => void): void {
    if (this.starts.length < length + 1) {
      this.starts = new Int32Array(length + 1);
      this.pairRanks = new Int32Array(length + 1);
    }
    const { starts, pairRanks, scratch, table } = this;
    const NONE = 0x7fffffff;
    let parts = length; // parts i covers scratch[starts[i], starts[i + 1]), starts[parts] = length
    for (let i = 0; i <= length; i++) starts[i] = i;
    const pairRank = (i: number) => (i + 1 < parts ? orNone(table.rank(scratch, starts[i]!, starts[i + 2]!)) : NONE);
    const orNone = (rank: number) => (rank === -1 ? NONE : rank);
    for (let i = 0; i < parts; i++) pairRanks[i] = pairRank(i);
    for (;;) {
      let best = NONE;
      let at = -1;
      for (let i = 0; i < parts - 1; i++) {
        if (pairRanks[i]! < best) {
          best = pairRanks[i]!;
          at = i;
        }
      }
      if (at === -1) break;
      // Part `at` swallows part `at + 1`.
      starts.copyWithin(at + 1, at + 2, parts + 1);
      pairRanks.copyWithin(at + 1, at + 2, parts);
      parts -= 1;
      pairRanks[at] = pairRank(at);
      if (at > 0) pairRanks[at - 1] = pairRank(at - 1);
    }
    for (let i = 0; i < parts; i++) {
      const id = table.rank(scratch, starts[i]!, starts[i + 1]!);
      // Every single byte is a token in tiktoken's encodings, so a part always has an id.
      if (id === -1) throw new Error('the ranks file lacks a single-byte token');
      emit(id);
    }
  }
}
