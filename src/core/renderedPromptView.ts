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
  /** The tokens by part, for the token chips: each group's count, and its tokens (id, text; at most
   * TOKEN_CHIP_LIMIT in all, `cut` when there were more). */
  tokens?: { groups: { part: TokenGroupName; count: number; tokens: { index: number; id: number; text: string }[] }[]; cut?: boolean };
}

/** Token chips sent to the panel at most (the counts are always whole). */
export const TOKEN_CHIP_LIMIT = 5_000;

/** Characters of rendered text sent to the panel at most. */
export const RENDERED_PREVIEW_LIMIT = 20_000;

export function renderedPromptView(messages: readonly TextMessage[], parts: readonly PromptPart[], report: Pick<TokenReport, 'parts' | 'overhead' | 'total' | 'tokenizer' | 'exact'>, limit = RENDERED_PREVIEW_LIMIT, grouped?: PromptTokenGroups): RenderedPromptView {
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
      const tokens = group.tokens.slice(0, Math.max(0, room)).map(({ index, id, text }) => ({ index, id, text }));
      room -= tokens.length;
      return { part: group.part, count: group.count, tokens };
    });
    return {
      messages: shown,
      parts: report.parts.filter((part) => count(part.name) > 0 || part.text !== '').map(({ name }) => ({ name, tokens: count(name) })),
      overhead: count('overhead'), total: grouped.total, tokenizer: report.tokenizer, exact: report.exact,
      ...(truncated ? { truncated } : {}),
      tokens: { groups, ...(grouped.groups.reduce((n, g) => n + g.tokens.length, 0) > TOKEN_CHIP_LIMIT ? { cut: true } : {}) },
    };
  }
  return {
    messages: shown,
    parts: report.parts.filter((part) => part.tokens > 0 || part.text !== '').map(({ name, tokens }) => ({ name, tokens })),
    overhead: report.overhead, total: report.total, tokenizer: report.tokenizer, exact: report.exact,
    ...(truncated ? { truncated } : {}),
  };
}
