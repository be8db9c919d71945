// The eval section: a header (what ran, how far it is, Stop, Rerun failed, Export ▾), the filters
// (failures only, one column), the matrix of tests × columns, the tests skipped for their problems,
// and the opened cell's detail. Built once per eval; each batch touches only what it changed.
import { isSettled, type EvalExportFormat, type EvalRecord, type EvalViewState } from '../../../src/shared/protocol';
import { applyEvalUpdate, EvalIndex, evalProgress, matrixKey, progressText, type EvalUpdate } from '../eval/evalModel';
import { ExportMenu } from '../components/exportMenu';
import { actionButton, el } from '../dom';
import { plural } from '../format';
import { EvalCellDetail } from './evalCellDetail';
import { EvalMatrix } from './evalMatrix';

export interface EvalActions {
  stop(id: string, cell?: number): void;
  rerunFailed(id: string): void;
  export(id: string, format: EvalExportFormat): void;
  /** The filters or the opened cell changed; the panel saves them. */
  viewChanged(view: EvalViewState): void;
  /** The feedback controls of cell `cell` of eval `id` (history/feedbackRegistry.ts). */
  feedback?(id: string, cell: number, what: string, text: () => string): HTMLElement;
}

const FORMATS: { format: EvalExportFormat; label: string }[] = [
  { format: 'markdown', label: 'Markdown' },
  { format: 'csv', label: 'CSV' },
  { format: 'json', label: 'JSON' },
  { format: 'junit', label: 'JUnit XML' },
];

export class EvalView {
  readonly element = el('section', { className: 'evaluation', attributes: { 'aria-label': 'Evaluation' } });
  private readonly status = el('span', { className: 'pill eval-status', attributes: { role: 'status', 'aria-live': 'polite' } });
  private readonly stopAll: HTMLButtonElement;
  private readonly rerunFailed: HTMLButtonElement;
  private readonly exportMenu: ExportMenu<EvalExportFormat>;
  private readonly failuresOnly = el('input', { className: 'eval-failures-only', id: 'eval-failures-only', attributes: { type: 'checkbox' } }) as HTMLInputElement;
  private readonly columnSelect = el('select', { className: 'eval-column-filter', id: 'eval-column-filter' }) as HTMLSelectElement;
  private readonly emptyNote = el('p', { className: 'note eval-empty' }, 'No test fails in the columns shown.');
  private readonly matrix: EvalMatrix;
  private readonly detail: EvalCellDetail;
  private index: EvalIndex | undefined;
  private view: EvalViewState = { evaluation: '', failuresOnly: false };
  /** The eval shown started in Restricted Mode: its samples' traces say so. */
  private restricted = false;

  constructor(private readonly actions: EvalActions) {
    const id = () => this.index?.record.id ?? '';
    this.stopAll = actionButton('Stop all', 'eval-stop-all', () => {
      this.stopAll.disabled = true;
      actions.stop(id());
    });
    this.rerunFailed = actionButton('Rerun failed', 'eval-rerun-failed', () => {
      this.rerunFailed.disabled = true;
      actions.rerunFailed(id());
    });
    this.rerunFailed.title = 'Run the cells that failed or errored again';
    this.exportMenu = new ExportMenu('eval-export', FORMATS, (format) => actions.export(id(), format));
    this.failuresOnly.addEventListener('change', () => this.setView({ ...this.view, failuresOnly: this.failuresOnly.checked }));
    this.columnSelect.addEventListener('change', () => {
      const value = this.columnSelect.value;
      const next = { ...this.view };
      delete next.column;
      this.setView(value === '' ? next : { ...next, column: Number(value) });
    });
    this.matrix = new EvalMatrix({ open: (test, column) => this.openCell(this.isOpen(test, column) ? undefined : { test, column }) });
    this.detail = new EvalCellDetail({
      close: () => {
        const open = this.view.open;
        this.openCell(undefined);
        if (open) this.matrix.focusCell(open.test, open.column);
      },
      stop: (cell) => actions.stop(id(), cell),
      ...(actions.feedback ? { feedback: (cell: number, what: string, text: () => string) => actions.feedback!(id(), cell, what, text) } : {}),
    });
  }

  get record(): EvalRecord | undefined {
    return this.index?.record;
  }

  /** Matrix cells drawn since the eval was shown (for tests of rendering work). */
  get renders(): number {
    return this.matrix.renders;
  }

  /** Shows `record` (new, or restored) with the saved view when it belongs to it; `restricted`: it
   * started in Restricted Mode. */
  show(record: EvalRecord | undefined, saved?: EvalViewState, restricted = false): void {
    this.restricted = restricted;
    if (!record) {
      this.index = undefined;
      this.element.replaceChildren();
      return;
    }
    this.index = new EvalIndex(record);
    const view = saved?.evaluation === record.id ? saved : { evaluation: record.id, failuresOnly: false };
    this.view = {
      ...view,
      ...(view.column !== undefined && view.column >= record.columns.length ? { column: undefined } : {}),
    };
    if (this.view.column === undefined) delete this.view.column;
    this.failuresOnly.checked = this.view.failuresOnly;
    this.columnSelect.replaceChildren(
      el('option', { attributes: { value: '' } }, 'All columns'),
      ...record.columns.map((column, index) => el('option', { attributes: { value: String(index) } }, column.label)));
    this.columnSelect.value = this.view.column === undefined ? '' : String(this.view.column);
    this.stopAll.disabled = false;
    this.exportMenu.setOpen(false);
    const skipped = record.tests.filter((test) => test.problems.length > 0);
    this.matrix.show(this.index, this.view);
    this.matrix.markSelected(this.view.open && matrixKey(this.view.open.test, this.view.open.column));
    this.detail.show(this.index, this.view.open, this.restricted);
    this.element.replaceChildren(
      el('header', { className: 'compare-header eval-header' },
        el('div', { className: 'compare-summary' },
          el('h2', { className: 'compare-title', attributes: { title: record.dataset } }, `Eval · ${record.prompt.fileName}`),
          el('span', { className: 'pill eval-shape' }, `${plural(record.tests.length - skipped.length, 'test')} × ${plural(record.columns.length, 'column')}${record.samplesPerTest > 1 ? ` × ${plural(record.samplesPerTest, 'sample')}` : ''}`),
          record.judge !== undefined && el('span', { className: 'pill eval-judge-pill' }, `judge ${record.judge}`),
          this.status),
        el('div', { className: 'compare-actions' },
          this.stopAll, this.rerunFailed,
          this.exportMenu.element)),
      el('div', { className: 'eval-filters', attributes: { role: 'group', 'aria-label': 'Filters' } },
        el('label', { attributes: { for: 'eval-failures-only' } }, this.failuresOnly, ' Failures only'),
        el('label', { attributes: { for: 'eval-column-filter' } }, 'Column ', this.columnSelect)),
      this.matrix.element,
      this.emptyNote,
      ...(skipped.length > 0 ? [el('details', { className: 'eval-skipped' },
        el('summary', {}, `${plural(skipped.length, 'test')} skipped for problems`),
        el('ul', {}, ...skipped.map((test) => el('li', {}, ...test.problems.map((problem) =>
          el('div', {}, `${problem.file}:${problem.position.line + 1}:${problem.position.character + 1} ${problem.field ? `${problem.field}: ` : ''}${problem.message}`))))))] : []),
      this.detail.element,
    );
    this.updateHeader();
  }

  /** Applies a batch to the record and redraws what it touched. */
  update(update: EvalUpdate): void {
    const index = this.index;
    if (!index || update.id !== index.record.id) return;
    const changes = applyEvalUpdate(index.record, update);
    this.matrix.apply(changes);
    const open = this.view.open;
    const openKey = open && matrixKey(open.test, open.column);
    // The eval ending also redraws the opened cell: its outputs can be rated from then on.
    const ended = changes.statusChanged && isSettled(index.record);
    if (open && openKey && (ended || changes.matrix.has(openKey) || changes.streamed.has(openKey))) this.detail.show(index, open, this.restricted);
    if (changes.statusChanged) this.updateHeader();
    if (this.view.failuresOnly) this.updateEmptyNote();
  }

  private isOpen(test: number, column: number): boolean {
    return this.view.open?.test === test && this.view.open.column === column;
  }

  private openCell(open: { test: number; column: number } | undefined): void {
    const next = { ...this.view };
    delete next.open;
    this.setView(open ? { ...next, open } : next);
  }

  private setView(view: EvalViewState): void {
    this.view = view;
    const index = this.index;
    if (!index) return;
    this.matrix.applyFilter(view);
    this.matrix.markSelected(view.open && matrixKey(view.open.test, view.open.column));
    this.detail.show(index, view.open, this.restricted);
    this.updateEmptyNote();
    this.actions.viewChanged(view);
  }

  private updateEmptyNote(): void {
    this.emptyNote.hidden = !this.view.failuresOnly || this.matrix.shownTests.length > 0;
  }

  private updateHeader(): void {
    const record = this.index?.record;
    if (!record) return;
    const progress = evalProgress(record);
    const text = progressText(progress);
    if (this.status.textContent !== text) this.status.textContent = text;
    const settled = progress.ended === progress.total;
    if (settled && document.activeElement === this.stopAll) this.exportMenu.toggle.focus();
    this.stopAll.hidden = settled;
    this.rerunFailed.hidden = !settled || progress.failed === 0;
    this.rerunFailed.disabled = false;
    this.updateEmptyNote();
  }

}
