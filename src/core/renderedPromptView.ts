// The rendered prompt as the panel shows it: each message cut into segments by part (instruction,
// examples, content, cue; text in no part is left unmarked), with the token count of each part and
// of the message overhead, from the same count the status bar shows. Pure data: the panel draws it.
import type { TokenReport } from './promptTokens';
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
}

/** Characters of rendered text sent to the panel at most. */
export const RENDERED_PREVIEW_LIMIT = 20_000;

export function renderedPromptView(messages: readonly TextMessage[], parts: readonly PromptPart[], report: Pick<TokenReport, 'parts' | 'overhead' | 'total' | 'tokenizer' | 'exact'>, limit = RENDERED_PREVIEW_LIMIT): RenderedPromptView {
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
  return {
    messages: shown,
    parts: report.parts.filter((part) => part.tokens > 0 || part.text !== '').map(({ name, tokens }) => ({ name, tokens })),
    overhead: report.overhead, total: report.total, tokenizer: report.tokenizer, exact: report.exact,
    ...(truncated ? { truncated } : {}),
  };
}
