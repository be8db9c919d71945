// Exports of a comparison record, read back the way their readers read them: the Markdown table
// split into cells as GFM splits them, the CSV parsed as RFC 4180, model text that tries to break
// either (pipes, newlines, quotes, HTML, spreadsheet formulas).
import * as assert from 'node:assert/strict';
import type { CellResult, ComparisonRecord } from '../../src/core/comparison';
import { cellDisplayText, comparisonToCsv, comparisonToJson, comparisonToMarkdown, markdownCellText } from '../../src/core/comparisonExport';
import { newComparison } from '../../src/core/comparisonRun';
import { columnMetrics } from '../../src/core/metrics';

const HOSTILE = 'He said "hi", then | left\nline two\r\n=HYPERLINK("http://evil","x") <script>alert(1)</script> `code` \\|';

function result(text: string, more: Partial<CellResult> = {}): CellResult {
  return {
    text, finishReason: 'stop', usage: { promptTokens: 12, completionTokens: 4, estimated: true }, latencyMs: 1234.567, timeToFirstTokenMs: 89.4,
    tokensPerSecond: 3.14159, backend: 'openai', model: 'gpt-4o-mini', parameters: {}, warnings: [], ...more,
  };
}

/** Two temperatures × two samples: done (with hostile text), failed, stopped, done. */
function finished(reference?: string): ComparisonRecord {
  const record = newComparison({
    id: 'c1', createdAt: new Date('2025-01-02T03:04:05Z'), file: '/w/a|b.prompt', fileName: 'a|b.prompt', text: 'x', messages: [],
    backend: 'openai', model: 'gpt-4o-mini', axes: [{ name: 'temperature', values: [0, 1] }], samples: 2, seeds: [-3, 4],
    settings: { maxOutputTokens: 50 }, ...(reference !== undefined ? { reference } : {}),
    tokens: { total: 1234, parts: [{ name: 'instruction', tokens: 1000 }, { name: 'content', tokens: 227 }], overhead: 7, tokenizer: 'o200k_base', exact: true, contextWindow: 128_000, price: { input: 0.15, output: 0.6, source: 'built-in' } },
  });
  const [a, b, c, d] = record.cells;
  Object.assign(a!, { status: 'done', text: HOSTILE, result: result(HOSTILE) });
  Object.assign(b!, { status: 'failed', text: '', result: result('', { finishReason: 'error', error: { message: 'rate | limited\nretry' } }) });
  Object.assign(c!, { status: 'stopped', text: 'half a', result: result('half a', { finishReason: 'abort' }) });
  Object.assign(d!, { status: 'done', text: '-1 is a number', result: result('-1 is a number') });
  record.columns[0]!.metrics = columnMetrics([HOSTILE], reference);
  record.columns[1]!.metrics = columnMetrics(['-1 is a number'], reference);
  return record;
}

/** A table row's cells as GFM reads them: `|` splits unless escaped by a backslash. */
function gfmCells(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  for (let i = 0; i < line.length; i++) {
    if (line[i] === '\\' && i + 1 < line.length) { cell += line[i]! + line[++i]!; continue; }
    if (line[i] === '|') { cells.push(cell); cell = ''; continue; }
    cell += line[i];
  }
  cells.push(cell);
  return cells.slice(1, -1).map((text) => text.trim());
}

/** RFC 4180 records. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; }
      else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; }
    else if (ch === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; i++; }
    else {
      assert.ok(ch !== '\r' && ch !== '\n' && ch !== '"', `bare ${JSON.stringify(ch)} outside quotes at ${i}`);
      field += ch;
    }
  }
  assert.equal(field + row.join(''), '', 'the last record ends with CRLF');
  return rows;
}

describe('comparison exports', () => {
  it('JSON is the record, pretty-printed', () => {
    const record = finished();
    const json = comparisonToJson(record);
    assert.deepEqual(JSON.parse(json), record);
    assert.match(json, /^\{\n {2}"version": 1,/);
  });

  it('Markdown: a heading with what ran, the token budget, and one table cell per setting and sample', () => {
    const markdown = comparisonToMarkdown(finished());
    const lines = markdown.split('\n');
    assert.equal(lines[0], '# Comparison: a\\|b.prompt');
    assert.match(markdown, /^- Backend\/model: openai\/gpt-4o-mini$/m);
    assert.match(markdown, /^- Samples: 2 per setting, seeds -3, 4$/m);
    assert.match(markdown, /^- Date: 2025-01-02T03:04:05.000Z$/m);
    assert.match(markdown, /^- Tokens: 1,234 prompt tokens \(instruction 1,000 · content 227 · overhead 7\) of a 128,000-token context window, o200k_base; \$0\.15 in \/ \$0\.60 out per 1M tokens \(built-in\)$/m);
    const table = lines.filter((line) => line.startsWith('| '));
    assert.deepEqual(gfmCells(table[0]!), ['sample', 'temperature 0', 'temperature 1']);
    const [first, second] = table.slice(2, 4).map(gfmCells);
    assert.equal(first!.length, 3, 'the hostile text stays in its cell');
    assert.equal(first![0], '1 (seed -3)');
    assert.equal(first![1], markdownCellText(HOSTILE.trim()));
    // Brackets are escaped (no Markdown link or image from model text); they read the same rendered.
    assert.match(first![2]!, /^\\\[error\\\] rate \\\| limited<br>retry$/);
    assert.equal(second![1], '\\[stopped\\] half a');
    assert.equal(second![2], '-1 is a number');
    assert.doesNotMatch(markdown, /<script>|<\/script>/);
    assert.match(markdown, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    assert.equal(markdown.split('\n').filter((line) => line.includes('HYPERLINK')).length, 1, 'no raw newline from the model text');
  });

  it('Markdown: a metrics row per setting, with ROUGE and BLEU only against a reference', () => {
    const plain = comparisonToMarkdown(finished());
    const metricsHeader = plain.split('\n').find((line) => line.startsWith('| setting'))!;
    assert.deepEqual(gfmCells(metricsHeader), ['setting', 'mean length (words)', 'distinct-1', 'distinct-2', 'samples alike (ROUGE-L)']);
    const withReference = comparisonToMarkdown(finished('a number'));
    const lines = withReference.split('\n');
    const header = lines.findIndex((line) => line.startsWith('| setting'));
    assert.deepEqual(gfmCells(lines[header]!).slice(5), ['ROUGE-1', 'ROUGE-2', 'ROUGE-L', 'BLEU']);
    const row = gfmCells(lines[header + 3]!);
    assert.equal(row[0], 'temperature 1');
    assert.equal(row[1], '4.0');
    assert.equal(row[4], '–', 'one sample: nothing to compare it with');
    assert.ok(Number(row[5]) > 0 && Number(row[5]) <= 1);
  });

  it('CSV: RFC 4180, a row per cell, an axis per column, numbers as numbers', () => {
    const csv = comparisonToCsv(finished());
    assert.ok(csv.endsWith('\r\n'));
    const rows = parseCsv(csv);
    assert.deepEqual(rows[0], ['column', 'temperature', 'sample', 'seed', 'status', 'text', 'prompt tokens', 'completion tokens', 'tokens estimated',
      'latency ms', 'time to first token ms', 'tokens/s', 'finish reason', 'error']);
    assert.equal(rows.length, 5);
    assert.ok(rows.every((row) => row.length === 14));
    const [, a, b, c, d] = rows;
    assert.deepEqual(a!.slice(0, 5), ['temperature 0', '0', '1', '-3', 'done']);
    assert.equal(a![5], HOSTILE, 'quotes, commas, CR, LF survive a round trip; a formula only mid-text is left alone');
    assert.deepEqual(a!.slice(6), ['12', '4', 'true', '1235', '89', '3.14', 'stop', '']);
    assert.deepEqual([b![4], b![12], b![13]], ['failed', 'error', 'rate | limited\nretry']);
    assert.deepEqual([c![4], c![5], c![12]], ['stopped', 'half a', 'abort']);
    assert.equal(d![5], "'-1 is a number", 'text starting with - is guarded');
    assert.match(csv, /\r\ntemperature 1,1,1,-3,failed,/, 'our own negative numbers stay numbers, unquoted');
  });

  it('says where each column ran when the model is an axis: Markdown\'s header, CSV\'s backend and model name', () => {
    const record = newComparison({
      file: '/w/s.prompt', fileName: 's.prompt', text: 'x', messages: [], backend: 'local', model: '', samples: 1, seeds: [1], settings: {},
      axes: [{ name: 'model', values: ['local', 'gpt-4o'] }],
      targetOf: (id) => (id === 'local' ? { backend: 'local', model: '' } : { backend: 'openai', model: id }),
    });
    record.cells.forEach((cell, index) => Object.assign(cell, { status: 'done', text: `text ${index}`, result: result(`text ${index}`) }));
    assert.match(comparisonToMarkdown(record), /^- Backend\/model: model local → local\/default · model gpt-4o → openai\/gpt-4o$/m);
    const rows = parseCsv(comparisonToCsv(record));
    assert.deepEqual(rows[0]!.slice(0, 5), ['column', 'model', 'backend', 'model name', 'sample']);
    assert.deepEqual(rows.slice(1).map((row) => row.slice(0, 5)), [['model local', 'local', 'local', '', '1'], ['model gpt-4o', 'gpt-4o', 'openai', 'gpt-4o', '1']]);
    assert.ok(rows.every((row) => row.length === rows[0]!.length));
  });

  it('CSV: text that a spreadsheet would run as a formula gets a leading apostrophe', () => {
    const record = finished();
    const starts = ['=HYPERLINK("http://evil","click")', '+1+2', '-2+3', '@SUM(A1)', '\tTAB', '\rCR', 'plain'];
    record.cells = starts.map((text, index) => ({ column: 0, sample: index, status: 'done', text, result: result(text) }));
    const texts = parseCsv(comparisonToCsv(record)).slice(1).map((row) => row[5]);
    assert.deepEqual(texts, ["'=HYPERLINK(\"http://evil\",\"click\")", "'+1+2", "'-2+3", "'@SUM(A1)", "'\tTAB", "'\rCR", 'plain']);
    const error = { ...record.cells[0]!, status: 'failed' as const, result: result('', { error: { message: '=cmd|"/c calc"!A1' } }) };
    record.cells = [error];
    assert.equal(parseCsv(comparisonToCsv(record))[1]![13], "'=cmd|\"/c calc\"!A1");
  });

  it('says why a cell has no text', () => {
    assert.equal(cellDisplayText({ status: 'queued', text: '' }), '[queued]');
    assert.equal(cellDisplayText({ status: 'running', text: ' so far ' }), '[running] so far');
    assert.equal(cellDisplayText({ status: 'stopped', text: '' }), '[stopped]');
    assert.equal(cellDisplayText({ status: 'failed', text: 'partial', result: result('partial', { error: { message: 'timeout' } }) }), '[error] timeout');
  });
});
