// Reads a dataset file into plain values plus a way to find where each value was written, per
// format: YAML and JSON through `yaml` (its parse tree keeps offsets), JSONL a document per line,
// CSV through `csv-parse` (its raw records give each row's offset). Nothing here knows what a test is.
import { parse as parseCsv, CsvError } from 'csv-parse/sync';
import { isAlias, isMap, isScalar, isSeq, visit, type Document, type Node } from 'yaml';
import { parseYamlDocument, yamlErrorText } from '../yamlDocument';
import type { Position } from '../diagnostics';
import { LineIndex } from '../lineIndex';

export type FieldPath = readonly (string | number)[];

/** Where the value at `path` (inside the top-level value) was written; `key` asks for the key's place. */
export type Locator = (path: FieldPath, key?: boolean) => Position;

export interface SourceProblem {
  position: Position;
  message: string;
}

export interface ParsedSource {
  /** The file's value; undefined when it could not be read at all. */
  value: unknown;
  locate: Locator;
  problems: SourceProblem[];
  /** CSV only: the rows, already in test shape, each with its own locator (see csvTests). */
  rows?: { row: Record<string, string>; locate: Locator }[];
}

export type DatasetFormat = 'yaml' | 'json' | 'jsonl' | 'csv';

export function formatOf(file: string): DatasetFormat {
  const lower = file.toLowerCase();
  if (lower.endsWith('.csv')) return 'csv';
  if (lower.endsWith('.jsonl')) return 'jsonl';
  if (lower.endsWith('.json')) return 'json';
  return 'yaml';
}

/** Aliases one document may expand: enough for `<<: *defaults` in every test, far too few for a bomb. */
const MAX_ALIAS_COUNT = 1000;

export function parseSource(text: string, file: string): ParsedSource {
  const lines = new LineIndex(text);
  switch (formatOf(file)) {
    case 'csv': return parseCsvSource(text, lines);
    case 'jsonl': return parseJsonLines(text, lines);
    case 'json': return parseYamlSource(text, lines, 0, true);
    default: return parseYamlSource(text, lines, 0, false);
  }
}

function parseYamlSource(text: string, lines: LineIndex, base: number, json: boolean): ParsedSource {
  const doc = parseYamlDocument(text, { prettyErrors: false });
  const locate = yamlLocator(doc, lines, base);
  const problems: SourceProblem[] = doc.errors.map((error) => ({ position: lines.positionAt(base + error.pos[0]), message: yamlErrorText(error.message) }));
  if (problems.length > 0) return { value: undefined, locate, problems };
  if (json) {
    try {
      JSON.parse(text);
    } catch (error) {
      const at = /position (\d+)/.exec((error as Error).message);
      return { value: undefined, locate, problems: [{ position: lines.positionAt(base + (at ? Number(at[1]) : 0)), message: `Not valid JSON: ${(error as Error).message}` }] };
    }
  }
  try {
    return { value: doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), locate, problems };
  } catch (error) {
    // yaml refuses alias expansions past maxAliasCount (a "billion laughs" document): say where.
    let alias: Node | undefined;
    visit(doc, { Alias: (_key, node) => { alias = node; return visit.BREAK; } });
    const offset = alias?.range?.[0] ?? 0;
    return { value: undefined, locate, problems: [{ position: lines.positionAt(base + offset), message: `YAML aliases expand too far (${(error as Error).message})` }] };
  }
}

function yamlLocator(doc: Document, lines: LineIndex, base: number): Locator {
  return (path, key) => {
    let node: unknown = doc.contents;
    let at: number = (node as Node | null)?.range?.[0] ?? 0;
    for (const segment of path) {
      if (isAlias(node)) node = node.resolve(doc);
      if (isMap(node)) {
        const pair = node.items.find((item) => (isScalar(item.key) ? String(item.key.value) : String(item.key)) === String(segment));
        if (!pair) break;
        const keyNode = pair.key as Node;
        if (key && segment === path[path.length - 1]) return lines.positionAt(base + (keyNode.range?.[0] ?? at));
        node = pair.value ?? keyNode;
      } else if (isSeq(node) && typeof segment === 'number' && node.items[segment] !== undefined) {
        node = node.items[segment];
      } else break;
      at = (node as Node).range?.[0] ?? at;
    }
    return lines.positionAt(base + at);
  };
}

function parseJsonLines(text: string, lines: LineIndex): ParsedSource {
  const values: unknown[] = [];
  const locators: Locator[] = [];
  const problems: SourceProblem[] = [];
  for (let line = 0; line < lines.lineCount; line++) {
    const start = lines.lineStart(line);
    const lineText = text.slice(start, lines.lineEnd(line));
    if (lineText.trim() === '') continue;
    const parsed = parseYamlSource(lineText, new LineIndex(lineText), 0, true);
    const shift = (position: Position): Position => ({ line: position.line + line, character: position.character });
    if (parsed.problems.length > 0) {
      problems.push(...parsed.problems.map((problem) => ({ position: shift(problem.position), message: problem.message })));
      continue;
    }
    values.push(parsed.value);
    locators.push((path, key) => shift(parsed.locate(path, key)));
  }
  const locate: Locator = (path, key) => {
    const index = path[0];
    const locator = typeof index === 'number' ? locators[index] : undefined;
    return locator ? locator(path.slice(1), key) : { line: 0, character: 0 };
  };
  return { value: values, locate, problems };
}

function parseCsvSource(text: string, lines: LineIndex): ParsedSource {
  const bom = text.startsWith('\uFEFF') ? 1 : 0;
  const bytes = Buffer.from(text.slice(bom), 'utf8');
  let records: { record: string[]; info: { bytes: number } }[];
  try {
    records = parseCsv(bytes, { info: true, skip_empty_lines: true, record_delimiter: ['\r\n', '\n'] }) as unknown as typeof records;
  } catch (error) {
    const line = error instanceof CsvError && typeof (error as CsvError & { lines?: number }).lines === 'number' ? (error as CsvError & { lines: number }).lines : 1;
    return { value: undefined, locate: () => ({ line: 0, character: 0 }), problems: [{ position: { line: Math.max(0, line - 1), character: 0 }, message: `CSV: ${(error as Error).message}` }] };
  }
  // csv-parse tells how many bytes it had read when each record ended (its line break included):
  // a record starts where the previous one ended, after any blank lines.
  let endBytes = 0;
  let endChars = bom;
  const placed = records.map(({ record, info }) => {
    let start = endChars;
    while (text[start] === '\r' || text[start] === '\n') start++;
    endChars += bytes.subarray(endBytes, info.bytes).toString('utf8').length;
    endBytes = info.bytes;
    return { record, position: lines.positionAt(start) };
  });
  const [header, ...body] = placed;
  if (!header) return { value: [], locate: () => ({ line: 0, character: 0 }), problems: [] };
  const rows = body.map(({ record, position }) => {
    const row: Record<string, string> = Object.create(null);
    header.record.forEach((name, column) => { row[name.trim()] = record[column] ?? ''; });
    // csv-parse gives no column offsets: a field's place is its row's, and messages name the column.
    return { row, locate: (() => position) as Locator };
  });
  return { value: undefined, locate: () => header.position, problems: [], rows };
}
