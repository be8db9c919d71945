// A small line chart of the columns' diversity (distinct-2), how alike their samples are (mean
// pairwise ROUGE-L) and, with a reference, ROUGE-L against it: y from 0 to 1, one x position per
// column. Inline SVG built with createElementNS (no markup strings); colours come from classes
// styled with the theme's chart variables. Screen readers get a role="img" label stating every
// value, and the same words in the SVG's <title>.
import type { ComparisonRecord } from '../../../src/shared/protocol';
import { axisTitle, columnValues, type ColumnMetrics } from '../compare/comparisonModel';
import { el } from '../dom';
import { ratio } from '../format';

const SVG = 'http://www.w3.org/2000/svg';

interface Series {
  name: string;
  className: string;
  value(metrics: ColumnMetrics): number | undefined;
}

const SERIES: Series[] = [
  { name: 'diversity (distinct-2)', className: 'series-diversity', value: (m) => m.distinct2 },
  { name: 'samples alike (ROUGE-L)', className: 'series-alike', value: (m) => m.meanPairwiseRougeL },
  { name: 'vs reference (ROUGE-L)', className: 'series-reference', value: (m) => m.rougeL },
];

// Geometry in viewBox units and, at full size, in pixels; in a narrower panel the SVG shrinks to fit.
const HEIGHT = 150;
const MARGIN = { left: 34, right: 14, top: 10, bottom: 34 };
const STEP = 90;
/** Characters of a column's value that fit under it; a longer one (a model id) is cut, whole in its tooltip. */
const TICK_CHARACTERS = 14;

function svg(tag: string, attributes: Record<string, string | number> = {}, text?: string): SVGElement {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

/** The chart, or undefined while no column has numbers yet. */
export function metricsChart(record: ComparisonRecord): HTMLElement | undefined {
  const metrics = record.columns.map((column) => column.metrics);
  if (metrics.every((m) => m === undefined)) return undefined;
  const series = SERIES.filter((s) => metrics.some((m) => m && s.value(m) !== undefined));
  const count = record.columns.length;
  const width = MARGIN.left + MARGIN.right + Math.max(1, count) * STEP;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (column: number) => MARGIN.left + STEP * (column + 0.5);
  const y = (value: number) => MARGIN.top + plotHeight * (1 - Math.min(1, Math.max(0, value)));

  const axis = axisTitle(record) || 'setting';
  const summary = `Metrics by ${axis}, from 0 to 1. ${series.map((s) =>
    `${s.name}: ${record.columns.map((_, column) => `${columnValues(record, column)} ${ratio(metrics[column] && s.value(metrics[column]))}`).join(', ')}`).join('. ')}.`;

  const chart = svg('svg', { class: 'metrics-chart-svg', viewBox: `0 0 ${width} ${HEIGHT}`, width, height: HEIGHT, role: 'img', 'aria-label': summary, preserveAspectRatio: 'xMinYMid meet' });
  chart.append(svg('title', {}, summary));
  for (const tick of [0, 0.5, 1]) {
    chart.append(
      svg('line', { class: 'chart-grid', x1: MARGIN.left, x2: width - MARGIN.right, y1: y(tick), y2: y(tick) }),
      svg('text', { class: 'chart-tick', x: MARGIN.left - 6, y: y(tick) + 4, 'text-anchor': 'end' }, String(tick)),
    );
  }
  record.columns.forEach((_, column) => {
    const value = columnValues(record, column);
    const shown = value.length > TICK_CHARACTERS ? `${value.slice(0, TICK_CHARACTERS - 1)}…` : value;
    const tick = svg('text', { class: 'chart-tick', x: x(column), y: HEIGHT - MARGIN.bottom + 16, 'text-anchor': 'middle' }, shown);
    if (shown === value) {
      chart.append(tick);
    } else {
      const group = svg('g', { class: 'chart-column' });
      group.append(svg('title', {}, value), tick);
      chart.append(group);
    }
  });
  chart.append(svg('text', { class: 'chart-axis-title', x: MARGIN.left + (width - MARGIN.left - MARGIN.right) / 2, y: HEIGHT - 4, 'text-anchor': 'middle' }, axis));

  for (const s of series) {
    const group = svg('g', { class: `chart-series ${s.className}` });
    // Lines join neighbouring columns that both have a value; a column without one leaves a gap.
    let segment: string[] = [];
    const flush = () => {
      if (segment.length > 1) group.append(svg('polyline', { points: segment.join(' '), fill: 'none' }));
      segment = [];
    };
    metrics.forEach((m, column) => {
      const value = m && s.value(m);
      if (value === undefined) return flush();
      segment.push(`${x(column)},${y(value)}`);
      group.append(svg('circle', { cx: x(column), cy: y(value), r: 3 }));
    });
    flush();
    chart.append(group);
  }

  return el('figure', { className: 'metrics-chart' },
    chart,
    el('figcaption', { className: 'chart-legend' },
      ...series.map((s) => el('span', { className: `legend-item ${s.className}` }, el('span', { className: 'swatch', attributes: { 'aria-hidden': 'true' } }), s.name))),
  );
}
