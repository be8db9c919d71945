// Parses YAML as `parseDocument(text, { uniqueKeys: true })` does, in linear time. The `yaml`
// package checks each key of a map against every key before it: a frontmatter or dataset with
// 100,000 keys took minutes and hung the check (issue 15). Here keys are checked in one pass with a
// set per map, and a repeated key gets the package's own error, at the same place.
import { isScalar, parseDocument, visit, YAMLParseError, type Document, type DocumentOptions, type ParseOptions, type SchemaOptions } from 'yaml';

export function parseYamlDocument(text: string, options: ParseOptions & DocumentOptions & SchemaOptions = {}): Document.Parsed {
  const document = parseDocument(text, { ...options, uniqueKeys: false });
  // A document that does not parse already says why; the duplicates would only add noise.
  if (document.errors.length > 0) return document;
  const duplicates: YAMLParseError[] = [];
  visit(document, {
    Map(_key, map) {
      const seen = new Set<unknown>();
      for (const pair of map.items) {
        // As the package compares: scalars by value; other keys (maps, lists as keys) by identity.
        const key = isScalar(pair.key) ? pair.key.value : pair.key;
        if (seen.has(key)) {
          const start = (pair.key as { range?: [number, number, number] } | null)?.range?.[0] ?? map.range?.[0] ?? 0;
          duplicates.push(new YAMLParseError([start, start + 1], 'DUPLICATE_KEY', 'Map keys must be unique'));
        }
        seen.add(key);
      }
    },
  });
  if (duplicates.length > 0) document.errors.push(...duplicates);
  return document;
}

