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

/**
 * A deep copy of parsed data (what JSON.parse or yaml gives) in which no object has an unsafe key:
 * the path of the first one found is returned instead. For values that came from outside and will be
 * merged, spread or handed to libraries that copy them key by key.
 */
export function findUnsafeKey(value: unknown, path = ''): string | undefined {
  const seen = new Set<object>();
  const visit = (node: unknown, at: string): string | undefined => {
    if (typeof node !== 'object' || node === null || seen.has(node)) return undefined;
    seen.add(node);
    if (Array.isArray(node)) {
      for (let index = 0; index < node.length; index += 1) {
        const found = visit(node[index], `${at}[${index}]`);
        if (found) return found;
      }
      return undefined;
    }
    for (const key of Object.keys(node)) {
      const where = at ? `${at}.${key}` : key;
      if (unsafeKeyPart(key) !== undefined) return where;
      const found = visit((node as Record<string, unknown>)[key], where);
      if (found) return found;
    }
    return undefined;
  };
  return visit(value, path);
}
