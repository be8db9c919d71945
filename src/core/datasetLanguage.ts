// What the editor says about a dataset file (`story.tests.yaml` beside `story.prompt`): the
// dataset's own problems (loadDataset: syntax, shapes, unknown assertion types, bad thresholds) and,
// when the prompt beside it is known, each test's vars checked against its input schema
// (validateVars); and where, in a YAML dataset, completions of assertion types and var names apply.
// Pure: the extension turns these into diagnostics and completion items.
import type { CheckedPrompt } from './check/checkPrompt';
import { loadDataset, validateVars, type DatasetProblem } from './eval';
import { inputSchemaOf } from './render';

/** A dataset file's name: `<prompt>.tests.yaml|yml|json|jsonl|csv`. */
export const DATASET_FILE = /\.tests\.(ya?ml|json|jsonl|csv)$/i;

export const isDatasetFile = (fileName: string): boolean => DATASET_FILE.test(fileName);

/** `story.tests.yaml` → `story.prompt` (the prompt whose dataset it is); undefined for other names. */
export function promptFileForDataset(fileName: string): string | undefined {
  return DATASET_FILE.test(fileName) ? fileName.replace(DATASET_FILE, '.prompt') : undefined;
}

/** Every problem of the dataset `text` (named `file`), with each test's vars checked against
 * `prompt`'s input schema when the prompt is given and checks clean. A test whose own shape is
 * broken is not checked further: its vars are not what the author meant yet. */
export async function datasetProblems(text: string, file: string, prompt?: CheckedPrompt): Promise<DatasetProblem[]> {
  const dataset = loadDataset(text, file);
  const problems = [...dataset.problems];
  if (!prompt?.ok) return problems;
  const schema = await inputSchemaOf(prompt);
  if (!schema) return problems;
  const defaults = prompt.frontmatter.defaults ?? {};
  for (const test of dataset.tests) {
    if (test.problems.length === 0) problems.push(...validateVars(test, schema, defaults));
  }
  return problems;
}

/** What a YAML dataset expects at a position: an assertion type after `type:`, or a var name as a
 * key under `vars:`. `start` is where the word being typed begins. */
export type DatasetCompletionSite =
  | { kind: 'assertionType'; start: number }
  | { kind: 'varName'; start: number; existing: string[] };

const indentOf = (line: string): number => /^ */.exec(line)![0].length;
/** A list item's dash counts as indentation: `- vars:` opens a mapping at the column of `vars`. */
const keyColumn = (line: string): number => /^[ ]*(?:-[ ]+)*/.exec(line)![0].length;

export function datasetCompletionSite(text: string, offset: number): DatasetCompletionSite | undefined {
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  const before = text.slice(lineStart, offset);
  const type = /^[ ]*(?:-[ ]+)?type:[ ]*(["']?)([\w-]*)$/.exec(before);
  if (type) return { kind: 'assertionType', start: offset - type[2]!.length };
  const key = /^([ ]*)([\w-]*)$/.exec(before);
  if (!key) return undefined;
  const column = key[1]!.length;
  // The nearest line above that is less indented is the mapping this key belongs to.
  const lines = text.slice(0, lineStart).split('\n');
  const siblings: string[] = [];
  for (let index = lines.length - 1; index >= 0; index--) {
    const line = lines[index]!;
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    if (indentOf(line) >= column && keyColumn(line) === column) {
      const sibling = /^[ ]*(?:-[ ]+)?([\w-]+):/.exec(line);
      if (sibling) siblings.push(sibling[1]!);
      continue;
    }
    if (keyColumn(line) >= column) continue;
    if (!/^[ ]*(?:-[ ]+)?vars:[ ]*(#.*)?$/.test(line)) return undefined;
    // Keys after the cursor count too: the user completes a missing one.
    for (const after of text.slice(offset).split('\n').slice(1)) {
      if (after.trim() === '') continue;
      if (keyColumn(after) < column || indentOf(after) < column) break;
      const sibling = indentOf(after) === column ? /^[ ]*([\w-]+):/.exec(after) : null;
      if (sibling) siblings.push(sibling[1]!);
    }
    return { kind: 'varName', start: offset - key[2]!.length, existing: siblings };
  }
  return undefined;
}
