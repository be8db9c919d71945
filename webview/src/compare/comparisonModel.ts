// The panel's copy of a comparison record, kept current from `compare/update` batches. The record
// is changed in place (it is the panel state's `comparison`): a batch touches a few cells of a
// record whose texts may be long, and copying it per batch would cost more than the DOM work.
import { isSettled, RUN_TEXT_LIMIT, type CellResult, type CellStatus, type ColumnMetrics, type ComparisonRecord, type HostToWebview } from '../../../src/shared/protocol';

export { isSettled, type ColumnMetrics };

export type ComparisonUpdate = HostToWebview['compare/update'];
export type ComparisonCell = ComparisonRecord['cells'][number];

/** What one batch did to one cell, for the view to redraw that cell only. */
export interface CellChange {
  index: number;
  /** The text was cleared (the column runs again). */
  reset: boolean;
  /** Text added at the end, after the cap: what the view appends. */
  appended: string;
  /** Status or result changed: the view redraws the cell's status, numbers and text. */
  settledOrStatus: boolean;
}

export interface BatchChanges {
  cells: CellChange[];
  /** Columns whose metrics arrived or were cleared. */
  columns: number[];
}

export const isEnded = (status: CellStatus): boolean => status !== 'queued' && status !== 'running';

/** The status a result implies, for a host that sends a result without a status. */
const statusOf = (result: CellResult): CellStatus =>
  result.error ? 'failed' : result.finishReason === 'abort' ? 'stopped' : 'done';

/** Applies one `compare/update` to `record`: per cell, reset, then status, then text, then result. */
export function applyUpdate(record: ComparisonRecord, update: ComparisonUpdate): BatchChanges {
  const changes = new Map<number, CellChange>();
  const columns = new Set<number>();
  for (const cellUpdate of update.cells) {
    const cell = record.cells[cellUpdate.index];
    if (!cell) continue; // an index this record does not have: nothing to show it in
    const change = changes.get(cellUpdate.index) ?? { index: cellUpdate.index, reset: false, appended: '', settledOrStatus: false };
    changes.set(cellUpdate.index, change);
    if (cellUpdate.reset) {
      cell.text = '';
      delete cell.result;
      change.reset = true;
      change.appended = '';
      change.settledOrStatus = true;
      // The column's numbers were over texts that are gone now.
      const column = record.columns[cell.column];
      if (column?.metrics) {
        delete column.metrics;
        columns.add(cell.column);
      }
    }
    if (cellUpdate.status && cellUpdate.status !== cell.status) {
      cell.status = cellUpdate.status;
      change.settledOrStatus = true;
    }
    if (cellUpdate.append && cell.text.length < RUN_TEXT_LIMIT) {
      const added = cellUpdate.append.slice(0, RUN_TEXT_LIMIT - cell.text.length);
      cell.text += added;
      change.appended += added;
    }
    if (cellUpdate.result) {
      const result = { ...cellUpdate.result, text: cellUpdate.result.text.slice(0, RUN_TEXT_LIMIT) };
      cell.result = result;
      cell.text = result.text;
      if (!cellUpdate.status && !isEnded(cell.status)) cell.status = statusOf(result);
      change.settledOrStatus = true;
    }
  }
  for (const { index, metrics } of update.columns ?? []) {
    const column = record.columns[index];
    if (!column) continue;
    column.metrics = metrics;
    columns.add(index);
  }
  return { cells: [...changes.values()], columns: [...columns] };
}

export interface StatusCounts {
  total: number;
  ended: number;
  failed: number;
  stopped: number;
}

export function statusCounts(record: ComparisonRecord): StatusCounts {
  const counts = { total: record.cells.length, ended: 0, failed: 0, stopped: 0 };
  for (const { status } of record.cells) {
    if (isEnded(status)) counts.ended++;
    if (status === 'failed') counts.failed++;
    if (status === 'stopped') counts.stopped++;
  }
  return counts;
}

/** "running 7/20", "done", "stopped · 2 failed". */
export function statusSummary({ total, ended, failed, stopped }: StatusCounts): string {
  const overall = ended < total ? `running ${ended}/${total}` : stopped > 0 ? 'stopped' : 'done';
  return failed > 0 ? `${overall} · ${failed} failed` : overall;
}

/** The short label of a column for chart axes: its values (`0.7`, `0.7 · 1`), the axis names
 * being said once in the axis title. */
export function columnValues(record: ComparisonRecord, column: number): string {
  const settings = record.columns[column]?.settings ?? {};
  const values = Object.values(settings);
  return values.length > 0 ? values.join(' · ') : (record.columns[column]?.label ?? String(column + 1));
}

export const axisTitle = (record: ComparisonRecord): string => record.axes.map((axis) => axis.name).join(' · ');

/** "Sample 1 · seed 42": rows count from 1 for people; the seed says which row is which run. */
export function sampleLabel(record: ComparisonRecord, sample: number): string {
  const seed = record.seeds[sample];
  return seed === undefined ? `Sample ${sample + 1}` : `Sample ${sample + 1} · seed ${seed}`;
}
