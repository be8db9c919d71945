// A rendered prompt as a list of tokens, each labelled with the part of the prompt it belongs to
// (instruction, examples, content, cue) or `overhead` (a BOS token, role names, a chat template's
// wrapping): for `prompt-lab tokens --show` and the panel's token chips.
import type { TextMessage } from '../render';
import type { PartName, PromptPart } from '../structure';
import { openAiRole } from './chat';
import type { Tokenizer } from './tokenizer';

export interface ListedToken {
  index: number;
  /** The tokenizer's id. */
  id: number;
  /** The token's text in place (a character split over several tokens shows with the last). */
  text: string;
  /** The token's own bytes, only when they are not whole UTF-8 characters (a byte-level token of a
   * character split over several tokens): the chips show these, `text` stays for reading in place. */
  bytes?: number[];
  part: PartName | 'overhead';
}

/** One token as a tokenizer gives it, in prompt order (`bytes` as in ListedToken). */
export interface TokenPiece { id: number; text: string; bytes?: number[] }

/**
 * Labels tokens whose texts, joined, read as the prompt (possibly with wrapping around the
 * messages: a template, a BOS token). Each message's content is found in that text in order; a
 * token takes the part it overlaps most, or `overhead` when it overlaps none; a byte-level token
 * with no text in place takes the part of the token that completes its character.
 */
export function labelTokens(pieces: readonly TokenPiece[], messages: readonly TextMessage[], parts: readonly PromptPart[]): ListedToken[] {
  const full = pieces.map((piece) => piece.text).join('');
  const ranges: { start: number; end: number; part: PartName }[] = [];
  let cursor = 0;
  messages.forEach((message, index) => {
    if (message.content === '') return;
    const at = full.indexOf(message.content, cursor);
    if (at === -1) return;
    cursor = at + message.content.length;
    for (const part of parts) {
      for (const span of part.spans) if (span.message === index) ranges.push({ start: at + span.start, end: at + span.end, part: part.name });
    }
  });
  let offset = 0;
  const listed = pieces.map((piece, index): ListedToken => {
    const start = offset;
    const end = offset + piece.text.length;
    offset = end;
    let best: PartName | 'overhead' = 'overhead';
    let most = 0;
    for (const range of ranges) {
      const overlap = Math.min(end, range.end) - Math.max(start, range.start);
      if (overlap > most) { most = overlap; best = range.part; }
    }
    return { index, id: piece.id, text: piece.text, ...(piece.bytes ? { bytes: piece.bytes } : {}), part: best };
  });
  // A character's first bytes have no text in place (the token that completes it shows it): they
  // belong to that token's part, not to the overhead.
  for (let i = listed.length - 2; i >= 0; i--) {
    const token = listed[i]!;
    if (token.bytes && token.text === '') token.part = listed[i + 1]!.part;
  }
  return listed;
}

/** The prompt's tokens with a tiktoken encoding: per message its role, then its content, as a chat
 * request sends them. The fixed wrapping tokens around each message are counted, not listed. */
export function tiktokenPieces(tokenizer: Pick<Tokenizer, 'tokens'>, messages: readonly TextMessage[]): TokenPiece[] {
  return messages.flatMap((message) => [openAiRole(message.role), message.content].flatMap((text) => tokenizer.tokens(text)));
}
