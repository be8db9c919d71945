// A column's numbers over its finished samples, in the grid's metrics row: length, how varied the
// words are, how alike the samples are and, with a reference, how close they come to it. A dash
// until the host has sent them.
import type { ComparisonRecord } from '../../../src/shared/protocol';
import type { ColumnMetrics } from '../compare/comparisonModel';
import { el } from '../dom';
import { number, ratio, UNKNOWN } from '../format';

interface Row {
  name: string;
  /** What the number means, for the tooltip. */
  title: string;
  className: string;
  value(metrics: ColumnMetrics | undefined): string;
}

const ROWS: Row[] = [
  { name: 'Mean length', title: 'Mean number of words per sample', className: 'mean-length', value: (m) => (m ? `${number(m.meanWords, 1)} words` : UNKNOWN) },
  { name: 'Distinct-1', title: 'Distinct words / all words, over the column’s samples', className: 'distinct-1', value: (m) => ratio(m?.distinct1) },
  { name: 'Distinct-2', title: 'Distinct word pairs / all word pairs, over the column’s samples', className: 'distinct-2', value: (m) => ratio(m?.distinct2) },
  { name: 'Samples alike', title: 'Mean ROUGE-L between each pair of the column’s samples (1: identical)', className: 'samples-alike', value: (m) => ratio(m?.meanPairwiseRougeL) },
];

const REFERENCE_ROWS: Row[] = [
  { name: 'ROUGE-1', title: 'Mean ROUGE-1 F1 against the reference', className: 'rouge-1', value: (m) => ratio(m?.rouge1) },
  { name: 'ROUGE-2', title: 'Mean ROUGE-2 F1 against the reference', className: 'rouge-2', value: (m) => ratio(m?.rouge2) },
  { name: 'ROUGE-L', title: 'Mean ROUGE-L F1 against the reference', className: 'rouge-l', value: (m) => ratio(m?.rougeL) },
  { name: 'BLEU', title: 'Mean sentence BLEU (0–100) against the reference', className: 'bleu', value: (m) => (m?.bleu === undefined ? UNKNOWN : number(m.bleu, 1)) },
];

/** The rows a comparison shows: the reference's only when it has one (or the host sent them). */
function rowsFor(record: ComparisonRecord): Row[] {
  const hasReference = record.reference !== undefined || record.columns.some((column) => column.metrics?.rougeL !== undefined);
  return hasReference ? [...ROWS, ...REFERENCE_ROWS] : ROWS;
}

/** The `<dl>` of column `index`'s metrics. */
export function columnMetricsList(record: ComparisonRecord, index: number): HTMLElement {
  const metrics = record.columns[index]?.metrics;
  return el('dl', { className: 'column-metrics' },
    ...rowsFor(record).map((row) => el('div', { className: `metric ${row.className}`, attributes: { title: row.title } },
      el('dt', {}, row.name),
      el('dd', {}, row.value(metrics)))));
}
