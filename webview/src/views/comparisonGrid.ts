// The grid: a column per setting (its label and a Rerun button, then its metrics), a row per sample
// ("Sample 1 · seed 42"), a CellView per cell. A real <table>, so screen readers name each cell by
// its row and column headers; it scrolls sideways in its own box with the row headers kept in view.
import type { ComparisonRecord } from '../../../src/shared/protocol';
import { isEnded, sampleLabel, type BatchChanges } from '../compare/comparisonModel';
import { el } from '../dom';
import { CellView, type CellActions } from './cellView';
import { columnMetricsList } from './columnMetricsView';

export interface GridActions extends CellActions {
  rerunColumn(column: number): void;
}

export class ComparisonGrid {
  readonly element = el('div', { className: 'compare-grid-scroll' });
  /** Indexed like `record.cells`. */
  cells: CellView[] = [];
  private rerunButtons: HTMLButtonElement[] = [];
  private metricsCells: HTMLElement[] = [];

  constructor(private readonly actions: GridActions) {}

  /** `restricted`: the comparison started in Restricted Mode (its cells' traces say so). */
  show(record: ComparisonRecord, restricted: boolean): void {
    this.cells = record.cells.map((_, index) => new CellView(record, index, this.actions, restricted));
    this.rerunButtons = record.columns.map((column, index) => {
      const rerun = el('button', { className: 'action column-rerun', attributes: { type: 'button', title: `Run ${column.label} again` } }, 'Rerun') as HTMLButtonElement;
      rerun.addEventListener('click', () => {
        rerun.disabled = true;
        this.actions.rerunColumn(index);
      });
      return rerun;
    });
    this.metricsCells = record.columns.map((_, index) => el('td', { className: 'column-metrics-cell', attributes: { 'data-column': String(index) } }, columnMetricsList(record, index)));

    const rows: HTMLElement[] = [];
    for (let sample = 0; sample < record.samples; sample++) {
      const cells = this.cells.filter((view) => record.cells[view.index]!.sample === sample);
      if (cells.length === 0) continue;
      cells.sort((a, b) => record.cells[a.index]!.column - record.cells[b.index]!.column);
      rows.push(el('tr', { className: 'sample-row' },
        el('th', { className: 'row-header', attributes: { scope: 'row' } }, sampleLabel(record, sample)),
        ...cells.map((view) => view.element)));
    }
    const table = el('table', { className: 'compare-grid' },
      el('thead', {},
        el('tr', { className: 'column-headers' },
          el('td', { className: 'corner' }),
          ...record.columns.map((column, index) => el('th', { className: 'column-header', attributes: { scope: 'col', 'data-column': String(index) } },
            el('span', { className: 'column-label' }, column.label),
            this.rerunButtons[index]))),
        el('tr', { className: 'metrics-row' },
          el('th', { className: 'row-header', attributes: { scope: 'row' } }, 'Metrics'),
          ...this.metricsCells)),
      el('tbody', {}, ...rows));
    // Each column keeps a readable width (compare.css); past the panel's width the box scrolls.
    table.style.setProperty('--columns', String(record.columns.length));
    this.element.replaceChildren(table);
    this.updateRerun(record);
  }

  /** Redraws what a batch touched: appends streamed text, redraws cells that changed state. */
  apply(record: ComparisonRecord, changes: BatchChanges): void {
    for (const change of changes.cells) {
      const view = this.cells[change.index];
      if (!view) continue;
      if (change.settledOrStatus) view.refresh(change.reset);
      else view.append(change.appended);
    }
    // All columns, not only the changed ones: the first reference score adds rows to every column.
    if (changes.columns.length > 0) this.metricsCells.forEach((cell, column) => cell.replaceChildren(columnMetricsList(record, column)));
    if (changes.cells.some((change) => change.settledOrStatus)) this.updateRerun(record);
  }

  /** Rerun is offered for a column none of whose cells is still queued or running. */
  private updateRerun(record: ComparisonRecord): void {
    const busy = new Set(record.cells.filter((cell) => !isEnded(cell.status)).map((cell) => cell.column));
    this.rerunButtons.forEach((button, column) => { button.disabled = busy.has(column); });
  }
}
