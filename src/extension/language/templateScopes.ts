// What is in scope at a point of a template that may not parse yet (it is being typed): the blocks
// open there, found by scanning `{{#x …}}` / `{{/x}}` tags, and the input fields they bring into
// scope (`{{#each examples}}` → the fields of each example). No `vscode` here.
import { findField, type InputField } from '../../core/inputSchema';

export interface OpenBlock {
  helper: string;
  /** The text after the helper's name, e.g. `examples` for `{{#each examples}}`. */
  argument: string;
}

/** Comments may hold anything, tags included: blank them out, keeping offsets. */
export function blankComments(text: string): string {
  return text.replace(/\{\{!--[\s\S]*?--\}\}|\{\{![\s\S]*?\}\}/g, (comment) => comment.replace(/[^\n]/g, ' '));
}

/** The blocks open at `end` in `text` (scanning from `start`), outermost first. */
export function openBlocks(text: string, start: number, end: number): OpenBlock[] {
  const stack: OpenBlock[] = [];
  const tags = /\{\{~?\s*([#/^])\s*([\w-]+)([^}]*)\}\}/g;
  const scanned = blankComments(text.slice(start, end));
  for (const match of scanned.matchAll(tags)) {
    const [, sigil, helper, rest] = match;
    if (sigil === '/') {
      const index = stack.map((block) => block.helper).lastIndexOf(helper!);
      if (index !== -1) stack.length = index;
    } else if (sigil === '#') {
      stack.push({ helper: helper!, argument: rest!.replace(/~$/, '').trim() });
    }
  }
  return stack;
}

/** The inputs the template can read: `input.schema`'s fields, and names only given a default
 * (their fields guessed from the default's first item or value). */
export interface Scope {
  /** Fields readable here; undefined when the context is not known (a block over an unknown value). */
  fields: InputField[] | undefined;
  /** Inside {{#each}}: @index and friends exist. */
  inEach: boolean;
}

/** The fields in scope inside `blocks` (each/with move into a value; if/unless and others do not). */
export function scopeOf(root: InputField[] | undefined, blocks: readonly OpenBlock[]): Scope {
  let fields = root;
  let inEach = false;
  for (const block of blocks) {
    if (block.helper !== 'each' && block.helper !== 'with') continue;
    inEach ||= block.helper === 'each';
    const path = /^(?:this\.)?([\w-]+(?:\.[\w-]+)*)(\s|$)/.exec(block.argument);
    if (!path) {
      fields = undefined;
      continue;
    }
    for (const part of path[1]!.split('.')) fields = findField(fields, part)?.fields;
  }
  return { fields, inEach };
}

/** The expression (`{{ … }}`) around `offset`, if any: offsets of `{{` and of `}}` (or of where the
 * text ends, while it is still being typed). Comments are not expressions. */
export function expressionAt(text: string, offset: number, bodyStart: number): { open: number; close: number } | undefined {
  const open = text.lastIndexOf('{{', offset - 2);
  if (open === -1 || open < bodyStart) return undefined;
  const close = text.indexOf('}}', open + 2);
  if (close !== -1 && close < offset) return undefined;
  if (/^\{\{~?!/.test(text.slice(open, open + 4))) return undefined;
  return { open, close: close === -1 ? text.length : close };
}
