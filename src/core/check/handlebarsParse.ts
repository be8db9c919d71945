// Handlebars.parse with the position of a syntax error. Handlebars' Jison parser knows where it
// stopped but throws a plain Error with only a text excerpt; its `parseError` hook gets the location.
import Handlebars from 'handlebars';
import { LineIndex } from '../lineIndex';
import { findTooDeep } from './templateNesting';

export interface SyntaxErrorAt {
  message: string;
  /** 1-based line and 0-based column in the parsed text, as Handlebars counts. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

interface JisonHash { text?: string; token?: string | null; line?: number; loc?: { first_line: number; first_column: number; last_line: number; last_column: number }; expected?: string[] }
interface Parser { parseError(message: string, hash: JisonHash): never }

class LocatedParseError extends Error {
  constructor(message: string, readonly hash: JisonHash) { super(message); }
}

const parser = (Handlebars as unknown as { Parser: Parser }).Parser;

function describeExpected(hash: JisonHash): string {
  if (hash.token === 'EOF') return 'The template ends before an expression or block is complete.';
  const got = hash.text ? `'${hash.text}'` : 'this';
  const wanted = (hash.expected ?? []).map((name) => name.replace(/'/g, ''));
  if (wanted.some((name) => name.startsWith('CLOSE'))) return `Unexpected ${got} inside {{ }}: expected a name, a value or the closing braces.`;
  if (wanted.includes('ID')) return `Unexpected ${got}: a name or value is missing here.`;
  return `Unexpected ${got}.`;
}

/** Parses `template`; returns the AST or where and why it is not valid Handlebars. */
export function parseHandlebars(template: string): { ast: hbs.AST.Program } | { error: SyntaxErrorAt } {
  // Handlebars takes minutes over a template nested thousands deep: refused before it parses.
  const tooDeep = findTooDeep(template);
  if (tooDeep) return { error: tooDeepError(template, tooDeep.start, tooDeep.end, tooDeep.limit) };
  const original = parser.parseError;
  // Parsing is synchronous, so swapping the hook for this one call cannot affect another parse.
  parser.parseError = (message: string, hash: JisonHash) => { throw new LocatedParseError(message, hash); };
  try {
    return { ast: Handlebars.parse(template) };
  } catch (error) {
    return { error: locate(error, template) };
  } finally {
    parser.parseError = original;
  }
}

function locate(error: unknown, template: string): SyntaxErrorAt {
  if (error instanceof LocatedParseError) {
    const { hash } = error;
    if (hash.loc) {
      // loc is the last token read; the offending token starts where it ends.
      const line = hash.loc.last_line;
      const column = hash.loc.last_column;
      return { message: describeExpected(hash), line, column, endLine: line, endColumn: column + Math.max(1, hash.text?.length ?? 1) };
    }
    // A lexical error (an unclosed comment, a stray brace): only the line is known.
    const line = (hash.line ?? 0) + 1;
    const text = template.split('\n')[line - 1] ?? '';
    const column = Math.max(0, text.search(/\{\{/));
    return { message: 'Unrecognized text: is a comment or an expression left open ({{!-- needs --}}, {{ needs }})?', line, column, endLine: line, endColumn: text.replace(/\r$/, '').length };
  }
  // Handlebars' own exceptions (mismatched blocks…) carry lineNumber/column and end them with " - L:C".
  const failure = error as { message?: string; lineNumber?: number; column?: number; endLineNumber?: number; endColumn?: number };
  const message = (failure.message ?? String(error)).replace(/ - \d+:\d+$/, '');
  const line = failure.lineNumber ?? 1;
  const column = failure.column ?? 0;
  return { message: message.replace(/^(\w+) doesn't match (\w+)$/, "{{/$2}} closes {{#$1}}: the names must match"), line, column, endLine: failure.endLineNumber ?? line, endColumn: failure.endColumn ?? column + 1 };
}

function tooDeepError(template: string, start: number, end: number, limit: number): SyntaxErrorAt {
  const lines = new LineIndex(template);
  const from = lines.positionAt(start);
  const to = lines.positionAt(end);
  return {
    message: `Blocks and sub-expressions nest more than ${limit} deep here: Prompt Lab reads templates up to ${limit} levels deep (Handlebars takes minutes past that). Close some blocks or move the repetition into an {{#each}}.`,
    line: from.line + 1, column: from.character, endLine: to.line + 1, endColumn: to.character,
  };
}
