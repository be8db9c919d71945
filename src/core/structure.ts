// Which rendered text is which part of the prompt (DESIGN.md, "primary content" pattern):
//   instruction: the system message(s), or the opening lines of a prompt without one;
//   examples:    what the input named by `promptlab.examples` renders to (found by rendering again
//                with no examples and comparing);
//   cue:         the last line of literal text at the end of the template (`Summary:`);
//   content:     the rest: the primary content and the labels around it.
// The file stays plain Dotprompt; nothing here changes how it renders.
import type { CheckedPrompt } from './check/checkPrompt';
import type { RenderResult, TextMessage } from './render';

export type PartName = 'instruction' | 'examples' | 'content' | 'cue';
export const PART_NAMES: readonly PartName[] = ['instruction', 'examples', 'content', 'cue'];

/** A piece of one rendered message: `[start, end)` of its text. */
export interface PartSpan { message: number; start: number; end: number }

export interface PromptPart {
  name: PartName;
  /** The part's text, its spans joined. */
  text: string;
  spans: PartSpan[];
}

/** Renders the same prompt again with a given number of examples (see renderChecked). */
export type Rerender = (shots: number) => Promise<RenderResult>;

export async function promptParts(checked: CheckedPrompt, full: RenderResult, rerender: Rerender): Promise<PromptPart[]> {
  const messages = full.text;
  // One label (an index into PART_NAMES) per character of each message; everything starts as content.
  const CONTENT = PART_NAMES.indexOf('content');
  const labels = messages.map((message) => new Uint8Array(message.content.length).fill(CONTENT));
  const label = (message: number, start: number, end: number, part: PartName) => labels[message]!.fill(PART_NAMES.indexOf(part), start, end);

  const systems = messages.flatMap((message, index) => (message.role === 'system' ? [index] : []));
  for (const index of systems) label(index, 0, messages[index]!.content.length, 'instruction');
  if (systems.length === 0 && messages.length > 0) {
    const opening = leadingLiteralLines(checked);
    if (opening && messages[0]!.content.startsWith(opening)) label(0, 0, opening.length, 'instruction');
  }

  if (full.examples && full.examples.used > 0) {
    const without = (await rerender(0)).text;
    for (const span of differingSpans(messages, without)) label(span.message, span.start, span.end, 'examples');
  }

  const cue = trailingCue(checked);
  const last = messages.length - 1;
  if (cue && last >= 0) {
    const text = messages[last]!.content.trimEnd();
    if (text.endsWith(cue)) label(last, text.length - cue.length, text.length, 'cue');
  }

  const spans: PartSpan[][] = PART_NAMES.map(() => []);
  labels.forEach((row, message) => {
    for (let start = 0; start < row.length;) {
      let end = start;
      while (end < row.length && row[end] === row[start]) end++;
      spans[row[start]!]!.push({ message, start, end });
      start = end;
    }
  });
  return PART_NAMES.map((name, index) => ({
    name, spans: spans[index]!, text: spans[index]!.map((span) => messages[span.message]!.content.slice(span.start, span.end)).join(''),
  }));
}

/** Literal text at the start of the template, whole lines only (`Classify the review.\n\n`). */
function leadingLiteralLines(checked: CheckedPrompt): string | undefined {
  const first = checked.template?.ast.body[0] as (hbs.AST.ContentStatement | undefined);
  if (first?.type !== 'ContentStatement') return undefined;
  const text = first.value.replace(/^\s+/, '');
  const end = text.lastIndexOf('\n');
  return end > 0 && text.slice(0, end).trim() ? text.slice(0, end + 1) : undefined;
}

/** The last non-empty line of the literal text after the template's last expression. */
function trailingCue(checked: CheckedPrompt): string | undefined {
  const body = checked.template?.ast.body ?? [];
  let literal = '';
  for (let i = body.length - 1; i >= 0; i--) {
    const statement = body[i]!;
    if (statement.type === 'CommentStatement') continue;
    if (statement.type !== 'ContentStatement') break;
    literal = (statement as hbs.AST.ContentStatement).value + literal;
  }
  const line = literal.split('\n').map((text) => text.trim()).filter(Boolean).at(-1);
  return line || undefined;
}

/**
 * Where `full` has text that `without` lacks. When the examples are whole messages (role pairs in
 * an {{#each}}), those messages; otherwise the middle left after the common prefix and suffix.
 */
function differingSpans(full: TextMessage[], without: TextMessage[]): PartSpan[] {
  const extra = full.length - without.length;
  const same = (a: TextMessage, b: TextMessage) => a.role === b.role && a.content === b.content;
  if (extra > 0) {
    for (let at = 0; at + extra <= full.length; at++) {
      const rest = [...full.slice(0, at), ...full.slice(at + extra)];
      if (rest.every((message, index) => same(message, without[index]!))) {
        return full.slice(at, at + extra).map((message, offset) => ({ message: at + offset, start: 0, end: message.content.length }));
      }
    }
  }
  const SEPARATOR = '\u0000';
  const flat = (messages: TextMessage[]) => messages.map((message) => `${SEPARATOR}${message.role}${SEPARATOR}${message.content}`).join('');
  const a = flat(full);
  const b = flat(without);
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (suffix < a.length - prefix && suffix < b.length - prefix && a[a.length - 1 - suffix] === b[b.length - 1 - suffix]) suffix++;
  // The common prefix may run into the first example where it starts like the text after the
  // examples ("Review: …"): the same difference fits anywhere it can slide to. Slide it back to
  // the nearest line start it can reach, where an {{#each}} block's output normally begins.
  const end = a.length - suffix;
  let best = 0;
  for (let back = 1; back <= prefix && a[prefix - back] === a[end - back]; back++) {
    const before = a[prefix - back - 1];
    if (before === '\n' || before === SEPARATOR || prefix - back === 0) { best = back; break; }
  }
  prefix -= best;
  suffix += best;
  const spans: PartSpan[] = [];
  let offset = 0;
  full.forEach((message, index) => {
    const contentStart = offset + message.role.length + 2;
    const contentEnd = contentStart + message.content.length;
    const start = Math.max(prefix, contentStart);
    const end = Math.min(a.length - suffix, contentEnd);
    if (start < end) spans.push({ message: index, start: start - contentStart, end: end - contentStart });
    offset = contentEnd;
  });
  return spans;
}
