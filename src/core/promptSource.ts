// Splits a .prompt file into frontmatter and body exactly where Dotprompt does, and remembers where
// each starts, so that YAML and Handlebars positions can be mapped back to file lines.
import type { PromptDiagnostic } from './diagnostics';
import { LineIndex } from './lineIndex';

// Dotprompt's own pattern (dotprompt/src/parse.ts, FRONTMATTER_AND_BODY_REGEX), with the groups'
// offsets recovered through the `d` flag.
export const FRONTMATTER_AND_BODY = /^---\s*(?:\r\n|\r|\n)([\s\S]*?)(?:\r\n|\r|\n)---\s*(?:\r\n|\r|\n)([\s\S]*)$/d;

export interface Span {
  text: string;
  /** Offset of `text` in the whole (BOM-less) file text. */
  start: number;
}

export interface PromptSource {
  /** The file's text without a leading byte-order mark: what the editor shows and what is rendered. */
  text: string;
  lines: LineIndex;
  /** The YAML between the `---` lines; absent when Dotprompt would see no frontmatter. */
  frontmatter?: Span;
  /** The Handlebars template. Without frontmatter, the whole text. */
  body: Span;
  /** Problems found while splitting (a BOM, an unclosed or empty frontmatter). */
  diagnostics: PromptDiagnostic[];
}

export function readPromptSource(fileText: string): PromptSource {
  const bom = fileText.charCodeAt(0) === 0xfeff;
  const text = bom ? fileText.slice(1) : fileText;
  const lines = new LineIndex(text);
  const diagnostics: PromptDiagnostic[] = [];
  if (bom) {
    diagnostics.push({
      range: lines.range(0, 0), severity: 'warning', code: 'bom',
      message: 'The file starts with a byte-order mark. Prompt Lab ignores it, but Genkit\'s loader would then not see the frontmatter: save the file as UTF-8 without BOM.',
    });
  }
  const match = FRONTMATTER_AND_BODY.exec(text) as (RegExpExecArray & { indices: [number, number][] }) | null;
  if (match && match[1]) {
    return {
      text, lines, diagnostics,
      frontmatter: { text: match[1], start: match.indices[1]![0] },
      body: { text: match[2]!, start: match.indices[2]![0] },
    };
  }
  const firstLineEnd = lines.lineEnd(0);
  if (/^---\s*$/.test(text.slice(0, firstLineEnd))) {
    // Dotprompt falls back to rendering the whole file, `---` lines and YAML included.
    // `---` straight after `---` (or with only a blank line between) is an empty frontmatter.
    const empty = match !== null || /^---\s*?\r?\n---\s*(?:\r?\n|$)/.test(text);
    diagnostics.push({
      range: lines.range(0, firstLineEnd), severity: empty ? 'warning' : 'error',
      code: empty ? 'frontmatter-empty' : 'frontmatter-unclosed',
      message: empty
        ? 'The frontmatter is empty, so Dotprompt renders the whole file, --- lines included, as the template. Remove the --- lines or add settings between them.'
        : 'The frontmatter is not closed: add a line with only --- (followed by a line break) after the YAML. Until then Dotprompt renders the whole file as the template.',
    });
  }
  return { text, lines, diagnostics, body: { text, start: 0 } };
}
