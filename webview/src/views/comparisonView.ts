// The comparison section: header, token budget, metrics chart and the grid, for one comparison
// record. Built once per comparison (compare/started or a restored state); each batch then touches
// only the cells it names. Diffing: while a baseline cell is set, every other ended cell shows a
// word diff against it.
import type { ComparisonRecord, ExportFormat } from '../../../src/shared/protocol';
import { isEnded, type BatchChanges } from '../compare/comparisonModel';
import { el } from '../dom';
import { wordDiff } from '../wordDiff';
import { ComparisonHeader } from './comparisonHeader';
import { ComparisonGrid } from './comparisonGrid';
import { metricsChart } from './metricsChart';
import { TokenBudgetView } from './tokenBudgetView';

export interface ComparisonActions {
  stop(id: string, cell?: number): void;
  rerunColumn(id: string, column: number): void;
  export(id: string, format: ExportFormat): void;
  copyCell(id: string, cell: number): void;
  /** The baseline changed (undefined: diffing is off); the panel saves it. */
  baselineChanged(id: string, cell: number | undefined): void;
  /** The 👍/👎 and note controls for cell `cell` of comparison `id` (webview/src/history/). */
  feedback?(id: string, cell: number, where: string, text: () => string): HTMLElement;
}

export class ComparisonView {
  // The header's status is the only live region: streamed text must not be read out batch by batch.
  readonly element = el('section', { className: 'comparison', attributes: { 'aria-label': 'Comparison' } });
  private readonly header: ComparisonHeader;
  private readonly tokens = new TokenBudgetView();
  private readonly chartSlot = el('div', { className: 'chart-slot' });
  private readonly grid: ComparisonGrid;
  private record: ComparisonRecord | undefined;
  private baseline: number | undefined;
  /** The last baseline chosen, so Diff turned off and on again diffs against the same cell. */
  private lastBaseline = 0;

  constructor(private readonly actions: ComparisonActions) {
    const id = () => this.record?.id ?? '';
    this.header = new ComparisonHeader({
      stopAll: () => actions.stop(id()),
      export: (format) => actions.export(id(), format),
      toggleDiff: () => this.setBaseline(this.baseline === undefined ? this.lastBaseline : undefined),
    });
    this.grid = new ComparisonGrid({
      stop: (cell) => actions.stop(id(), cell),
      copy: (cell) => actions.copyCell(id(), cell),
      toggleBaseline: (cell) => this.setBaseline(this.baseline === cell ? undefined : cell),
      rerunColumn: (column) => actions.rerunColumn(id(), column),
      ...(actions.feedback ? { feedback: (cell: number, where: string, text: () => string) => actions.feedback!(id(), cell, where, text) } : {}),
    });
  }

  /** Shows `record` as it is (new, or restored with its texts and baseline); `restricted`: it
   * started in Restricted Mode. */
  show(record: ComparisonRecord | undefined, baseline?: number, restricted = false): void {
    this.record = record;
    if (!record) {
      this.element.replaceChildren();
      return;
    }
    this.baseline = baseline !== undefined && baseline < record.cells.length ? baseline : undefined;
    this.lastBaseline = this.baseline ?? 0;
    this.header.show(record);
    this.tokens.show(record);
    this.grid.show(record, restricted);
    this.renderChart();
    this.element.replaceChildren(this.header.element, this.tokens.element, this.chartSlot, this.grid.element);
    this.renderDiffs();
  }

  /** Reflects a batch already applied to the record (comparisonModel.applyUpdate). */
  apply(changes: BatchChanges): void {
    const record = this.record;
    if (!record) return;
    this.grid.apply(record, changes);
    this.header.update(record);
    const redrawn = changes.cells.filter((change) => change.settledOrStatus).map((change) => change.index);
    if (redrawn.length > 0) this.tokens.updateCost();
    if (changes.columns.length > 0) this.renderChart();
    // A redrawn cell shows its plain text again: diff it, or, when the baseline itself changed, all.
    if (this.baseline !== undefined && redrawn.length > 0) this.renderDiffs(redrawn.includes(this.baseline) ? undefined : redrawn);
  }

  private setBaseline(cell: number | undefined): void {
    if (!this.record) return;
    this.baseline = cell;
    if (cell !== undefined) this.lastBaseline = cell;
    this.renderDiffs();
    this.actions.baselineChanged(this.record.id, cell);
  }

  private renderChart(): void {
    const chart = this.record && metricsChart(this.record);
    this.chartSlot.replaceChildren(...(chart ? [chart] : []));
  }

  /** Diffs `only` these cells, or every cell. A cell shows a diff when diffing is on, the baseline
   * has ended, and the cell itself has ended with some text (a cell that failed before writing
   * anything is not "every word removed"); otherwise its own text. */
  private renderDiffs(only?: number[]): void {
    const record = this.record;
    if (!record) return;
    this.header.setDiff(this.baseline !== undefined);
    const base = this.baseline === undefined ? undefined : record.cells[this.baseline];
    const baseReady = base !== undefined && isEnded(base.status);
    for (const view of only ? only.map((index) => this.grid.cells[index]!) : this.grid.cells) {
      const cell = record.cells[view.index]!;
      const isBaseline = view.index === this.baseline;
      view.markBaseline(isBaseline);
      if (baseReady && !isBaseline && isEnded(cell.status) && cell.text !== '') view.showDiff(wordDiff(base.text, cell.text));
      else view.showText();
    }
  }
}
