// The panel's copy of an eval record, kept current from `eval/update` batches (changed in place, as
// comparisons are), and the index the matrix reads: which cells make up each test × column, so a
// batch redraws only the matrix cells it touched instead of summarizing the whole record again.
import {
  cellReason, cellVerdict, RUN_TEXT_LIMIT,
  type CellStatus, type EvalCell, type EvalRecord, type EvalTest, type HostToWebview, type TestColumnVerdict,
} from '../../../src/shared/protocol';
import { isEnded } from '../compare/comparisonModel';

export type EvalUpdate = HostToWebview['eval/update'];

/** What one batch touched: matrix cells (`test:column` keys) and columns, for the views to redraw. */
export interface EvalChanges {
  /** Indexes of record cells that changed. */
  cells: number[];
  /** `${test}:${column}` of the matrix cells whose status or grading changed (redrawn). */
  matrix: Set<string>;
  /** `${test}:${column}` of the matrix cells that only streamed text (the matrix shows none of it). */
  streamed: Set<string>;
  columns: Set<number>;
  /** Any cell's status changed (the header's counts). */
  statusChanged: boolean;
}

export const matrixKey = (test: number, column: number): string => `${test}:${column}`;

/** Applies one `eval/update` to `record`: per cell, reset, status, text, result, then grading. */
export function applyEvalUpdate(record: EvalRecord, update: EvalUpdate): EvalChanges {
  const changes: EvalChanges = { cells: [], matrix: new Set(), streamed: new Set(), columns: new Set(), statusChanged: false };
  for (const cellUpdate of update.cells) {
    const cell = record.cells[cellUpdate.index];
    if (!cell) continue;
    changes.cells.push(cellUpdate.index);
    const key = matrixKey(cell.test, cell.column);
    const redraw = Boolean(cellUpdate.reset || (cellUpdate.status && cellUpdate.status !== cell.status) || cellUpdate.result || cellUpdate.assertions || cellUpdate.outcome);
    if (redraw) {
      changes.matrix.add(key);
      changes.columns.add(cell.column);
    } else changes.streamed.add(key);
    if (cellUpdate.reset) {
      cell.text = '';
      delete cell.result;
      delete cell.assertions;
      delete cell.outcome;
      delete cell.cost;
      changes.statusChanged = true;
    }
    if (cellUpdate.status && cellUpdate.status !== cell.status) {
      cell.status = cellUpdate.status;
      changes.statusChanged = true;
    }
    if (cellUpdate.append && cell.text.length < RUN_TEXT_LIMIT) cell.text += cellUpdate.append.slice(0, RUN_TEXT_LIMIT - cell.text.length);
    if (cellUpdate.result) {
      cell.result = { ...cellUpdate.result, text: cellUpdate.result.text.slice(0, RUN_TEXT_LIMIT) };
      cell.text = cell.result.text;
      if (!cellUpdate.status && !isEnded(cell.status)) cell.status = statusOf(cell.result);
      changes.statusChanged = true;
    }
    if (cellUpdate.assertions) cell.assertions = cellUpdate.assertions;
    if (cellUpdate.outcome) cell.outcome = cellUpdate.outcome;
    if (cellUpdate.cost !== undefined) cell.cost = cellUpdate.cost;
  }
  return changes;
}

const statusOf = (result: NonNullable<EvalCell['result']>): CellStatus =>
  result.error ? 'failed' : result.finishReason === 'abort' ? 'stopped' : 'done';

/** One matrix cell: a test in a column, over its samples. */
export interface MatrixCell {
  verdict: TestColumnVerdict;
  /** Mean outcome score of the graded samples. */
  score?: number;
  /** The first failing reason. */
  reason: string;
  /** Samples that ended / all. */
  ended: number;
  samples: number;
  running: boolean;
}

/** Cell indexes by test and column, built once per record (the cells never move). */
export class EvalIndex {
  private readonly byKey = new Map<string, number[]>();

  constructor(readonly record: EvalRecord) {
    record.cells.forEach((cell, index) => {
      const key = matrixKey(cell.test, cell.column);
      const list = this.byKey.get(key);
      if (list) list.push(index);
      else this.byKey.set(key, [index]);
    });
  }

  /** The tests that ran (no problems), in dataset order. */
  get runTests(): EvalTest[] {
    return this.record.tests.filter((test) => test.problems.length === 0);
  }

  cellsOf(test: number, column: number): EvalCell[] {
    return (this.byKey.get(matrixKey(test, column)) ?? []).map((index) => this.record.cells[index]!);
  }

  cellIndexesOf(test: number, column: number): number[] {
    return this.byKey.get(matrixKey(test, column)) ?? [];
  }

  /** As the CLI's table (core testSummary): an error wins over a fail; pass when every sample passed. */
  matrixCell(test: number, column: number): MatrixCell {
    const cells = this.cellsOf(test, column);
    const verdicts = cells.map(cellVerdict);
    const scores = cells.flatMap((cell) => (cellVerdict(cell) !== undefined && cell.outcome ? [cell.outcome.score] : []));
    const firstBad = cells.find((cell) => { const verdict = cellVerdict(cell); return verdict === 'fail' || verdict === 'error'; });
    const verdict: TestColumnVerdict = verdicts.includes('error') ? 'error' : verdicts.includes('fail') ? 'fail'
      : cells.length > 0 && verdicts.every((v) => v === 'pass') ? 'pass' : 'pending';
    return {
      verdict,
      ...(scores.length > 0 ? { score: scores.reduce((a, b) => a + b, 0) / scores.length } : {}),
      reason: firstBad ? cellReason(firstBad) : '',
      ended: cells.filter((cell) => isEnded(cell.status)).length,
      samples: cells.length,
      running: cells.some((cell) => cell.status === 'running'),
    };
  }

  /** Does the test fail (or error) in `column`, or in any column when none is given? */
  fails(test: number, column?: number): boolean {
    const columns = column === undefined ? this.record.columns.map((_, index) => index) : [column];
    return columns.some((index) => {
      const { verdict } = this.matrixCell(test, index);
      return verdict === 'fail' || verdict === 'error';
    });
  }
}

export interface EvalProgress {
  total: number;
  ended: number;
  graded: number;
  passed: number;
  failed: number;
  stopped: number;
}

export function evalProgress(record: EvalRecord): EvalProgress {
  const progress = { total: record.cells.length, ended: 0, graded: 0, passed: 0, failed: 0, stopped: 0 };
  for (const cell of record.cells) {
    if (isEnded(cell.status)) progress.ended++;
    if (cell.status === 'stopped') progress.stopped++;
    const verdict = cellVerdict(cell);
    if (verdict === undefined) continue;
    progress.graded++;
    if (verdict === 'pass') progress.passed++;
    else progress.failed++;
  }
  return progress;
}

/** "running 12/40 cells", "done · 31/40 passed", "stopped · 3/10 passed". */
export function progressText({ total, ended, graded, passed, stopped }: EvalProgress): string {
  if (ended < total) return `running ${ended}/${total} cells${graded > 0 ? ` · ${passed}/${graded} passed` : ''}`;
  return `${stopped > 0 ? 'stopped' : 'done'} · ${passed}/${graded} passed`;
}

/** The expected answer a test gives, to diff an output against: its `expected` (or `reference`)
 * var when that is text. */
export function expectedOf(test: EvalTest | undefined): string | undefined {
  for (const name of ['expected', 'reference', 'answer']) {
    const value = test?.vars[name];
    if (typeof value === 'string') return value;
  }
  return undefined;
}

export const percent = (rate: number | undefined): string => (rate === undefined ? '–' : `${Math.round(rate * 100)}%`);
