// Parses YAML as `parseDocument(text, { uniqueKeys: true })` does, in linear time. The `yaml`
// package checks each key of a map against every key before it: a frontmatter or dataset with
// 100,000 keys took minutes and hung the check (issue 15). Here keys are checked in one pass with a
// set per map, and a repeated key gets the package's own error, at the same place.
import { isScalar, parseDocument, visit, YAMLParseError, type Document, type DocumentOptions, type ParseOptions, type SchemaOptions } from 'yaml';

type YamlOptions = ParseOptions & DocumentOptions & SchemaOptions;

export function parseYamlDocument(text: string, options: YamlOptions = {}): Document.Parsed {
  const document = parseYamlWithShortStacks(text, { ...options, uniqueKeys: false });
  // A document that does not parse already says why; the duplicates would only add noise.
  if (document.errors.length > 0) return document;
  for (const { offset } of repeatedKeys(document)) document.errors.push(new YAMLParseError([offset, offset + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
  return document;
}

/** `parseDocument`, with the stack traces of its errors kept short. Each error the parser makes
 * captures the call stack, and an unclosed flow collection nested hundreds deep makes one error per
 * level at that depth: under a host that keeps whole stacks (mocha sets Error.stackTraceLimit to
 * Infinity) that is quadratic, seconds of processor time for 40 KB. The errors are read for their
 * position and message only. */
export function parseYamlWithShortStacks(text: string, options: YamlOptions = {}): Document.Parsed {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = Math.min(limit, 10);
  try {
    return parseDocument(text, options);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/** Keys written again in the same map (after the first), with where each is written: one pass, a
 * set per map. Keys compare as the package compares them: scalars by value, other keys (maps or
 * lists as keys) by identity. For readers that accept repeats (the last one wins) but say so. */
export function repeatedKeys(document: Document): { key: unknown; offset: number }[] {
  const repeated: { key: unknown; offset: number }[] = [];
  visit(document, {
    Map(_key, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (seen.has(key)) repeated.push({ key, offset: (pair.key as { range?: [number, number, number] } | null)?.range?.[0] ?? map.range?.[0] ?? 0 });
        seen.add(key);
      }
    },
  });
  return repeated;
}

/** A yaml error's message for people: its first line. The parser recurses once per nesting level
 * and reports the stack overflow of a value nested some 800 deep as the error it caught. */
export function yamlErrorText(message: string): string {
  if (/Maximum call stack size exceeded/.test(message)) return 'the values here nest too deep to read (lists or maps inside each other hundreds of levels deep).';
  return message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

/** What `yaml.parse(text)` returns, or throws, with repeated keys found in one pass. */
export function parseYamlData(text: string): unknown {
  const document = parseYamlDocument(text);
  if (document.errors.length > 0) throw document.errors[0]!;
  return document.toJS();
}
