// `promptlab.retrieve: { from: "docs/**/*.md", query: question, into: passages, top: 4, chunk: 800 }`:
// before rendering, the workspace files `from` matches are chunked and ranked (BM25) for the value
// of the input `query`, and the best `top` passages fill the input `into`. Checked where it is
// written (frontmatter check), read again at run time from the prompt's extensions.
//
// A glob is read relative to the workspace folder (the CLI's working folder) and must stay inside
// it: nothing absolute, no `..`, no backslash (a separator on Windows, an escape in globs). What a
// glob matches is not known here (no file system): hosts check that with the positions kept in
// `RetrieveSpec.fromSpans` (a glob matching nothing is a warning in the editor and `check`).
import { isMap, isScalar, isSeq } from 'yaml';
import picomatch from 'picomatch';
import type { Report } from '../check/report';
import { describeNode, keyText, nodeSpan, pairsOf, type AnyNode } from '../check/yamlNodes';
import { findField, type InputField } from '../inputSchema';

export interface RetrieveSpec {
  /** Globs relative to the folder searched, `/` separators. */
  from: string[];
  /** The input whose value is the query; without it nothing fills an input (the agent's `search`
   * tool still ranks these files). */
  query?: string;
  /** The input the passages fill; set whenever `query` is. */
  into?: string;
  top: number;
  /** Most characters in one chunk. */
  chunk: number;
}

/** Where each glob of `from` is written: offsets in the frontmatter, for the "matches nothing" warning. */
export interface GlobSpan { glob: string; start: number; end: number }

export const DEFAULT_TOP = 4;
export const TOP_LIMIT = 50;
export const DEFAULT_CHUNK = 800;
export const CHUNK_MIN = 200;
export const CHUNK_MAX = 20_000;

const EXAMPLE = 'promptlab.retrieve: { from: "docs/**/*.md", query: question, into: passages }';
const KNOWN = 'from, query, into, top, chunk';

/** Why `glob` may not be searched (it leads out of the folder, or is not a glob); undefined when it may. */
export function globProblem(glob: string): string | undefined {
  if (glob.trim() === '') return 'is empty';
  if (glob.includes('\\')) return 'has a backslash: write paths with / separators';
  if (glob.startsWith('/') || glob.startsWith('~') || /^[A-Za-z]:/.test(glob)) return 'is absolute: write it relative to the workspace folder';
  if (glob.startsWith('!')) return 'is a negation (!): list the files to search, not those to leave out';
  if (glob.split('/').includes('..')) return 'leads out of the workspace folder (..)';
  if ([...glob].some((char) => char.charCodeAt(0) < 0x20 || char === '\u007f')) return 'has control characters';
  try {
    picomatch.makeRe(glob);
  } catch (error) {
    return `is not a glob: ${(error as Error).message}`;
  }
  return undefined;
}

/** Checks the value of `promptlab.retrieve` against the declared inputs; the spec when it can run. */
export function checkRetrieveSpec(value: AnyNode, inputs: readonly InputField[] | undefined, report: Report): { spec?: RetrieveSpec; fromSpans: GlobSpan[] } {
  const [start, end] = nodeSpan(value);
  const fromSpans: GlobSpan[] = [];
  if (!isMap(value)) {
    report.error('extension-key', `'promptlab.retrieve' must be a map, e.g. ${EXAMPLE}; not ${describeNode(value)}.`, start, end);
    return { fromSpans };
  }
  let ok = true;
  let hasFrom = false;
  const spec: RetrieveSpec = { from: [], top: DEFAULT_TOP, chunk: DEFAULT_CHUNK };
  let queryAt: [number, number] | undefined;
  for (const pair of pairsOf(value)) {
    const key = keyText(pair);
    const inner = pair.value as AnyNode;
    const [innerStart, innerEnd] = nodeSpan(inner);
    const fail = (message: string, at: [number, number] = [innerStart, innerEnd]) => {
      report.error('extension-key', message, at[0], at[1]);
      ok = false;
    };
    if (key === 'from') {
      hasFrom = true;
      const items = isSeq(inner) ? inner.items as AnyNode[] : [inner];
      if (isSeq(inner) && items.length === 0) fail(`'promptlab.retrieve.from' lists no glob: give one, e.g. "docs/**/*.md".`);
      for (const item of items) {
        const glob = isScalar(item) ? item.value : undefined;
        const at = nodeSpan(item);
        if (typeof glob !== 'string') {
          fail(`'promptlab.retrieve.from' must be a glob or a list of globs relative to the workspace folder, e.g. "docs/**/*.md"; not ${describeNode(item)}.`, at);
          continue;
        }
        const problem = globProblem(glob);
        if (problem) fail(`The glob '${glob}' ${problem}.`, at);
        else {
          spec.from.push(glob);
          fromSpans.push({ glob, start: at[0], end: at[1] });
        }
      }
    } else if (key === 'query' || key === 'into') {
      const name = isScalar(inner) ? inner.value : undefined;
      if (typeof name !== 'string' || name === '') {
        fail(`'promptlab.retrieve.${key}' names an input, e.g. '${key}: ${key === 'query' ? 'question' : 'passages'}'; not ${describeNode(inner)}.`);
        continue;
      }
      const declared = findField(inputs, name);
      if (inputs && !declared) fail(`'promptlab.retrieve.${key}' names the input '${name}', which input.schema does not declare.`);
      else if (key === 'into' && declared?.type && !['array', 'any'].includes(declared.type)) fail(`'promptlab.retrieve.into' names '${name}', which is ${declared.type}; the passages are an array.`);
      else if (key === 'query' && declared?.type && !['string', 'any'].includes(declared.type)) fail(`'promptlab.retrieve.query' names '${name}', which is ${declared.type}; the query is text (a string).`);
      spec[key] = name;
      if (key === 'query') queryAt = [innerStart, innerEnd];
    } else if (key === 'top' || key === 'chunk') {
      const number = isScalar(inner) ? inner.value : undefined;
      const [min, max] = key === 'top' ? [1, TOP_LIMIT] : [CHUNK_MIN, CHUNK_MAX];
      if (typeof number === 'number' && Number.isInteger(number) && number >= min && number <= max) spec[key] = number;
      else fail(`'promptlab.retrieve.${key}' must be a whole number from ${min} to ${max}${key === 'chunk' ? ' (characters)' : ''}; not ${describeNode(inner)}.`);
    } else {
      const [keyStart, keyEnd] = nodeSpan(pair.key as AnyNode);
      report.warning('unknown-key', `Unknown key 'promptlab.retrieve.${key}'. Known: ${KNOWN}.`, keyStart, keyEnd);
    }
  }
  if (!hasFrom) {
    report.error('extension-key', `'promptlab.retrieve' needs the files to search in 'from', e.g. ${EXAMPLE}.`, start, end);
    ok = false;
  }
  if (spec.query !== undefined && spec.into === undefined && queryAt) {
    report.error('extension-key', `'promptlab.retrieve' has a query but no 'into': name the input the passages fill, e.g. into: passages.`, queryAt[0], queryAt[1]);
    ok = false;
  }
  if (spec.query !== undefined && spec.query === spec.into && queryAt) {
    report.error('extension-key', `'promptlab.retrieve.query' and 'into' name the same input: the passages would replace the question.`, queryAt[0], queryAt[1]);
    ok = false;
  }
  return ok ? { spec, fromSpans } : { fromSpans: [] };
}

/** The retrieval spec of a prompt's extensions, as checked; undefined when it retrieves nothing.
 * Takes either shape the spec arrives in: the frontmatter's own key (`'promptlab.retrieve'`) or
 * Dotprompt's `ext` (`ext.promptlab.retrieve`). Values the check refuses are refused here too. */
export function retrieveSpecOf(ext: Record<string, unknown> | undefined): RetrieveSpec | undefined {
  if (!ext) return undefined;
  const nested = ext.promptlab;
  const raw = Object.hasOwn(ext, 'promptlab.retrieve') ? ext['promptlab.retrieve']
    : typeof nested === 'object' && nested !== null ? (nested as Record<string, unknown>).retrieve : undefined;
  if (raw === undefined) return undefined;
  return readRetrieveSpec(raw);
}

export class RetrieveSpecError extends Error {}

/** The spec from plain data; throws RetrieveSpecError with what is wrong (the check said so already). */
export function readRetrieveSpec(raw: unknown): RetrieveSpec {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new RetrieveSpecError(`'promptlab.retrieve' must be a map, e.g. ${EXAMPLE}`);
  const value = raw as Record<string, unknown>;
  const from = typeof value.from === 'string' ? [value.from] : Array.isArray(value.from) ? value.from : undefined;
  if (!from || from.length === 0 || !from.every((glob): glob is string => typeof glob === 'string')) {
    throw new RetrieveSpecError(`'promptlab.retrieve.from' must be a glob or a list of globs, e.g. "docs/**/*.md"`);
  }
  for (const glob of from) {
    const problem = globProblem(glob);
    if (problem) throw new RetrieveSpecError(`the glob '${glob}' ${problem}`);
  }
  const name = (key: 'query' | 'into') => {
    const found = value[key];
    if (found === undefined) return undefined;
    if (typeof found !== 'string' || found === '') throw new RetrieveSpecError(`'promptlab.retrieve.${key}' must name an input`);
    return found;
  };
  const whole = (key: 'top' | 'chunk', fallback: number, min: number, max: number) => {
    const found = value[key];
    if (found === undefined) return fallback;
    if (typeof found !== 'number' || !Number.isInteger(found) || found < min || found > max) {
      throw new RetrieveSpecError(`'promptlab.retrieve.${key}' must be a whole number from ${min} to ${max}`);
    }
    return found;
  };
  const query = name('query');
  const into = name('into');
  if (query !== undefined && into === undefined) throw new RetrieveSpecError(`'promptlab.retrieve' has a query but no 'into'`);
  return {
    from, ...(query !== undefined ? { query } : {}), ...(into !== undefined ? { into } : {}),
    top: whole('top', DEFAULT_TOP, 1, TOP_LIMIT), chunk: whole('chunk', DEFAULT_CHUNK, CHUNK_MIN, CHUNK_MAX),
  };
}
