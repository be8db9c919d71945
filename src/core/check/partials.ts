// Partials must exist, and must not include themselves (directly or through others): Dotprompt
// would recurse until the stack overflows.
import { isRefused, type PartialFile, type PromptEnvironment, type RefusedPartial } from '../promptEnvironment';
import { parseHandlebars, type SyntaxErrorAt } from './handlebarsParse';
import type { Reporter } from './report';
import type { Located } from './template';

/** More partial renders than this in one render of a prompt is refused: each partial including the
 * next one twice, 30 deep, renders a billion partials (the "billion laughs" of templates). Far more
 * than any real prompt includes; a loop over inputs ({{#each}}) still repeats a partial freely. */
export const MAX_PARTIAL_RENDERS = 10_000;

/** Names of the partials a template includes, in order. */
export function partialNames(template: string): string[] {
  return partialsIn(parseHandlebars(template));
}

function partialsIn(parsed: ReturnType<typeof parseHandlebars>): string[] {
  if ('error' in parsed) return [];
  const names: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) { node.forEach(visit); return; }
    if (typeof node !== 'object' || node === null) return;
    const record = node as { type?: string; name?: { original?: unknown } };
    if ((record.type === 'PartialStatement' || record.type === 'PartialBlockStatement') && typeof record.name?.original === 'string') {
      names.push(record.name.original);
    }
    for (const [key, value] of Object.entries(record)) if (key !== 'loc') visit(value);
  };
  visit(parsed.ast.body);
  return names;
}

/** Reads every partial reachable from `references`, reporting missing ones and cycles where the
 * prompt refers to them. `self` is the prompt's own partial name when it is a partial file. */
export async function checkPartials(references: Located[], environment: PromptEnvironment, report: Reporter, self?: string): Promise<Map<string, PartialFile>> {
  const found = new Map<string, PartialFile>();
  // Each partial file parsed once, however often it is reached.
  const parses = new Map<string, ReturnType<typeof parseHandlebars>>();
  const parseOf = (file: PartialFile) => {
    let parsed = parses.get(file.name);
    if (!parsed) parses.set(file.name, parsed = parseHandlebars(file.text));
    return parsed;
  };
  const missing = new Set<string>();
  const refused = new Map<string, RefusedPartial>();
  const load = async (name: string) => {
    if (found.has(name) || missing.has(name) || refused.has(name)) return found.get(name);
    const file = await environment.readPartial(name);
    if (isRefused(file)) refused.set(name, file); else if (file) found.set(name, file); else missing.add(name);
    return found.get(name);
  };
  /** The first cycle through `name`, as a path of names, or undefined. */
  // Partials searched to the end with no cycle: none runs through them, so they are not searched
  // again (without this, partials that each include the next level twice took 2^depth steps).
  const acyclic = new Set<string>();
  let cutOff = 0;
  const cycleFrom = async (name: string, path: string[]): Promise<string[] | undefined> => {
    if (path.includes(name)) return [...path.slice(path.indexOf(name)), name];
    if (acyclic.has(name)) return undefined;
    if (path.length > 64) { // deep enough for any real prompt; bounds the search
      cutOff += 1;
      return undefined;
    }
    const file = await load(name);
    if (!file) return undefined;
    const cutsBefore = cutOff;
    for (const next of partialsIn(parseOf(file))) {
      const cycle = await cycleFrom(next, [...path, name]);
      if (cycle) return cycle;
    }
    if (cutOff === cutsBefore) acyclic.add(name);
    return undefined;
  };
  /** The first partial reachable from `name` (itself included) that does not parse; each partial is
   * looked into once for the whole prompt, however many references reach it. */
  type Broken = { file: PartialFile; error: SyntaxErrorAt } | undefined;
  const brokenSeen = new Map<string, Broken>();
  const brokenFrom = async (name: string): Promise<Broken> => {
    if (brokenSeen.has(name)) return brokenSeen.get(name);
    brokenSeen.set(name, undefined); // in progress: a way back here adds nothing
    const file = await load(name);
    if (!file) return undefined;
    const parsed = parseOf(file);
    let broken: Broken = 'error' in parsed ? { file, error: parsed.error } : undefined;
    for (const next of broken ? [] : partialsIn(parsed)) {
      broken = await brokenFrom(next);
      if (broken) break;
    }
    brokenSeen.set(name, broken);
    return broken;
  };
  /** How many partials one render of `name` renders (itself included), counted once per partial
   * and capped past the limit: partials that each include the next one twice render 2^depth. */
  const expansionsSeen = new Map<string, number>();
  const expansionsOf = async (name: string): Promise<number> => {
    const known = expansionsSeen.get(name);
    if (known !== undefined) return known;
    expansionsSeen.set(name, 0); // in progress (a cycle past the search's depth): adds nothing
    const file = await load(name);
    let count = 1;
    for (const next of file ? partialsIn(parseOf(file)) : []) {
      count = Math.min(MAX_PARTIAL_RENDERS + 1, count + await expansionsOf(next));
    }
    expansionsSeen.set(name, count);
    return count;
  };
  let rendered = 0;
  for (const reference of references) {
    const file = await load(reference.name);
    const refusal = refused.get(reference.name);
    if (refusal) {
      // Still "not found" (what it means for rendering), with the reason the file was not read.
      report.error('partial-not-found', `Partial '${reference.name}' (${refusal.location}) ${refusal.refused}; refused.`, reference.start, reference.end);
      continue;
    }
    if (!file) {
      report.error('partial-not-found', `Partial '${reference.name}' not found: expected a file _${reference.name}.prompt beside this prompt or in a prompts folder.`, reference.start, reference.end);
      continue;
    }
    const cycle = await cycleFrom(reference.name, self ? [self] : []);
    if (cycle) {
      report.error('partial-cycle', `Partials include each other in a cycle (${cycle.join(' → ')}): rendering would never end.`, reference.start, reference.end);
      continue;
    }
    // Dotprompt compiles a partial when the template reaches it: one that does not parse would stop
    // the render with Handlebars' own message and no position (or, nested thousands deep, take
    // minutes). Said here, where the prompt includes it, with the place in the partial's file.
    const broken = await brokenFrom(reference.name);
    if (broken) {
      const { file: partial, error } = broken;
      const via = partial.name === reference.name ? '' : ` (included through '${reference.name}')`;
      report.error('template-syntax', `Partial '${partial.name}'${via} is not a valid template: ${partial.location}:${error.line}:${error.column + 1}: ${error.message}`, reference.start, reference.end);
      continue;
    }
    const before = rendered;
    rendered = Math.min(MAX_PARTIAL_RENDERS + 1, rendered + await expansionsOf(reference.name));
    if (rendered > MAX_PARTIAL_RENDERS && before <= MAX_PARTIAL_RENDERS) {
      report.error('partial-cycle', `With the partials it includes, this prompt renders more than ${MAX_PARTIAL_RENDERS.toLocaleString('en-US')} partials (partials that include others several times multiply): rendering would not end in reasonable time.`, reference.start, reference.end);
    }
  }
  return found;
}
