// A token's own bytes, kept only when they are not whole UTF-8 characters: a byte-level token (a
// piece of "ệ" in Vietnamese, an emoji's first bytes) has no text of its own, so the token chips
// show its bytes (<0xE1>) rather than an empty or a borrowed character. One test for tiktoken's
// tokens and a local model's.

const strict = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** `bytes` as a plain array when they do not decode as whole UTF-8 characters; undefined when they do. */
export function splitCharacterBytes(bytes: Uint8Array): number[] | undefined {
  try {
    strict.decode(bytes);
    return undefined;
  } catch {
    return Array.from(bytes);
  }
}

/** <0xE1><0xBB>: how a byte-level token reads (the way SentencePiece vocabularies name them). */
export function byteText(bytes: readonly number[]): string {
  return bytes.map((byte) => `<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`).join('');
}
