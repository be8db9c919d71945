// Where the cursor is, as far as completions care: a frontmatter key, a `config` key, the model,
// or a place inside a template expression. Works on half-typed text. No `vscode` here.
import { MAX_PROMPT_CHARS } from '../../core/check/checkPrompt';
import { LineIndex } from '../../core/lineIndex';
import { childKeys, frontmatterLines, inFrontmatter, parentKey, topLevelKeys } from './frontmatterLines';
import { expressionAt, openBlocks, type OpenBlock } from './templateScopes';

export type CompletionSite =
  /** `start`: where the text the completion replaces begins (its end is the cursor). */
  | { kind: 'topLevelKey'; start: number; existing: string[] }
  | { kind: 'configKey'; start: number; existing: string[] }
  | { kind: 'modelValue'; start: number; end: number }
  /** The first word of an expression: a helper or a variable. `sigil`: `#` opens a block, `/` closes one. */
  | { kind: 'helperOrVariable'; start: number; sigil: '' | '#' | '^' | '/'; blocks: OpenBlock[] }
  /** A later word of an expression: an argument (a variable). */
  | { kind: 'argument'; start: number; blocks: OpenBlock[] }
  /** Inside `{{role …`: `quoted` when the name's opening quote is typed already. */
  | { kind: 'role'; start: number; quoted: boolean }
  | { kind: 'partial'; start: number };

export function completionSite(text: string, offset: number): CompletionSite | undefined {
  // A file the check refuses as too large gets no completions either: each one reads the whole text
  // (a 5 MB frontmatter took a second per completion).
  if (text.length > MAX_PROMPT_CHARS) return undefined;
  const lines = new LineIndex(text);
  const { line, character } = lines.positionAt(offset);
  const frontmatter = frontmatterLines(text);
  if (frontmatter && line === 0) return undefined;
  if (frontmatter && inFrontmatter(frontmatter, line)) {
    const lineStart = lines.lineStart(line);
    const lineText = frontmatter.lines[line]!;
    const before = lineText.slice(0, character);
    if (/^[\w.-]*$/.test(before)) {
      return { kind: 'topLevelKey', start: lineStart, existing: topLevelKeys(frontmatter).filter((key) => key.line !== line).map((key) => key.key) };
    }
    const model = /^model:\s*/.exec(lineText);
    if (model && before.length >= model[0].length) {
      return { kind: 'modelValue', start: lineStart + model[0].length, end: lineStart + lineText.trimEnd().length };
    }
    const indented = /^\s+([\w-]*)$/.exec(before);
    const parent = indented ? parentKey(frontmatter, line) : undefined;
    if (indented && parent?.key === 'config' && !/^\s/.test(frontmatter.lines[parent.line]!)) {
      return { kind: 'configKey', start: offset - indented[1]!.length, existing: childKeys(frontmatter, parent.line).filter((key) => key.line !== line).map((key) => key.key) };
    }
    const flow = /^config:\s*\{(?:[^}]*,)?\s*(\w*)$/.exec(before);
    if (flow) {
      return { kind: 'configKey', start: offset - flow[1]!.length, existing: childKeys(frontmatter, line).map((key) => key.key) };
    }
    return undefined;
  }
  // A frontmatter that is not closed yet is still being written: it has no body.
  if (frontmatter && frontmatter.close === undefined) return undefined;
  const bodyStart = frontmatter ? lines.lineStart(frontmatter.close! + 1) : 0;
  if (frontmatter && offset < bodyStart) return undefined;
  const expression = expressionAt(text, offset, bodyStart);
  if (!expression) return undefined;
  const inner = text.slice(expression.open + 2, offset).replace(/^~/, '');
  const partial = /^\s*>\s*([\w.-]*)$/.exec(inner);
  if (partial) return { kind: 'partial', start: offset - partial[1]!.length };
  const role = /^\s*role\s+(["']?)([^"'\s]*)$/.exec(inner);
  if (role) return { kind: 'role', start: offset - role[2]!.length, quoted: role[1] !== '' };
  const blocks = () => openBlocks(text, bodyStart, expression.open);
  const first = /^\s*([#^/]?)\s*([\w.@-]*)$/.exec(inner);
  if (first) return { kind: 'helperOrVariable', start: offset - first[2]!.length, sigil: first[1] as '' | '#' | '^' | '/', blocks: blocks() };
  const argument = /^\s*[#^]?\s*[\w.@-]+\s(?:.*[\s=(])?([\w.@-]*)$/s.exec(inner);
  // Not inside a string argument ({{section "na|"}}).
  if (argument && (inner.split('"').length - 1) % 2 === 0) return { kind: 'argument', start: offset - argument[1]!.length, blocks: blocks() };
  return undefined;
}
