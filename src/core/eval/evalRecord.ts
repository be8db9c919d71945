// The eval record: a comparison record over a dataset. Its rows are (test, sample) pairs, a
// column per compare-axis value as in a comparison; every cell also knows its test and, once it
// ended, its assertions' results and outcome. Summaries (per column: pass rate, mean score per
// metric, cost, latency; per test: which columns pass) are pure functions of the cells, so the
// panel, the CLI and the exports compute them the same way, also for a record half run.
import type { ComparisonCell, ComparisonColumn, ComparisonRecord, TokenBudget } from '../comparison';
import type { TextMessage } from '../render';
import type { AssertionResult, DatasetProblem, SourceLocation, TestOutcome } from './types';

/** A test as the record keeps it: what a reader needs to find and understand it. */
export interface EvalTest extends SourceLocation {
  /** Index in the dataset (0-based), as its problems name it. */
  index: number;
  description?: string;
  /** The vars after defaultTest and the prompt's defaults, as the prompt was rendered with. */
  vars: Record<string, unknown>;
  /** Why it did not run (bad vars, a bad assertion): a test with problems has no cells. */
  problems: DatasetProblem[];
  /** The messages the prompt file rendered to with these vars (a `shots` or `variant` column sends
   * others): what history's preference pairs give as the prompt of a rated cell. */
  messages?: TextMessage[];
}

/** What one cell's output concluded. `error`: the cell failed or an assertion could not be evaluated. */
export type CellVerdict = 'pass' | 'fail' | 'error';

export interface EvalCell extends ComparisonCell {
  /** The test (index in `EvalRecord.tests`) this cell's row runs. */
  test: number;
  /** The sample of that test (0-based); `sample` is the row. */
  testSample: number;
  /** Present once the cell ended as done or failed (a stopped cell is not graded). */
  assertions?: AssertionResult[];
  outcome?: TestOutcome;
  /** USD for this call, when the model's price is known. */
  cost?: number;
  /** The response came from the cache. */
  cached?: true;
}

export interface EvalColumnSummary {
  /** Graded cells (done or failed, with an outcome). */
  graded: number;
  passed: number;
  failed: number;
  /** Of the failed: a cell that errored or an assertion that could not be evaluated. */
  errors: number;
  /** passed / graded; undefined before a cell was graded. */
  passRate?: number;
  /** Mean score per named metric, and `score` for the test's overall score. */
  scores: Record<string, number>;
  /** Sum of the graded cells' costs, when every one is known. */
  cost?: number;
  meanLatencyMs?: number;
}

export interface EvalColumn extends ComparisonColumn {
  eval?: EvalColumnSummary;
}

/** A test × column: pass when every sample passed, fail when one failed, pending while one has no outcome. */
export type TestColumnVerdict = CellVerdict | 'pending';

export interface EvalTestSummary {
  /** Index in `EvalRecord.tests`. */
  test: number;
  /** Per column. */
  columns: TestColumnVerdict[];
  /** Per column, the first failing reason (empty when it passed or is pending). */
  reasons: string[];
}

export interface EvalRecord extends Omit<ComparisonRecord, 'cells' | 'columns'> {
  kind: 'eval';
  /** The dataset file (a path in the CLI, a URI in the editor). */
  dataset: string;
  /** Samples per test (`samples` counts rows: tests that run × samples per test). */
  samplesPerTest: number;
  /** Every test of the dataset, those skipped included. */
  tests: EvalTest[];
  /** Problems with the dataset as a whole, and the tests' (they did not run). */
  problems: DatasetProblem[];
  /** The judge backend/model of model-graded assertions, when one was given. */
  judge?: string;
  columns: EvalColumn[];
  /** Row by row: (test 0, sample 0) of every column, then (test 0, sample 1), … */
  cells: EvalCell[];
  /** Filled by summarizeEval. */
  summary?: EvalSummary;
}

export interface EvalSummary {
  tests: EvalTestSummary[];
  /** Over every graded cell. */
  passRate?: number;
  graded: number;
  passed: number;
  /** Tests skipped for their problems. */
  skipped: number;
}

/** The comparison record as an eval record: every row (test, sample) mapped to its test. `rows` is
 * the test of each row in order, `samplesPerTest` the samples each. */
export function evalRecordOf(comparison: ComparisonRecord, params: {
  dataset: string; tests: EvalTest[]; problems: DatasetProblem[]; rows: number[]; samplesPerTest: number; judge?: string;
}): EvalRecord {
  const { cells, columns, ...rest } = comparison;
  return {
    ...rest,
    kind: 'eval',
    dataset: params.dataset,
    samplesPerTest: params.samplesPerTest,
    tests: params.tests,
    problems: params.problems,
    ...(params.judge !== undefined ? { judge: params.judge } : {}),
    columns: columns.map((column) => ({ ...column })),
    cells: cells.map((cell) => {
      const row = params.rows[Math.floor(cell.sample / params.samplesPerTest)];
      if (row === undefined) throw new Error(`the eval has no test for row ${cell.sample}`);
      return { ...cell, test: row, testSample: cell.sample % params.samplesPerTest };
    }),
  };
}

/** A cell's verdict, or undefined while it has none (queued, running, stopped). */
export function cellVerdict(cell: Pick<EvalCell, 'status' | 'outcome'>): CellVerdict | undefined {
  if (cell.status === 'failed') return 'error';
  if (!cell.outcome) return undefined;
  if (cell.outcome.error) return 'error';
  return cell.outcome.pass ? 'pass' : 'fail';
}

/** Why a cell did not pass: the failed run's error, or its outcome's reason. */
export function cellReason(cell: Pick<EvalCell, 'status' | 'outcome' | 'result'>): string {
  if (cell.status === 'failed') return `the run failed: ${cell.result?.error?.message ?? 'unknown error'}`;
  return cell.outcome?.reason ?? '';
}

/** USD for a call from the token budget's price (undefined when unknown). */
export function callCost(tokens: TokenBudget | undefined, usage: { promptTokens: number; completionTokens: number } | undefined): number | undefined {
  if (!tokens?.price || !usage) return undefined;
  return (usage.promptTokens * tokens.price.input + usage.completionTokens * tokens.price.output) / 1_000_000;
}

/** The grading of one column's ended cells. */
export function columnSummary(record: Pick<EvalRecord, 'cells'>, column: number): EvalColumnSummary {
  const graded = record.cells.filter((cell) => cell.column === column && cellVerdict(cell) !== undefined);
  const verdicts = graded.map(cellVerdict);
  const passed = verdicts.filter((v) => v === 'pass').length;
  const errors = verdicts.filter((v) => v === 'error').length;
  const sums: Record<string, { sum: number; count: number }> = Object.create(null);
  const add = (name: string, value: number) => {
    const entry = (sums[name] ??= { sum: 0, count: 0 });
    entry.sum += value;
    entry.count++;
  };
  for (const cell of graded) {
    add('score', cell.outcome?.score ?? 0);
    for (const [name, value] of Object.entries(cell.outcome?.namedScores ?? {})) add(name, value);
  }
  const scores: Record<string, number> = {};
  for (const [name, { sum, count }] of Object.entries(sums)) scores[name] = sum / count;
  const costs = graded.map((cell) => cell.cost);
  const latencies = graded.flatMap((cell) => (cell.result ? [cell.result.latencyMs] : []));
  return {
    graded: graded.length, passed, failed: graded.length - passed, errors,
    ...(graded.length > 0 ? { passRate: passed / graded.length } : {}),
    scores,
    ...(graded.length > 0 && costs.every((cost) => cost !== undefined) ? { cost: costs.reduce((a, b) => a! + b!, 0) } : {}),
    ...(latencies.length > 0 ? { meanLatencyMs: latencies.reduce((a, b) => a + b, 0) / latencies.length } : {}),
  };
}

/** Per column, whether the test passes: every sample passed; an error wins over a fail. */
export function testSummary(record: Pick<EvalRecord, 'cells' | 'columns'>, test: number): EvalTestSummary {
  const columns: TestColumnVerdict[] = [];
  const reasons: string[] = [];
  record.columns.forEach((_, column) => {
    const cells = record.cells.filter((cell) => cell.test === test && cell.column === column);
    const verdicts = cells.map(cellVerdict);
    const firstBad = cells.find((cell) => { const v = cellVerdict(cell); return v === 'fail' || v === 'error'; });
    const verdict: TestColumnVerdict = verdicts.includes('error') ? 'error' : verdicts.includes('fail') ? 'fail'
      : cells.length > 0 && verdicts.every((v) => v === 'pass') ? 'pass' : 'pending';
    columns.push(verdict);
    reasons.push(firstBad ? cellReason(firstBad) : '');
  });
  return { test, columns, reasons };
}

/** Fills in every column's summary and the record's; returns the record's. */
export function summarizeEval(record: EvalRecord): EvalSummary {
  record.columns.forEach((column, index) => { column.eval = columnSummary(record, index); });
  const runTests = record.tests.flatMap((test, position) => (test.problems.length === 0 ? [position] : []));
  const graded = record.columns.reduce((sum, column) => sum + (column.eval?.graded ?? 0), 0);
  const passed = record.columns.reduce((sum, column) => sum + (column.eval?.passed ?? 0), 0);
  const summary: EvalSummary = {
    tests: runTests.map((position) => testSummary(record, position)),
    ...(graded > 0 ? { passRate: passed / graded } : {}),
    graded, passed,
    skipped: record.tests.length - runTests.length,
  };
  record.summary = summary;
  return summary;
}

/** True when every test that ran passed in every column (and none is pending or skipped). */
export function evalPassed(record: EvalRecord): boolean {
  const summary = record.summary ?? summarizeEval(record);
  return summary.skipped === 0 && summary.tests.every((test) => test.columns.every((verdict) => verdict === 'pass'));
}

/** A test's name for tables and reports: its description, else its vars, else its number. */
export function testName(test: Pick<EvalTest, 'index' | 'description' | 'vars'>): string {
  if (test.description) return test.description;
  const vars = Object.entries(test.vars).map(([name, value]) => `${name}=${typeof value === 'string' ? value : JSON.stringify(value)}`).join(', ');
  return vars ? vars : `test ${test.index + 1}`;
}
