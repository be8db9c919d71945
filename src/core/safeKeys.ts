// Keys read from files (YAML frontmatter, JSON inputs, config files, datasets) become property names
// in plain objects. Three names are not data there: `__proto__` (its setter replaces an object's
// prototype), `constructor` and `prototype` (they lead from any object to Object and
// Object.prototype). A frontmatter key `__proto__.NODE_OPTIONS: …` copied naively into an object
// changed Object.prototype for the whole process, and child processes forked with an environment read
// by for-in inherited it: opening a cloned repository's .prompt file was enough to run code.
// So these names are refused wherever a parsed key can become a property, and reported where written.

/** Property names that reach a prototype instead of holding data. */
export const UNSAFE_KEY_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/** The unsafe name a key uses as a whole or as one of its dotted parts (`a.__proto__.b`), or undefined. */
export function unsafeKeyPart(key: string): string | undefined {
  return key.split('.').find((part) => UNSAFE_KEY_NAMES.has(part));
}

/** The message every layer gives for such a key, so the CLI and the editor say the same. */
export function unsafeKeyMessage(key: string): string {
  return `The key '${key}' is refused: '${unsafeKeyPart(key) ?? key}' cannot be (part of) a key, because it would change every object in the program instead of holding data.`;
}

/** Data nested deeper than this is refused: JSON.parse reads any depth, but JSON.stringify, String(),
 * structuredClone and every recursive walk overflow the stack some thousands of levels down (a
 * 10,000-deep --input-file stopped render with an internal error). YAML stops near 800 by itself. */
export const MAX_DATA_DEPTH = 1000;

interface Step { node: unknown; parent?: Step; key?: string | number; depth: number }

/** `a.b[2].c` for a step: built only for the one step reported, so a deep walk stays linear. */
function pathOf(step: Step, base: string): string {
  const keys: (string | number)[] = [];
  for (let at: Step | undefined = step; at?.parent; at = at.parent) keys.push(at.key!);
  return keys.reverse().reduce<string>((path, key) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key), base);
}

/**
 * The path of the first unsafe key in parsed data (what JSON.parse or yaml gives), or undefined. For
 * values that came from outside and will be merged, spread or handed to libraries that copy them key
 * by key. Iterative: data of any depth is walked without overflowing the stack.
 */
export function findUnsafeKey(value: unknown, path = ''): string | undefined {
  const found = walk(value, (key) => unsafeKeyPart(key) !== undefined, Infinity);
  return found && pathOf(found, path);
}

/** Where parsed data first nests deeper than `limit` (as a path), or undefined. */
export function findTooDeepData(value: unknown, limit = MAX_DATA_DEPTH, path = ''): string | undefined {
  const found = walk(value, () => false, limit);
  return found && pathOf(found, path);
}

/** The message for data nested too deep at `path`. */
export function tooDeepDataMessage(path: string, limit = MAX_DATA_DEPTH): string {
  return `${path ? `the value at ${path.length > 80 ? `${path.slice(0, 80)}…` : path}` : 'the value'} nests lists or objects more than ${limit} deep; Prompt Lab reads data up to ${limit} levels.`;
}

/** Depth first, in key order: the first step whose key `refused` accepts, or the first object or
 * list nested deeper than `limit`. */
function walk(value: unknown, refused: (key: string) => boolean, limit: number): Step | undefined {
  const seen = new Set<object>();
  const pending: Step[] = [{ node: value, depth: 0 }];
  while (pending.length > 0) {
    const step = pending.pop()!;
    if (typeof step.key === 'string' && refused(step.key)) return step;
    const { node } = step;
    if (typeof node !== 'object' || node === null || seen.has(node)) continue;
    if (step.depth >= limit) return step;
    seen.add(node);
    const keys: (string | number)[] = Array.isArray(node) ? Array.from(node.keys()) : Object.keys(node);
    for (let index = keys.length - 1; index >= 0; index -= 1) {
      const key = keys[index]!;
      pending.push({ node: (node as Record<string | number, unknown>)[key], parent: step, key, depth: step.depth + 1 });
    }
  }
  return undefined;
}
