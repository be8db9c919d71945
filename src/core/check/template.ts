// Checks the Handlebars body: syntax, helpers Dotprompt knows, role names, and variables the input
// schema declares. Also records where roles and partials are, for the outline and partial checks.
import { findField, type InputField } from '../inputSchema';
import { LineIndex } from '../lineIndex';
import { parseHandlebars } from './handlebarsParse';
import type { Reporter } from './report';

/** Dotprompt compiles with knownHelpersOnly: these are all the helpers a template can call. */
export const DOTPROMPT_HELPERS = ['role', 'history', 'section', 'media', 'json', 'ifEquals', 'unlessEquals'] as const;
export const HANDLEBARS_HELPERS = ['if', 'unless', 'each', 'with', 'lookup', 'log'] as const;
const KNOWN_HELPERS = new Set<string>([...DOTPROMPT_HELPERS, ...HANDLEBARS_HELPERS]);
export const ROLES = ['system', 'user', 'model', 'tool'] as const;

export interface Located { name: string; start: number; end: number }

export interface TemplateInfo {
  /** `{{role "x"}}` and `{{history}}` markers in order, offsets relative to the body. */
  roles: Located[];
  partials: Located[];
  /** Root-level variables the body reads (not helpers, not @data, not block params). */
  variables: Located[];
  ast: hbs.AST.Program;
}

export interface TemplateCheckOptions {
  /** Declared inputs; undefined when the frontmatter could not be read (skip variable checks). */
  inputs?: InputField[];
  /** Partial files read their variables from whoever includes them: no variable checks. */
  isPartial: boolean;
}

type Frame = { fields: InputField[] | undefined; params: Set<string> };

export function checkTemplate(body: string, report: Reporter, options: TemplateCheckOptions): TemplateInfo | undefined {
  const parsed = parseHandlebars(body);
  const lines = new LineIndex(body);
  const offset = (position: hbs.AST.Position) => lines.offsetAt({ line: position.line - 1, character: position.column });
  if ('error' in parsed) {
    const { error } = parsed;
    report.error('template-syntax', error.message,
      lines.offsetAt({ line: error.line - 1, character: error.column }), lines.offsetAt({ line: error.endLine - 1, character: error.endColumn }));
    return undefined;
  }
  const info: TemplateInfo = { roles: [], partials: [], variables: [], ast: parsed.ast };
  const span = (node: hbs.AST.Node) => [offset(node.loc.start), offset(node.loc.end)] as const;
  const checkVariables = options.inputs !== undefined && !options.isPartial;

  const usePath = (path: hbs.AST.PathExpression, frames: Frame[]) => {
    if (path.data || path.depth > 0 || path.parts.length === 0) return; // @index, ../x, {{this}}
    const [start, end] = span(path);
    const head = path.parts[0]!;
    const frame = frames[frames.length - 1]!;
    if (frames.some((f) => f.params.has(head))) return;
    if (frames.length === 1) info.variables.push({ name: head, start, end });
    if (!checkVariables || frame.fields === undefined || findField(frame.fields, head)) return;
    const where = frames.length === 1 ? 'input.schema or input.default' : 'the fields of the items it iterates';
    const suggestion = closest(head, frame.fields.map((field) => field.name));
    report.warning('undeclared-variable', `'${head}' is not declared in ${where}${suggestion ? `: did you mean '${suggestion}'?` : '.'}`, start, end);
  };

  const useExpression = (node: hbs.AST.Expression, frames: Frame[]) => {
    if (node.type === 'PathExpression') usePath(node as hbs.AST.PathExpression, frames);
    else if (node.type === 'SubExpression') useCall(node as hbs.AST.SubExpression, frames);
  };

  const useCall = (node: hbs.AST.MustacheStatement | hbs.AST.BlockStatement | hbs.AST.SubExpression, frames: Frame[]) => {
    const path = node.path as hbs.AST.PathExpression;
    const isCall = node.params.length > 0 || (node.hash?.pairs.length ?? 0) > 0 || node.type === 'SubExpression';
    const name = path.type === 'PathExpression' ? path.original : undefined;
    if (name !== undefined && (isCall || KNOWN_HELPERS.has(name))) {
      if (!KNOWN_HELPERS.has(name)) {
        const [start, end] = span(path);
        report.error('unknown-helper', `Unknown helper '${name}'. Dotprompt runs only its own helpers (${DOTPROMPT_HELPERS.join(', ')}) and Handlebars' (${HANDLEBARS_HELPERS.join(', ')}).`, start, end);
      }
      if (name === 'role' || name === 'history') recordRole(node, name);
      if (name === 'media') checkMedia(node);
    } else if (path.type === 'PathExpression') {
      usePath(path, frames);
    }
    for (const param of node.params) useExpression(param, frames);
    for (const pair of node.hash?.pairs ?? []) useExpression(pair.value, frames);
  };

  const recordRole = (node: hbs.AST.Node & { params: hbs.AST.Expression[] }, helper: string) => {
    const [start, end] = span(node);
    if (helper === 'history') {
      info.roles.push({ name: 'history', start, end });
      return;
    }
    const param = node.params[0] as hbs.AST.StringLiteral | undefined;
    // Dotprompt writes whatever it is given into its role marker: no name, two names or a number
    // ({{role}}, {{role "user" "system"}}, {{role 123}}) leave marker text in the prompt or a role
    // no model knows. A variable or sub-expression may hold a name: only known at render.
    if (node.params.length !== 1 || (param!.type !== 'StringLiteral' && param!.type !== 'PathExpression' && param!.type !== 'SubExpression')) {
      report.error('template-syntax', `{{role}} takes one role name in quotes, e.g. {{role "system"}} (${ROLES.join(', ')}).`, start, end);
      return;
    }
    if (param?.type !== 'StringLiteral') return;
    info.roles.push({ name: param.value, start, end });
    if (!(ROLES as readonly string[]).includes(param.value)) {
      const [pStart, pEnd] = span(param);
      const hint = param.value === 'assistant' ? " Dotprompt calls the model's turn 'model'." : '';
      report.warning('unknown-role', `'${param.value}' is not a Dotprompt role (${ROLES.join(', ')}).${hint}`, pStart, pEnd);
    }
  };

  /** {{media url=… contentType=…}}: Dotprompt sends whatever url it is given, `undefined` included. */
  const checkMedia = (node: hbs.AST.MustacheStatement | hbs.AST.BlockStatement | hbs.AST.SubExpression) => {
    const pairs = node.hash?.pairs ?? [];
    const literal = (value: hbs.AST.Expression) => value.type !== 'StringLiteral' && value.type !== 'PathExpression' && value.type !== 'SubExpression';
    const url = pairs.find((pair) => pair.key === 'url');
    const wrong = !url || node.params.length > 0 || pairs.some((pair) => (pair.key === 'url' || pair.key === 'contentType') && literal(pair.value));
    if (!wrong) return;
    const [start, end] = span(node);
    report.error('template-syntax', '{{media}} takes url= (and optionally contentType=), each text or a variable, e.g. {{media url=photoUrl contentType="image/png"}}.', start, end);
  };

  /** The fields of the context a block moves into (each / with / a section), when known. */
  const childFields = (block: hbs.AST.BlockStatement, frames: Frame[]): InputField[] | undefined => {
    const frame = frames[frames.length - 1]!;
    const target = block.params[0] as hbs.AST.PathExpression | undefined;
    const path = (block.path as hbs.AST.PathExpression).original;
    const subject = path === 'each' || path === 'with' ? target : block.params.length === 0 ? block.path as hbs.AST.PathExpression : undefined;
    if (subject?.type !== 'PathExpression' || subject.data || subject.depth > 0 || subject.parts.length !== 1) return undefined;
    return findField(frame.fields, subject.parts[0]!)?.fields;
  };

  const walk = (program: hbs.AST.Program | undefined, frames: Frame[]) => {
    for (const statement of program?.body ?? []) {
      switch (statement.type) {
        case 'MustacheStatement':
          useCall(statement as hbs.AST.MustacheStatement, frames);
          break;
        case 'BlockStatement': {
          const block = statement as hbs.AST.BlockStatement;
          useCall(block, frames);
          const helper = (block.path as hbs.AST.PathExpression).original;
          const changesContext = helper === 'each' || helper === 'with' || !KNOWN_HELPERS.has(helper);
          const inner: Frame = {
            fields: changesContext ? childFields(block, frames) : frames[frames.length - 1]!.fields,
            params: new Set(block.program?.blockParams ?? []),
          };
          walk(block.program, [...frames, inner]);
          walk(block.inverse, frames);
          break;
        }
        case 'PartialStatement':
        case 'PartialBlockStatement': {
          const partial = statement as hbs.AST.PartialStatement;
          const name = partial.name as hbs.AST.PathExpression;
          if (name.type === 'PathExpression') {
            const [start, end] = span(name);
            info.partials.push({ name: name.original, start, end });
          }
          for (const param of partial.params) useExpression(param, frames);
          for (const pair of partial.hash?.pairs ?? []) useExpression(pair.value, frames);
          if (statement.type === 'PartialBlockStatement') walk((statement as unknown as hbs.AST.BlockStatement).program, frames);
          break;
        }
        default:
          break; // content and comments
      }
    }
  };

  const rootFields = options.inputs;
  walk(parsed.ast, [{ fields: rootFields, params: new Set() }]);
  return info;
}

/** The candidate within edit distance 2 of `name`, if any: a likely typo. */
function closest(name: string, candidates: string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return best;
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 2) return 3;
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length]!;
}
