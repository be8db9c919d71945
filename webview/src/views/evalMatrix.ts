// The eval matrix: a row per test that ran, a column per setting, each cell a button with the
// test's verdict in that column (✓ pass, ✗ fail, ! error, … pending) and its score; a summary row of
// pass rates per column. A real <table> (screen readers name a cell by its test and column); built
// once per eval, then a batch redraws only the cells, the summary cells and the rows it touched.
import { columnSummary, testName, type EvalRecord, type TestColumnVerdict } from '../../../src/shared/protocol';
import { el } from '../dom';
import { ratio } from '../format';
import { EvalIndex, matrixKey, percent, type EvalChanges } from '../eval/evalModel';

export interface MatrixActions {
  open(test: number, column: number): void;
}

export interface MatrixFilter {
  failuresOnly: boolean;
  column?: number;
}

const SYMBOLS: Record<TestColumnVerdict, string> = { pass: '✓', fail: '✗', error: '!', pending: '…' };
const WORDS: Record<TestColumnVerdict, string> = { pass: 'passed', fail: 'failed', error: 'error', pending: 'pending' };

export class EvalMatrix {
  readonly element = el('div', { className: 'eval-matrix-scroll' });
  private index: EvalIndex | undefined;
  private readonly buttons = new Map<string, HTMLButtonElement>();
  private readonly rows = new Map<number, HTMLTableRowElement>();
  private summaryCells: HTMLElement[] = [];
  private columnCells: HTMLElement[][] = [];
  private filter: MatrixFilter = { failuresOnly: false };
  private selected: string | undefined;
  /** Matrix cells drawn since the record was shown: what the tests measure as rendering work. */
  renders = 0;

  constructor(private readonly actions: MatrixActions) {}

  show(index: EvalIndex, filter: MatrixFilter): void {
    this.index = index;
    this.filter = filter;
    this.buttons.clear();
    this.rows.clear();
    this.renders = 0;
    const { record } = index;
    this.columnCells = record.columns.map(() => []);
    const header = el('tr', { className: 'eval-column-headers' },
      el('th', { className: 'corner', attributes: { scope: 'col' } }, 'Test'),
      ...record.columns.map((column, c) => this.columnCell(c, el('th', { className: 'eval-column-header', attributes: { scope: 'col' } }, column.label))));
    this.summaryCells = record.columns.map((_, c) => this.columnCell(c, el('td', { className: 'eval-pass-rate' })));
    const summary = el('tr', { className: 'eval-summary-row' },
      el('th', { className: 'row-header', attributes: { scope: 'row' } }, 'Pass rate'), ...this.summaryCells);
    const body = index.runTests.map((test) => {
      const name = testName(test);
      const cells = record.columns.map((column, c) => {
        const button = el('button', { className: 'eval-cell', attributes: { type: 'button', 'data-test': String(test.index), 'data-column': String(c) } }) as HTMLButtonElement;
        button.addEventListener('click', () => this.actions.open(test.index, c));
        this.buttons.set(matrixKey(test.index, c), button);
        this.drawCell(test.index, c, name, column.label);
        return this.columnCell(c, el('td', {}, button));
      });
      const row = el('tr', { className: 'eval-test-row', attributes: { 'data-test': String(test.index) } },
        el('th', { className: 'row-header eval-test-name', attributes: { scope: 'row', title: `${test.file}:${test.position.line + 1}` } }, name),
        ...cells) as HTMLTableRowElement;
      this.rows.set(test.index, row);
      return row;
    });
    this.element.replaceChildren(el('table', { className: 'eval-matrix' },
      el('thead', {}, header, summary),
      el('tbody', {}, ...body)));
    record.columns.forEach((_, c) => this.drawSummary(record, c));
    this.applyFilter(filter);
    this.markSelected(this.selected);
  }

  /** Redraws what a batch touched. */
  apply(changes: EvalChanges): void {
    const index = this.index;
    if (!index) return;
    for (const key of changes.matrix) {
      const [test, column] = key.split(':').map(Number) as [number, number];
      if (!this.buttons.has(key)) continue;
      this.drawCell(test, column, testName(index.record.tests[test]!), index.record.columns[column]!.label);
      if (this.filter.failuresOnly) this.rows.get(test)!.hidden = !index.fails(test, this.filter.column);
    }
    for (const column of changes.columns) this.drawSummary(index.record, column);
  }

  applyFilter(filter: MatrixFilter): void {
    this.filter = filter;
    const index = this.index;
    if (!index) return;
    this.columnCells.forEach((cells, column) => {
      for (const cell of cells) cell.hidden = filter.column !== undefined && filter.column !== column;
    });
    for (const [test, row] of this.rows) row.hidden = filter.failuresOnly && !index.fails(test, filter.column);
  }

  /** Rows shown now (after the filters). */
  get shownTests(): number[] {
    return [...this.rows].filter(([, row]) => !row.hidden).map(([test]) => test);
  }

  markSelected(key: string | undefined): void {
    if (this.selected) this.buttons.get(this.selected)?.setAttribute('aria-expanded', 'false');
    this.selected = key;
    if (key) this.buttons.get(key)?.setAttribute('aria-expanded', 'true');
  }

  focusCell(test: number, column: number): void {
    this.buttons.get(matrixKey(test, column))?.focus();
  }

  private columnCell(column: number, cell: HTMLElement): HTMLElement {
    cell.setAttribute('data-column', String(column));
    this.columnCells[column]!.push(cell);
    return cell;
  }

  private drawCell(test: number, column: number, name: string, columnLabel: string): void {
    const button = this.buttons.get(matrixKey(test, column));
    if (!button || !this.index) return;
    const cell = this.index.matrixCell(test, column);
    this.renders++;
    const samples = cell.samples > 1 ? ` (${cell.ended}/${cell.samples} samples)` : '';
    button.className = `eval-cell verdict-${cell.verdict}`;
    button.setAttribute('aria-label', `${name}, ${columnLabel}: ${WORDS[cell.verdict]}${cell.score !== undefined ? `, score ${ratio(cell.score)}` : ''}${samples}`);
    button.setAttribute('aria-busy', String(cell.running));
    button.title = cell.reason;
    button.replaceChildren(
      el('span', { className: 'eval-verdict', attributes: { 'aria-hidden': 'true' } }, SYMBOLS[cell.verdict]),
      el('span', { className: 'eval-score', attributes: { 'aria-hidden': 'true' } }, cell.score !== undefined ? ratio(cell.score) : ''),
    );
  }

  private drawSummary(record: EvalRecord, column: number): void {
    const cell = this.summaryCells[column];
    if (!cell) return;
    const summary = columnSummary(record, column);
    const text = summary.graded === 0 ? '–' : `${percent(summary.passRate)} · ${summary.passed}/${summary.graded}`;
    if (cell.textContent !== text) cell.textContent = text;
    cell.title = summary.graded === 0 ? 'Nothing graded yet'
      : `${summary.passed} passed, ${summary.failed - summary.errors} failed, ${summary.errors} errors; mean score ${ratio(summary.scores.score)}`;
  }
}
