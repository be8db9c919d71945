// Datasets of test cases, in promptfoo's shape so that promptfoo's test files load unchanged: a
// list of tests, or `{ tests: [...], defaultTest }`, as YAML, JSON, JSONL or CSV. Every test knows
// where it was written; a bad test is marked with its problems (file:line:column and field) and the
// others still run. Nothing here throws on what a user wrote.
import type { Position } from '../diagnostics';
import { validateInput, type JsonSchema } from '../inputValidation';
import { assertionFromString } from './assertionString';
import { ASSERTION_TYPES, parseAssertionType, SCORE_THRESHOLD_TYPES, THRESHOLD_REQUIRED_TYPES } from './assertions/registry';
import { parseSource, type FieldPath, type Locator } from './sources';
import type { Assertion, Dataset, DatasetProblem, LoadedTest, TestCase } from './types';

/** `summarize.prompt` → `summarize.tests.yaml`, beside it. */
export function datasetFileFor(promptFile: string): string {
  return promptFile.replace(/\.prompt$/i, '') + '.tests.yaml';
}

/** Names that would reach Object.prototype (or look like it) if used as keys: refused. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const fieldName = (path: FieldPath): string =>
  path.reduce<string>((name, segment) => (typeof segment === 'number' ? `${name}[${segment}]` : name ? `${name}.${segment}` : segment), '');

/** Collects problems for one test (or for defaultTest), each placed by the test's locator. */
class Problems {
  readonly list: DatasetProblem[] = [];
  constructor(private readonly file: string, private readonly locate: Locator, private readonly prefix: FieldPath, private readonly test?: number) {}

  add(path: FieldPath, message: string, key = false): void {
    const full = [...this.prefix, ...path];
    const problem: DatasetProblem = { file: this.file, position: this.locate(full, key), field: fieldName(path), message };
    if (this.test !== undefined) problem.test = this.test;
    this.list.push(problem);
  }
}

/** Reads a dataset's text; `file` names it in messages and picks the format by its extension. */
export function loadDataset(text: string, file: string): Dataset {
  const source = parseSource(text, file);
  const fileProblems: DatasetProblem[] = source.problems.map((problem) => ({ file, position: problem.position, field: '', message: problem.message }));
  if (source.value === undefined && !source.rows) return { file, tests: [], problems: fileProblems };

  if (source.rows) {
    const tests = source.rows.map(({ row, locate }, index) => {
      const problems = new Problems(file, locate, [], index);
      return loaded(testFromCsvRow(row, problems), index, file, locate([]), problems, csvVarPositions(row, locate));
    });
    return { file, tests, problems: [...fileProblems, ...tests.flatMap((test) => test.problems)] };
  }

  const value = source.value;
  let rawTests: unknown[];
  let testsPath: FieldPath = [];
  let defaults: TestCase | undefined;
  const defaultProblems = new Problems(file, source.locate, ['defaultTest']);
  if (Array.isArray(value)) {
    rawTests = value;
  } else if (isRecord(value) && Array.isArray(value.tests)) {
    rawTests = value.tests;
    testsPath = ['tests'];
    if (value.defaultTest !== undefined) {
      if (isRecord(value.defaultTest)) defaults = normalizeTest(value.defaultTest, defaultProblems, true);
      else defaultProblems.add([], 'defaultTest must be a mapping (a `file://` reference is not read: put the defaults inline)');
    }
  } else {
    const message = isRecord(value) && typeof value.tests === 'string'
      ? `tests: ${JSON.stringify(value.tests)} refers to another file, which Prompt Lab does not follow: give the tests inline or open that file as the dataset`
      : 'A dataset is a list of tests, or a mapping with `tests:` (a list) and optionally `defaultTest:`';
    return { file, tests: [], problems: [{ file, position: source.locate([]), field: isRecord(value) ? 'tests' : '', message }] };
  }

  const tests = rawTests.map((raw, index) => {
    const path = [...testsPath, index];
    const problems = new Problems(file, source.locate, path, index);
    const test = isRecord(raw) ? normalizeTest(raw, problems, false) : (problems.add([], `A test must be a mapping with vars and assert, not ${describe(raw)}`), { vars: {} });
    const merged = defaults ? mergeDefaultTest(defaults, test) : test;
    return loaded(merged, index, file, source.locate(path), problems, yamlVarPositions(source.locate, path, test.vars));
  });
  const own = tests.flatMap((test) => test.problems);
  // A test cannot run with broken defaults: it carries their problems too.
  for (const test of tests) test.problems.push(...defaultProblems.list.map((problem) => ({ ...problem, test: test.index })));
  // JSONL: lines that do not parse are reported, and the other lines load.
  return { file, tests, problems: [...fileProblems, ...defaultProblems.list, ...own] };
}

function loaded(test: TestCase, index: number, file: string, position: Position, problems: Problems, varPositions: Record<string, Position>): LoadedTest {
  return { ...test, file, position, index, problems: problems.list, varPositions };
}

function yamlVarPositions(locate: Locator, path: FieldPath, vars: Record<string, unknown>): Record<string, Position> {
  const positions: Record<string, Position> = Object.create(null);
  for (const name of Object.keys(vars)) positions[name] = locate([...path, 'vars', name], true);
  return positions;
}

function csvVarPositions(row: Record<string, string>, locate: Locator): Record<string, Position> {
  const positions: Record<string, Position> = Object.create(null);
  for (const name of Object.keys(row)) positions[name] = locate([name]);
  return positions;
}

/** promptfoo's merge (src/util/testCaseReader, defaultTest): vars and options merged with the test's
 * winning, assertions concatenated, defaults' first. */
export function mergeDefaultTest(defaults: Partial<TestCase>, test: TestCase): TestCase {
  const merged: TestCase = { ...defaults, ...test, vars: { ...defaults.vars, ...test.vars } };
  const assert = [...(defaults.assert ?? []), ...(test.assert ?? [])];
  if (assert.length > 0 || test.assert) merged.assert = assert;
  if (defaults.options || test.options) merged.options = { ...defaults.options, ...test.options };
  if (defaults.metadata || test.metadata) merged.metadata = { ...defaults.metadata, ...test.metadata };
  return merged;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'string' ? `the text ${JSON.stringify(value.length > 30 ? `${value.slice(0, 30)}…` : value)}` : `a ${typeof value}`;
}

function checkKeys(value: unknown, path: FieldPath, problems: Problems): void {
  if (Array.isArray(value)) value.forEach((item, index) => checkKeys(item, [...path, index], problems));
  else if (isRecord(value)) {
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key)) problems.add([...path, key], `\`${key}\` cannot be used as a name (it is reserved in JavaScript objects)`, true);
      else checkKeys(value[key], [...path, key], problems);
    }
  }
}

/** A test's fields checked one by one; what is wrong is reported and left out. */
function normalizeTest(raw: Record<string, unknown>, problems: Problems, isDefault: boolean): TestCase {
  const test: TestCase = { vars: {} };
  checkKeys(raw.vars, ['vars'], problems);
  for (const key of Object.keys(raw)) if (FORBIDDEN_KEYS.has(key)) problems.add([key], `\`${key}\` cannot be used as a name (it is reserved in JavaScript objects)`, true);
  if (raw.description !== undefined) {
    if (typeof raw.description === 'string') test.description = raw.description;
    else problems.add(['description'], `description must be text, not ${describe(raw.description)}`);
  }
  if (raw.vars !== undefined && raw.vars !== null) {
    if (isRecord(raw.vars)) {
      for (const [name, value] of Object.entries(raw.vars)) if (!FORBIDDEN_KEYS.has(name)) test.vars[name] = value;
    } else problems.add(['vars'], `vars must be a mapping of input names to values, not ${describe(raw.vars)}${typeof raw.vars === 'string' ? ' (`file://` vars are not read)' : ''}`);
  }
  if (raw.assert !== undefined && raw.assert !== null) {
    if (Array.isArray(raw.assert)) {
      test.assert = [];
      raw.assert.forEach((item, index) => {
        const assertion = normalizeAssertion(item, ['assert', index], problems);
        if (assertion) test.assert!.push(assertion);
      });
    } else problems.add(['assert'], `assert must be a list of assertions, not ${describe(raw.assert)}`);
  }
  if (raw.options !== undefined && raw.options !== null) {
    if (isRecord(raw.options)) test.options = { ...raw.options };
    else problems.add(['options'], `options must be a mapping, not ${describe(raw.options)}`);
  }
  const threshold = raw.threshold ?? (isRecord(raw.options) ? raw.options.threshold : undefined);
  if (threshold !== undefined) {
    if (isFiniteNumber(threshold)) test.threshold = threshold;
    else problems.add([raw.threshold !== undefined ? 'threshold' : 'options'], `threshold must be a number, not ${describe(threshold)}`);
  }
  if (raw.metadata !== undefined && isRecord(raw.metadata)) test.metadata = { ...raw.metadata };
  if (!isDefault && raw.vars === undefined && raw.assert === undefined && problems.list.length === 0 && Object.keys(raw).length === 0) {
    problems.add([], 'This test is empty: give it vars and assert');
  }
  return test;
}

const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

function normalizeAssertion(raw: unknown, path: FieldPath, problems: Problems): Assertion | undefined {
  if (!isRecord(raw)) {
    problems.add(path, `An assertion must be a mapping with a type, e.g. \`- type: contains\\n  value: Paris\`, not ${describe(raw)}`);
    return undefined;
  }
  for (const key of Object.keys(raw)) if (FORBIDDEN_KEYS.has(key)) problems.add([...path, key], `\`${key}\` cannot be used as a name (it is reserved in JavaScript objects)`, true);
  if (typeof raw.type !== 'string') {
    problems.add([...path, raw.type === undefined ? '' : 'type'].filter(Boolean), raw.type === undefined ? 'This assertion has no type' : `type must be text, not ${describe(raw.type)}`);
    return undefined;
  }
  const { base } = parseAssertionType(raw.type);
  if (!base) {
    problems.add([...path, 'type'], `Unknown assertion type \`${raw.type}\` (Prompt Lab knows ${ASSERTION_TYPES.join(', ')}, each also as not-…)`);
    return undefined;
  }
  const assertion: Assertion = { type: raw.type };
  let ok = true;
  if (raw.value !== undefined) assertion.value = raw.value;
  if (raw.threshold !== undefined && raw.threshold !== null) {
    const threshold = raw.threshold;
    if (!isFiniteNumber(threshold)) {
      problems.add([...path, 'threshold'], `threshold must be a number, not ${describe(threshold)}`);
      ok = false;
    } else if (SCORE_THRESHOLD_TYPES.has(base) && (threshold < 0 || threshold > 1)) {
      problems.add([...path, 'threshold'], `threshold of ${base} is a score from 0 to 1, not ${threshold}`);
      ok = false;
    } else if (threshold < 0) {
      problems.add([...path, 'threshold'], `threshold of ${base} cannot be negative (${threshold})`);
      ok = false;
    } else assertion.threshold = threshold;
  } else if (THRESHOLD_REQUIRED_TYPES.has(base)) {
    problems.add(path, `${raw.type} needs a threshold (${base === 'latency' ? 'milliseconds' : 'the most it may cost'})`);
    ok = false;
  }
  if (raw.weight !== undefined) {
    if (isFiniteNumber(raw.weight) && raw.weight >= 0) assertion.weight = raw.weight;
    else { problems.add([...path, 'weight'], `weight must be a number ≥ 0, not ${describe(raw.weight)}`); ok = false; }
  }
  if (raw.metric !== undefined) {
    if (typeof raw.metric === 'string') assertion.metric = raw.metric;
    else { problems.add([...path, 'metric'], `metric must be text, not ${describe(raw.metric)}`); ok = false; }
  }
  if (raw.provider !== undefined) assertion.provider = raw.provider;
  return ok ? assertion : undefined;
}

/** A CSV row as promptfoo reads it (src/csv.ts, testCaseFromCsvRow): `__expected*` columns are
 * assertions, `__description`, `__metric`, `__threshold`, `__prefix`, `__suffix` are what they say,
 * every other column is a var. */
function testFromCsvRow(row: Record<string, string>, problems: Problems): TestCase {
  const test: TestCase = { vars: {} };
  const asserts: Assertion[] = [];
  let metric: string | undefined;
  for (const [column, value] of Object.entries(row)) {
    if (column.startsWith('__expected')) {
      if (value.trim() === '') continue;
      const parsed = assertionFromString(value);
      const assertion = normalizeAssertion(parsed, [column], problems);
      if (assertion) asserts.push(assertion);
    } else if (column === '__description') test.description = value;
    else if (column === '__metric') metric = value;
    else if (column === '__threshold') {
      if (value.trim() === '') continue;
      const threshold = Number(value);
      if (Number.isFinite(threshold)) test.threshold = threshold;
      else problems.add([column], `Column __threshold must be a number, not ${JSON.stringify(value)}`);
    } else if (column === '__prefix' || column === '__suffix') {
      test.options = { ...test.options, [column.slice(2)]: value };
    } else if (FORBIDDEN_KEYS.has(column)) {
      problems.add([column], `Column \`${column}\` cannot be used as a var name (it is reserved in JavaScript objects)`);
    } else test.vars[column] = value;
  }
  if (metric) for (const assertion of asserts) assertion.metric = metric;
  test.assert = asserts;
  return test;
}

/** The test's vars (over the prompt's `input.default`) checked against the prompt's input schema,
 * each problem placed at the var it concerns. */
export function validateVars(test: LoadedTest, inputSchema: JsonSchema | undefined | null, defaults: Record<string, unknown> = {}): DatasetProblem[] {
  const positions = test.varPositions;
  return validateInput({ ...defaults, ...test.vars }, inputSchema).map((problem) => {
    const name = /^[^.[]*/.exec(problem.path)![0];
    const position = (name && positions?.[name]) || test.position;
    return { file: test.file, position, field: problem.path ? `vars.${problem.path}` : 'vars', message: problem.message, test: test.index };
  });
}
