// The rendered prompt as the panel shows it: each message cut into segments by part (instruction,
// examples, content, cue; text in no part is left unmarked), with the token count of each part and
// of the message overhead, from the same count the status bar shows; and, when the tokens are
// known, the prompt's tokens grouped by part (core/tokens/tokenGroups, as `prompt-lab tokens --show`
// groups them), whose counts are then the parts' counts. Pure data: the panel draws it.
import type { TokenReport } from './promptTokens';
import type { PromptTokenGroups, TokenGroupName } from './tokens/tokenGroups';
import type { TextMessage } from './render';
import type { PartName, PromptPart } from './structure';

export interface RenderedPromptView {
  messages: { role: string; segments: { text: string; part?: PartName }[] }[];
  /** Per part present, in the order of PART_NAMES as counted; and the overhead (message wrapping, reply priming). */
  parts: { name: PartName; tokens: number }[];
  overhead: number;
  total: number;
  tokenizer: string;
  exact: boolean;
  /** Set when the text shown was cut (a very long rendered prompt). */
  truncated?: boolean;
  /** The tokens by part, for the token chips: each group's count, and its tokens (id, text, and a
   * byte-level token's bytes; at most TOKEN_CHIP_LIMIT in all, `cut` when there were more), with the
   * tokenizer that made them ("o200k_base", "stories260K tokenizer") and, when it is not the
   * prompt's own, why (`note`: the local model could not load). */
  tokens?: {
    tokenizer: string;
    groups: { part: TokenGroupName; count: number; tokens: { index: number; id: number; text: string; bytes?: number[] }[] }[];
    cut?: boolean;
    note?: string;
  };
  /** The chips are still coming from this tokenizer (a local model loading): the counts shown are
   * `tokenizer`'s until they arrive. */
  tokensLoading?: string;
}

/** The count a view is drawn from: tiktoken's report, or a local model's (its tokenizer's name). */
export type ViewCount = Omit<Pick<TokenReport, 'parts' | 'overhead' | 'total' | 'tokenizer' | 'exact'>, 'tokenizer'> & { tokenizer: string };

/** Token chips sent to the panel at most (the counts are always whole). */
export const TOKEN_CHIP_LIMIT = 5_000;

/** Characters of rendered text sent to the panel at most. */
export const RENDERED_PREVIEW_LIMIT = 20_000;

/** `grouped` (the chips) gives the counts when present; `note` says why its tokenizer is not the
 * prompt's own, `loading` which tokenizer the chips are still awaited from. */
export function renderedPromptView(messages: readonly TextMessage[], parts: readonly PromptPart[], report: ViewCount, limit = RENDERED_PREVIEW_LIMIT, grouped?: PromptTokenGroups, extra: { note?: string; loading?: string } = {}): RenderedPromptView {
  let budget = limit;
  let truncated = false;
  const shown = messages.map((message, index) => {
    // Each character's part; spans of one message never overlap (structure.ts labels each character once).
    const labels = new Array<PartName | undefined>(message.content.length);
    for (const part of parts) for (const span of part.spans) if (span.message === index) labels.fill(part.name, span.start, span.end);
    const segments: { text: string; part?: PartName }[] = [];
    let start = 0;
    const content = message.content.slice(0, Math.max(0, budget));
    if (content.length < message.content.length) truncated = true;
    budget -= content.length;
    for (let at = 1; at <= content.length; at++) {
      if (at < content.length && labels[at] === labels[start]) continue;
      const part = labels[start];
      segments.push({ text: content.slice(start, at), ...(part ? { part } : {}) });
      start = at;
    }
    return { role: message.role, segments };
  });
  if (grouped) {
    // The chips' groups give the counts, so the legend and the chips (and the CLI) agree.
    const count = (part: TokenGroupName) => grouped.groups.find((group) => group.part === part)?.count ?? 0;
    let room = TOKEN_CHIP_LIMIT;
    const groups = grouped.groups.map((group) => {
      const tokens = group.tokens.slice(0, Math.max(0, room)).map(({ index, id, text, bytes }) => ({ index, id, text, ...(bytes ? { bytes } : {}) }));
      room -= tokens.length;
      return { part: group.part, count: group.count, tokens };
    });
    return {
      messages: shown,
      parts: report.parts.filter((part) => count(part.name) > 0 || part.text !== '').map(({ name }) => ({ name, tokens: count(name) })),
      overhead: count('overhead'), total: grouped.total, tokenizer: report.tokenizer, exact: report.exact,
      ...(truncated ? { truncated } : {}),
      tokens: {
        tokenizer: report.tokenizer, groups,
        ...(grouped.groups.reduce((n, g) => n + g.tokens.length, 0) > TOKEN_CHIP_LIMIT ? { cut: true } : {}),
        ...(extra.note !== undefined ? { note: extra.note } : {}),
      },
    };
  }
  return {
    messages: shown,
    parts: report.parts.filter((part) => part.tokens > 0 || part.text !== '').map(({ name, tokens }) => ({ name, tokens })),
    overhead: report.overhead, total: report.total, tokenizer: report.tokenizer, exact: report.exact,
    ...(truncated ? { truncated } : {}),
    ...(extra.loading !== undefined ? { tokensLoading: extra.loading } : {}),
  };
}
