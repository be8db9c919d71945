// A local model's token as bytes, read from its GGUF vocabulary (tokenizer.ggml.tokens):
// node-llama-cpp detokenizes to text only, and a byte-level token's text alone is U+FFFD. The
// token view shows such a token's bytes (<0xE1>), as it does for tiktoken's (core/tokens/tokenBytes).
import { splitCharacterBytes } from '../../core/tokens/tokenBytes';

/** The GGUF tokenizer's model (`llama`: SentencePiece; `gpt2`: byte-level BPE) and its token strings. */
export interface Vocabulary { kind?: string; tokens: readonly string[] }

/** The model's vocabulary from its GGUF metadata, if the file lists it. */
export function vocabularyOf(metadata: unknown): Vocabulary | undefined {
  const ggml = (metadata as { tokenizer?: { ggml?: { model?: unknown; tokens?: unknown } } } | undefined)?.tokenizer?.ggml;
  if (!Array.isArray(ggml?.tokens)) return undefined;
  return { kind: typeof ggml.model === 'string' ? ggml.model : undefined, tokens: ggml.tokens as string[] };
}

/** The token's bytes as the vocabulary spells them: SentencePiece names byte tokens <0xE1> and
 * writes a space as ▁; byte-level BPE maps each byte to a printable character (GPT-2's table).
 * Undefined for a tokenizer whose spelling is not known here. */
export function tokenBytes(vocabulary: Vocabulary, id: number): Uint8Array | undefined {
  const piece = vocabulary.tokens[id];
  if (typeof piece !== 'string') return undefined;
  if (vocabulary.kind === 'llama') {
    const byte = /^<0x([0-9A-Fa-f]{2})>$/.exec(piece);
    return byte ? Uint8Array.of(parseInt(byte[1]!, 16)) : new TextEncoder().encode(piece.replace(/\u2581/g, ' '));
  }
  if (vocabulary.kind === 'gpt2') {
    const bytes: number[] = [];
    for (const char of piece) {
      const byte = GPT2_BYTES.get(char);
      if (byte === undefined) return undefined; // an added token spelled as text: not a byte token
      bytes.push(byte);
    }
    return Uint8Array.from(bytes);
  }
  return undefined;
}

/** The token's bytes when they are not whole UTF-8 characters (see splitCharacterBytes). */
export function splitTokenBytes(vocabulary: Vocabulary | undefined, id: number): number[] | undefined {
  const bytes = vocabulary && tokenBytes(vocabulary, id);
  return bytes && splitCharacterBytes(bytes);
}

/** GPT-2's bytes_to_unicode, reversed: printable Latin-1 bytes stand for themselves, every other
 * byte for U+0100 onwards in order. */
const GPT2_BYTES: ReadonlyMap<string, number> = (() => {
  const map = new Map<string, number>();
  let next = 256;
  for (let byte = 0; byte < 256; byte++) {
    const printable = (byte >= 0x21 && byte <= 0x7e) || (byte >= 0xa1 && byte <= 0xac) || (byte >= 0xae && byte <= 0xff);
    map.set(String.fromCodePoint(printable ? byte : next++), byte);
  }
  return map;
})();
