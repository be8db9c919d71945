// A rendered prompt's tokens grouped by part (instruction, examples, content, cue, then message
// overhead), each group with its count: what `prompt-lab tokens --show` prints and what the panel's
// run view draws as token chips. One function for both, so the CLI and the panel never disagree on
// a part's count. The overhead group counts the tokens listed as no part's text (role names, a BOS
// token, a chat template's wrapping) and the wrapping a chat request adds but no tokenizer lists
// (tiktoken's <|start|>…<|message|>…<|end|> per message and the reply priming).
import type { TextMessage } from '../render';
import { PART_NAMES, type PartName, type PromptPart } from '../structure';
import { openAiRole } from './chat';
import type { EncodingName } from './encodings';
import { labelTokens, type ListedToken, type TokenPiece } from './tokenList';
import { getTokenizer } from './tokenizer';

export type TokenGroupName = PartName | 'overhead';
export const TOKEN_GROUP_ORDER: readonly TokenGroupName[] = [...PART_NAMES, 'overhead'];

export interface TokenGroup {
  part: TokenGroupName;
  /** Tokens of this part: the listed ones, plus for `overhead` the unlisted wrapping. */
  count: number;
  /** The listed tokens, in prompt order (`index` is the token's place in the whole prompt). */
  tokens: ListedToken[];
}

export interface PromptTokenGroups {
  /** Only groups with at least one token, in TOKEN_GROUP_ORDER. */
  groups: TokenGroup[];
  /** Every token: the groups' counts add up to it. */
  total: number;
  /** Tokens counted in `overhead` that the tokenizer does not list. */
  unlisted: number;
}

/** Groups labelled tokens by part. `total` is the prompt's whole count when it is more than the
 * listed tokens (a chat request's wrapping); it is never less. */
export function groupTokens(listed: readonly ListedToken[], total = listed.length): PromptTokenGroups {
  const unlisted = Math.max(0, total - listed.length);
  const byPart = new Map<TokenGroupName, ListedToken[]>(TOKEN_GROUP_ORDER.map((part) => [part, []]));
  for (const token of listed) byPart.get(token.part)!.push(token);
  const groups = TOKEN_GROUP_ORDER
    .map((part) => ({ part, tokens: byPart.get(part)!, count: byPart.get(part)!.length + (part === 'overhead' ? unlisted : 0) }))
    .filter((group) => group.count > 0);
  return { groups, total: listed.length + unlisted, unlisted };
}

/** The prompt's tokens (from any tokenizer: tiktoken's pieces or a local model's own) labelled by
 * part and grouped. */
export function promptTokenGroups(pieces: readonly TokenPiece[], messages: readonly TextMessage[], parts: readonly PromptPart[], total?: number): PromptTokenGroups {
  return groupTokens(labelTokens(pieces, messages, parts), total);
}

/** A group's count by part name (0 when absent). */
export function groupCount(grouped: PromptTokenGroups, part: TokenGroupName): number {
  return grouped.groups.find((group) => group.part === part)?.count ?? 0;
}

/** Each text's tokens in one tiktoken encoding (in-process for the CLI, the token worker for the
 * extension). */
export type PiecesOf = (encoding: EncodingName, texts: string[]) => Promise<TokenPiece[][]>;

export const piecesInProcess: PiecesOf = async (encoding, texts) => {
  const tokenizer = getTokenizer(encoding);
  return texts.map((text) => {
    const ids = tokenizer.encode(text);
    const shown = tokenizer.pieces(text);
    return Array.from(ids, (id, i) => ({ id, text: shown[i] ?? '' }));
  });
};

/** A chat request's tokens with a tiktoken encoding, grouped: per message its role, then its
 * content (as tiktokenPieces lists them); `total` is the request's whole count (countPromptTokens),
 * so the wrapping that no piece shows is counted in overhead. */
export async function chatTokenGroups(piecesOf: PiecesOf, encoding: EncodingName, messages: readonly TextMessage[], parts: readonly PromptPart[], total: number): Promise<PromptTokenGroups> {
  const texts = messages.flatMap((message) => [openAiRole(message.role), message.content]);
  const pieces = (await piecesOf(encoding, texts)).flat();
  return promptTokenGroups(pieces, messages, parts, total);
}
