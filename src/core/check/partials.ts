// Partials must exist, and must not include themselves (directly or through others): Dotprompt
// would recurse until the stack overflows.
import { isRefused, type PartialFile, type PromptEnvironment, type RefusedPartial } from '../promptEnvironment';
import { parseHandlebars } from './handlebarsParse';
import type { Reporter } from './report';
import type { Located } from './template';

/** Names of the partials a template includes, in order. */
export function partialNames(template: string): string[] {
  const parsed = parseHandlebars(template);
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
  const missing = new Set<string>();
  const refused = new Map<string, RefusedPartial>();
  const load = async (name: string) => {
    if (found.has(name) || missing.has(name) || refused.has(name)) return found.get(name);
    const file = await environment.readPartial(name);
    if (isRefused(file)) refused.set(name, file); else if (file) found.set(name, file); else missing.add(name);
    return found.get(name);
  };
  /** The first cycle through `name`, as a path of names, or undefined. */
  const cycleFrom = async (name: string, path: string[]): Promise<string[] | undefined> => {
    if (path.includes(name)) return [...path.slice(path.indexOf(name)), name];
    if (path.length > 64) return undefined; // deep enough for any real prompt; bounds the search
    const file = await load(name);
    if (!file) return undefined;
    for (const next of partialNames(file.text)) {
      const cycle = await cycleFrom(next, [...path, name]);
      if (cycle) return cycle;
    }
    return undefined;
  };
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
    if (cycle) report.error('partial-cycle', `Partials include each other in a cycle (${cycle.join(' → ')}): rendering would never end.`, reference.start, reference.end);
  }
  return found;
}
