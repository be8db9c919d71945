// Token counting with tiktoken. Loading an encoding costs up to a second of synchronous CPU (the
// WASM parses 100k–200k ranks), so nothing loads at import: the first getTokenizer(encoding) pays,
// later calls get the same instance. In the extension and the CLI this runs in a worker thread (src/engine/tokens).
import type { Tiktoken } from 'tiktoken/lite';
import type { EncodingName } from './encodings';
import { loadTiktokenClass, readRanks } from './tiktokenFiles';

export interface Tokenizer {
  readonly encoding: EncodingName;
  count(text: string): number;
  encode(text: string): Uint32Array;
  /** The text of each token, one entry per token, for showing token boundaries. Joined, they give
   * back the text (lone surrogates become U+FFFD, as they do on the way to the model). A character
   * whose UTF-8 bytes span several tokens is shown with the token that completes it, so a piece can
   * be the empty string. */
  pieces(text: string): string[];
}

/** Every text is ordinary text: `<|endoftext|>` typed in a prompt is sent to the model as characters,
 * so it is counted as characters. (tiktoken's `encode` would throw on it: special tokens are
 * disallowed by default.) */
class TiktokenTokenizer implements Tokenizer {
  constructor(readonly encoding: EncodingName, private readonly core: Tiktoken) {}

  count(text: string): number {
    return this.core.encode_ordinary(text).length;
  }

  encode(text: string): Uint32Array {
    return this.core.encode_ordinary(text);
  }

  pieces(text: string): string[] {
    const tokens = this.core.encode_ordinary(text);
    // Streaming, so a character split across tokens comes out whole; not fatal, so junk never throws;
    // ignoreBOM keeps a leading U+FEFF in the text, where the model sees it too.
    const decoder = new TextDecoder('utf-8', { ignoreBOM: true });
    const pieces = Array.from(tokens, (token) => decoder.decode(this.core.decode_single_token_bytes(token), { stream: true }));
    const rest = decoder.decode();
    if (rest !== '' && pieces.length > 0) pieces[pieces.length - 1] += rest;
    return pieces;
  }
}

const KNOWN: readonly EncodingName[] = ['o200k_base', 'cl100k_base'];
const cache = new Map<EncodingName, Tokenizer>();

export function getTokenizer(encoding: EncodingName): Tokenizer {
  let tokenizer = cache.get(encoding);
  if (!tokenizer) {
    // The name can come from outside the type system (a worker message, a setting).
    if (!KNOWN.includes(encoding)) throw new Error(`unknown tiktoken encoding: ${String(encoding)}`);
    const ranks = readRanks(encoding);
    const Tiktoken = loadTiktokenClass();
    tokenizer = new TiktokenTokenizer(encoding, new Tiktoken(ranks.bpe_ranks, ranks.special_tokens, ranks.pat_str));
    cache.set(encoding, tokenizer);
  }
  return tokenizer;
}
