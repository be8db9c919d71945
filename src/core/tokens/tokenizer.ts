// Token counting with tiktoken's encodings (its ranks; tiktoken itself is the reference the tests
// compare with, test/unit/bpeEncoder.test.ts). Nothing loads at import: the first
// getTokenizer(encoding) loads the encoding's table (tiktokenFiles.ts: a file read when bundled,
// ~80 ms from tiktoken's ranks file unbundled), later calls get the same instance. The extension
// counts in a worker thread (src/engine/tokens); the CLI in its own thread.
import { BpeEncoder } from './bpeEncoder';
import type { BpeTable } from './bpeTable';
import type { EncodingName } from './encodings';
import { splitCharacterBytes } from './tokenBytes';
import type { TokenPiece } from './tokenList';
import { loadBpeTable } from './tiktokenFiles';

export interface Tokenizer {
  readonly encoding: EncodingName;
  count(text: string): number;
  encode(text: string): Uint32Array;
  /** The text of each token, one entry per token, for showing token boundaries. Joined, they give
   * back the text (lone surrogates become U+FFFD, as they do on the way to the model). A character
   * whose UTF-8 bytes span several tokens is shown with the token that completes it, so a piece can
   * be the empty string. */
  pieces(text: string): string[];
  /** Each token's id and text in place (as `pieces`), with its own bytes when they are not whole
   * UTF-8 characters (a byte-level token of a character split over tokens). */
  tokens(text: string): TokenPiece[];
}

/** Every text is ordinary text: `<|endoftext|>` typed in a prompt is sent to the model as characters,
 * so it is counted as characters (tiktoken's `encode_ordinary`). */
class BpeTokenizer implements Tokenizer {
  private readonly encoder: BpeEncoder;

  constructor(readonly encoding: EncodingName, private readonly table: BpeTable) {
    this.encoder = new BpeEncoder(encoding, table);
  }

  count(text: string): number {
    let total = 0;
    for (const segment of boundedRuns(text)) total += this.encoder.count(segment);
    return total;
  }

  encode(text: string): Uint32Array {
    return Uint32Array.from(boundedRuns(text).flatMap((segment) => this.encoder.encode(segment)));
  }

  pieces(text: string): string[] {
    return boundedRuns(text).flatMap((segment) => this.segmentPieces(this.encoder.encode(segment)));
  }

  /** Each token's text; a character whose bytes span tokens goes with the token that completes it. */
  private segmentPieces(ids: readonly number[]): string[] {
    // Streaming, so a character split across tokens comes out whole; not fatal, so junk never throws;
    // ignoreBOM keeps a leading U+FEFF in the text, where the model sees it too.
    const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    const pieces = ids.map((id) => decoder.decode(this.table.bytesOf(id), { stream: true }));
    const rest = decoder.decode();
    if (rest !== '' && pieces.length > 0) pieces[pieces.length - 1] += rest;
    return pieces;
  }

  tokens(text: string): TokenPiece[] {
    return boundedRuns(text).flatMap((segment) => {
      const ids = this.encoder.encode(segment);
      const shown = this.segmentPieces(ids);
      return ids.map((id, i) => {
        const bytes = splitCharacterBytes(this.table.bytesOf(id));
        return { id, text: shown[i] ?? '', ...(bytes ? { bytes } : {}) };
      });
    });
  }
}

/** Byte-pair merging takes time quadratic in the length of one pre-tokenizer piece, and a run of
 * letters is one piece: in tiktoken's WASM 10,000 letters took 1.6 s, 80,000 took 51 s and a million
 * stopped it with "unreachable" (issue 15: a pasted blob or a huge URL froze the token count). Runs of more
 * than MAX_RUN characters without white space are encoded MAX_RUN at a time. Counts change only for
 * such runs, by at most a token at each cut; any other text is encoded whole, exactly as before. */
const MAX_RUN = 256;

const isSpace = (text: string, i: number): boolean => {
  const code = text.charCodeAt(i);
  return code === 32 || (code >= 9 && code <= 13) || (code > 127 && /\s/.test(text[i]!));
};

/** `text` cut inside runs of more than MAX_RUN non-space characters (never inside a surrogate
 * pair); most texts come back whole, as one segment. One pass. */
export function boundedRuns(text: string): string[] {
  let segments: string[] | undefined;
  let start = 0;
  let run = 0;
  for (let i = 0; i < text.length; i += 1) {
    if (isSpace(text, i)) {
      run = 0;
      continue;
    }
    run += 1;
    const code = text.charCodeAt(i);
    if (run > MAX_RUN && !(code >= 0xdc00 && code <= 0xdfff)) {
      (segments ??= []).push(text.slice(start, i));
      start = i;
      run = 1;
    }
  }
  if (!segments) return [text];
  segments.push(text.slice(start));
  return segments;
}

const KNOWN: readonly EncodingName[] = ['o200k_base', 'cl100k_base'];
const cache = new Map<EncodingName, Tokenizer>();

export function getTokenizer(encoding: EncodingName): Tokenizer {
  let tokenizer = cache.get(encoding);
  if (!tokenizer) {
    // The name can come from outside the type system (a worker message, a setting).
    if (!KNOWN.includes(encoding)) throw new Error(`unknown tiktoken encoding: ${String(encoding)}`);
    tokenizer = new BpeTokenizer(encoding, loadBpeTable(encoding));
    cache.set(encoding, tokenizer);
  }
  return tokenizer;
}
