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
  // How many blocks of each name are open: a close with none open is skipped at once, and one with
  // some open searches down only through blocks it then closes, so the scan stays linear however
  // deep the blocks nest (a hostile file nests 10,000 deep).
  const openCount = new Map<string, number>();
  const tags = /\{\{~?\s*([#/^])\s*([\w-]+)([^}]*)\}\}/g;
  const scanned = blankComments(text.slice(start, end));
  for (const match of scanned.matchAll(tags)) {
    const [, sigil, helper, rest] = match;
    if (sigil === '/') {
      if (!openCount.get(helper!)) continue;
      let index = stack.length - 1;
      while (stack[index]!.helper !== helper) index -= 1;
      for (const closed of stack.splice(index)) openCount.set(closed.helper, openCount.get(closed.helper)! - 1);
    } else if (sigil === '#') {
      stack.push({ helper: helper!, argument: rest!.replace(/~$/, '').trim() });
      openCount.set(helper!, (openCount.get(helper!) ?? 0) + 1);
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
