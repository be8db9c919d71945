// The comparison's header: what ran (file, backend · model, settings × samples, seeds), how far it
// is (the one live region of the comparison: announced politely as cells end), and the actions on
// the whole comparison: Stop all, Export ▾ (Markdown, CSV, JSON) and the Diff toggle.
import type { ComparisonRecord, ExportFormat } from '../../../src/shared/protocol';
import { isSettled, statusCounts, statusSummary } from '../compare/comparisonModel';
import { ExportMenu } from '../components/exportMenu';
import { actionButton, el } from '../dom';
import { plural } from '../format';

export interface HeaderActions {
  stopAll(): void;
  export(format: ExportFormat): void;
  toggleDiff(): void;
}

const FORMATS: { format: ExportFormat; label: string }[] = [
  { format: 'markdown', label: 'Markdown' },
  { format: 'csv', label: 'CSV' },
  { format: 'json', label: 'JSON' },
];

/** Seeds listed up to a handful; past that the list says how many more. */
function seedsText(seeds: readonly number[]): string {
  const shown = seeds.slice(0, 8).join(', ');
  return `${seeds.length === 1 ? 'seed' : 'seeds'} ${shown}${seeds.length > 8 ? `, … (${seeds.length})` : ''}`;
}

/** `openai · gpt-4o-mini`; under a model axis, each column's own (`local · stories260K, openai · gpt-4o`). */
function targetText(record: ComparisonRecord): string {
  const text = (backend: string, model: string) => `${backend}${model ? ` · ${model}` : ''}`;
  if (!record.columns.some((column) => column.backend !== undefined)) return text(record.backend, record.model);
  return [...new Set(record.columns.map((column) => text(column.backend ?? record.backend, column.model ?? record.model)))].join(', ');
}

export class ComparisonHeader {
  readonly element = el('header', { className: 'compare-header' });
  private readonly status = el('span', { className: 'pill compare-status', attributes: { role: 'status', 'aria-live': 'polite' } });
  private readonly stopAll: HTMLButtonElement;
  private readonly diff: HTMLButtonElement;
  private readonly exportMenu: ExportMenu<ExportFormat>;

  constructor(actions: HeaderActions) {
    this.stopAll = actionButton('Stop all', 'compare-stop-all', () => {
      this.stopAll.disabled = true;
      actions.stopAll();
    });
    this.diff = actionButton('Diff', 'compare-diff', () => actions.toggleDiff());
    this.diff.title = 'Show each finished cell as a word diff against the baseline cell';
    this.exportMenu = new ExportMenu('export', FORMATS, (format) => actions.export(format));
  }

  show(record: ComparisonRecord): void {
    const target = targetText(record);
    this.stopAll.disabled = false;
    this.exportMenu.setOpen(false);
    this.element.replaceChildren(
      el('div', { className: 'compare-summary' },
        el('h2', { className: 'compare-title', attributes: { title: record.prompt.file } }, `Comparison · ${record.prompt.fileName}`),
        el('span', { className: 'pill compare-target' }, target),
        el('span', { className: 'pill compare-shape' }, `${plural(record.columns.length, 'setting')} × ${plural(record.samples, 'sample')}`),
        record.seeds.length > 0 && el('span', { className: 'pill compare-seeds' }, seedsText(record.seeds)),
        this.status,
      ),
      el('div', { className: 'compare-actions' },
        this.stopAll,
        this.exportMenu.element,
        this.diff,
      ),
    );
    this.update(record);
  }

  /** The status line and Stop all, after a batch. Text is set only when it changes, so the live
   * region speaks when a cell ends, not on every batch of tokens. */
  update(record: ComparisonRecord): void {
    const summary = statusSummary(statusCounts(record));
    if (this.status.textContent !== summary) this.status.textContent = summary;
    const settled = isSettled(record);
    // Stop all pressed from the keyboard disappears once everything ended: focus stays in the header.
    if (settled && document.activeElement === this.stopAll) this.exportMenu.toggle.focus();
    this.stopAll.hidden = settled;
  }

  setDiff(on: boolean): void {
    this.diff.setAttribute('aria-pressed', String(on));
  }

}
