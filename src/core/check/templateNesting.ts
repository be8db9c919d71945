// How deep a Handlebars template nests, found in one linear pass before Handlebars parses it.
// Handlebars' parser is superlinear in nesting depth: 2,000 nested blocks take seconds, 4,000 take
// minutes (and then overflow the stack), the same for nested sub-expressions (issue 15). A template
// nested past MAX_TEMPLATE_NESTING is refused with its position instead of being parsed.
//
// The pass follows Handlebars' own lexer (handlebars/dist/cjs/handlebars/compiler/parser.js,
// `lexer.rules` and `lexer.conditions`) state for state: content, escaped mustaches (\{{), mustaches,
// comments and raw blocks, so text that is not a block (a comment, a string literal, an escaped or
// raw "{{#") is never counted. Where Handlebars' lexer or grammar would stop with an error, the pass
// stops too: Handlebars reports that error itself, having read no deeper than the pass did.

/** Deep enough for any template a person writes, shallow enough that Handlebars parses, compiles
 * and renders it in about a second (2,000 took seconds to parse and overflowed the stack compiling). */
export const MAX_TEMPLATE_NESTING = 1000;

export interface TooDeep {
  /** Where the opening that goes past the limit starts, and ends, in the template. */
  start: number;
  end: number;
  limit: number;
}

/** Mustache openers as the lexer's `mu` state tries them (rules 11 to 23, in that order). */
const OPENER = /\{\{(~)?(?:(#>)|(#\*?)|(\/)|(\^\s*~?\}\})|(\s*else\s*~?\}\})|(\^)|(\s*else\b)|(!--)|(![\s\S]*?\}\})|>|\{|&|\*?)/y;
const STRING = /"(?:\\"|[^"])*"|'(?:\\'|[^'])*'|\[(?:\\\]|[^\]])*\]/y;
const RAW_END = /\{\{\{\{\/[^\s!"#%-,./;->@[-^`{-~]+(?=[=}\s/.])\}\}\}\}/y;

/** Where `template` first nests deeper than `limit` (blocks, `{{else if}}` chains, partial blocks
 * and parenthesised sub-expressions together), or undefined. Linear in the template's length. */
export function findTooDeep(template: string, limit = MAX_TEMPLATE_NESTING): TooDeep | undefined {
  /** Levels each open block adds: 1, plus one per `{{else x}}` chained onto it. */
  const blocks: number[] = [];
  let depth = 0;
  let parens = 0;
  let i = 0;
  const n = template.length;
  const deeper = (start: number, end: number): TooDeep | undefined => (depth + parens > limit ? { start, end, limit } : undefined);

  while (i < n) {
    // INITIAL: content up to the next "{{"; a backslash before it escapes it (rule 0).
    const open = template.indexOf('{{', i);
    if (open === -1) return undefined;
    const escapes = template.slice(Math.max(i, open - 2), open);
    if (escapes.endsWith('\\') && !escapes.endsWith('\\\\')) {
      // emu (rule 2): at least two characters, up to the next "{{", "\{{" or "\\{{".
      const next = template.indexOf('{{', open + 2);
      if (next === -1) return undefined;
      i = template[next - 1] === '\\' ? (template[next - 2] === '\\' ? next - 2 : next - 1) : next;
      if (i < open + 2) i = open + 2;
      continue;
    }
    i = open;
    // mu: tokens until a closing "}}" returns to content.
    let inMustache = true;
    let rawOpener = false;
    while (inMustache && i < n) {
      if (template.startsWith('{{{{', i)) {
        // OPEN_RAW_BLOCK (rule 9): a block whose body is text, however it looks.
        depth += 1;
        const tooDeep = deeper(i, i + 4);
        depth -= 1;
        if (tooDeep) return tooDeep;
        rawOpener = true;
        i += 4;
        continue;
      }
      if (template.startsWith('}}}}', i)) {
        // CLOSE_RAW_BLOCK (rule 10): the raw block's text follows; anywhere else, a grammar error.
        if (!rawOpener) return undefined;
        const after = skipRaw(template, i + 4);
        if (after === undefined) return undefined;
        i = after;
        inMustache = false;
        continue;
      }
      OPENER.lastIndex = i;
      const opener = template.startsWith('{{', i) ? OPENER.exec(template) : null;
      if (opener) {
        const [, , partialBlock, block, endBlock, inverse, elseInverse, openInverse, elseChain, longComment, comment] = opener;
        const end = i + opener[0].length;
        if (partialBlock !== undefined || block !== undefined || openInverse !== undefined) {
          blocks.push(1);
          depth += 1;
          const tooDeep = deeper(i, end);
          if (tooDeep) return tooDeep;
        } else if (endBlock !== undefined) {
          const levels = blocks.pop();
          if (levels === undefined) return undefined; // a close with nothing open: Handlebars stops here
          depth -= levels;
        } else if (elseChain !== undefined) {
          if (blocks.length === 0) return undefined;
          blocks[blocks.length - 1]! += 1;
          depth += 1;
          const tooDeep = deeper(i, end);
          if (tooDeep) return tooDeep;
        } else if (inverse !== undefined || elseInverse !== undefined || comment !== undefined) {
          inMustache = false; // these tokens end the mustache themselves
        } else if (longComment !== undefined) {
          // com (rule 6): up to the first "--}}" or "--~}}"; unclosed is a lexical error.
          const close = /--~?\}\}/g;
          close.lastIndex = i;
          if (!close.exec(template)) return undefined;
          i = close.lastIndex;
          inMustache = false;
          continue;
        }
        i = end;
        continue;
      }
      const c = template[i]!;
      // Nothing in a mustache starts with "!" but a comment: Handlebars stops at it.
      if (c === '!') return undefined;
      if (c === '(') {
        parens += 1;
        const tooDeep = deeper(i, i + 1);
        if (tooDeep) return tooDeep;
      } else if (c === ')') {
        parens = Math.max(0, parens - 1);
      } else if (c === '"' || c === "'" || c === '[') {
        STRING.lastIndex = i;
        // An unclosed string or [segment] is a character Handlebars does not accept: it stops there.
        if (!STRING.exec(template)) return undefined;
        i = STRING.lastIndex;
        continue;
      } else if (template.startsWith('}}}', i) || template.startsWith('}~}}', i)) {
        i += template[i + 1] === '~' ? 4 : 3;
        inMustache = false;
        parens = 0;
        continue;
      } else if (template.startsWith('}}', i) || template.startsWith('~}}', i)) {
        i += c === '~' ? 3 : 2;
        inMustache = false;
        parens = 0;
        continue;
      }
      i += 1;
    }
    parens = 0;
  }
  return undefined;
}

/** After a raw block's opener: the offset past its matching `{{{{/name}}}}` (raw blocks nest as
 * text, rules 3 to 5), or undefined when it never closes (a lexical error). */
function skipRaw(template: string, from: number): number | undefined {
  let level = 1;
  let i = from;
  for (;;) {
    const next = template.indexOf('{{{{', i);
    if (next === -1) return undefined;
    RAW_END.lastIndex = next;
    if (RAW_END.exec(template)) {
      level -= 1;
      i = RAW_END.lastIndex;
      if (level === 0) return i;
    } else if (template[next + 4] !== '/') {
      level += 1;
      i = next + 4;
    } else {
      // "{{{{/" that is not a closing tag: no raw rule matches it.
      return undefined;
    }
  }
}
