// An eval record as a file: Markdown for reading (a row per test, a column per setting, ✓/✗ with
// the first failing reason, then each column's pass rate and scores), CSV for a spreadsheet (a row
// per cell), JSON for tools, JUnit XML for CI (a testcase per test × column). Model text and the
// judge's words are untrusted: they must not break a table, become a formula, inject HTML or
// break the XML.
import { csvField, markdownCellText } from '../comparisonExport';
import { cellReason, cellVerdict, summarizeEval, testName, type EvalRecord, type TestColumnVerdict } from './evalRecord';

export function evalToJson(record: EvalRecord): string {
  summarizeEval(record);
  return `${JSON.stringify(record, null, 2)}\n`;
}

const MARK: Record<TestColumnVerdict, string> = { pass: '✓', fail: '✗', error: '✗ error', pending: '…' };

const percent = (rate: number | undefined) => (rate === undefined ? '–' : `${(rate * 100).toFixed(0)}%`);
const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim();
const row = (cells: string[]) => `| ${cells.join(' | ')} |`;

/** `✓`, or `✗ contains: Expected output to contain "Paris"` (cut to `width` characters). */
export function verdictText(verdict: TestColumnVerdict, reason: string, width = 120): string {
  if (verdict === 'pass' || verdict === 'pending') return MARK[verdict];
  const text = oneLine(reason);
  return text ? `${MARK[verdict]} ${text.length > width ? `${text.slice(0, width - 1)}…` : text}` : MARK[verdict];
}

export function evalToMarkdown(record: EvalRecord): string {
  const summary = summarizeEval(record);
  const lines = [
    `# Eval: ${markdownCellText(oneLine(record.prompt.fileName))}`,
    '',
    `- File: ${markdownCellText(oneLine(record.prompt.file))} (sha256 ${record.prompt.sha256})`,
    `- Dataset: ${markdownCellText(oneLine(record.dataset))}, ${record.tests.length} tests${summary.skipped ? ` (${summary.skipped} skipped)` : ''}, ${record.samplesPerTest} sample${record.samplesPerTest === 1 ? '' : 's'} each`,
    `- Backend/model: ${markdownCellText(`${record.backend}/${record.model || 'default'}`)}${record.judge ? ` · judge ${markdownCellText(record.judge)}` : ''}`,
    `- Pass rate: ${percent(summary.passRate)} (${summary.passed}/${summary.graded})`,
    `- Date: ${record.createdAt}`,
    '',
    row(['test', ...record.columns.map((column) => markdownCellText(column.label))]),
    row(['---', ...record.columns.map(() => '---')]),
  ];
  for (const test of summary.tests) {
    lines.push(row([markdownCellText(oneLine(testName(record.tests[test.test]!))), ...test.columns.map((verdict, column) => markdownCellText(verdictText(verdict, test.reasons[column] ?? '')))]));
  }
  lines.push(row(['**pass rate**', ...record.columns.map((column) => percent(column.eval?.passRate))]));
  const metrics = [...new Set(record.columns.flatMap((column) => Object.keys(column.eval?.scores ?? {})))];
  lines.push('', '## Columns', '', row(['setting', 'passed', 'errors', ...metrics.map((name) => (name === 'score' ? 'mean score' : `mean ${markdownCellText(name)}`)), 'cost (USD)', 'mean latency ms']));
  lines.push(row(['---', '---', '---', ...metrics.map(() => '---'), '---', '---']));
  for (const column of record.columns) {
    const e = column.eval;
    lines.push(row([
      markdownCellText(column.label), e ? `${e.passed}/${e.graded}` : '–', e ? String(e.errors) : '–',
      ...metrics.map((name) => (e?.scores[name] === undefined ? '–' : e.scores[name]!.toFixed(2))),
      e?.cost === undefined ? '–' : e.cost.toFixed(6), e?.meanLatencyMs === undefined ? '–' : e.meanLatencyMs.toFixed(0),
    ]));
  }
  const skipped = record.tests.filter((test) => test.problems.length > 0);
  if (skipped.length > 0 || record.problems.some((problem) => problem.test === undefined)) {
    lines.push('', '## Problems', '');
    for (const problem of record.problems) {
      lines.push(`- ${markdownCellText(oneLine(`${problem.file}:${problem.position.line + 1}:${problem.position.character + 1}${problem.field ? ` ${problem.field}` : ''}: ${problem.message}`))}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

/** One row per cell, in the record's order; tests and samples numbered from 1. */
export function evalToCsv(record: EvalRecord): string {
  const axes = record.axes.map((axis) => axis.name);
  const header = ['test', 'description', 'vars', 'column', ...axes, 'sample', 'seed', 'status', 'verdict', 'score', 'reason', 'text',
    'prompt tokens', 'completion tokens', 'latency ms', 'cost usd', 'cached', 'assertions'];
  const rows: (string | number | boolean | undefined)[][] = [header];
  for (const cell of record.cells) {
    const test = record.tests[cell.test];
    const column = record.columns[cell.column];
    const verdict = cellVerdict(cell);
    rows.push([
      (test?.index ?? cell.test) + 1, test?.description, test ? JSON.stringify(test.vars) : undefined, column?.label, ...axes.map((axis) => column?.settings[axis]),
      cell.testSample + 1, cell.seed, cell.status, verdict, cell.outcome === undefined ? undefined : Number(cell.outcome.score.toFixed(4)),
      verdict === 'pass' ? undefined : cellReason(cell) || undefined, cell.text,
      cell.result?.usage.promptTokens, cell.result?.usage.completionTokens, cell.result === undefined ? undefined : Math.round(cell.result.latencyMs),
      cell.cost, cell.cached, cell.assertions?.map((a) => `${a.type}: ${a.error ? 'error' : a.pass ? 'pass' : 'fail'} (${a.score.toFixed(2)}) ${a.reason}`).join('\n'),
    ]);
  }
  return rows.map((fields) => `${fields.map(csvField).join(',')}\r\n`).join('');
}

/** Text safe in XML 1.0 content and attribute values: the five entities escaped; characters XML
 * cannot hold at all (most C0 controls, lone surrogates, U+FFFE/U+FFFF) replaced by U+FFFD. */
export function xmlText(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

/** JUnit XML: a testsuite per column, a testcase per test in it; a failed test × column is a
 * <failure> (an <error> when something could not be evaluated), a skipped test <skipped> with its problems. */
export function evalToJunit(record: EvalRecord): string {
  const summary = summarizeEval(record);
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const suites: string[] = [];
  let totalTests = 0, totalFailures = 0, totalErrors = 0, totalSkipped = 0;
  record.columns.forEach((column, columnIndex) => {
    const cases: string[] = [];
    let failures = 0, errors = 0, skipped = 0, time = 0;
    record.tests.forEach((test, position) => {
      const name = xmlText(`${test.index + 1}. ${oneLine(testName(test))}`);
      const classname = xmlText(`${record.prompt.fileName}.${column.label}`);
      if (test.problems.length > 0) {
        skipped++;
        const message = test.problems.map((p) => `${p.file}:${p.position.line + 1}:${p.position.character + 1}${p.field ? ` ${p.field}` : ''}: ${p.message}`).join('\n');
        cases.push(`    <testcase name="${name}" classname="${classname}" time="0"><skipped message="${xmlText(message)}"/></testcase>`);
        return;
      }
      const cells = record.cells.filter((cell) => cell.test === position && cell.column === columnIndex);
      const ms = cells.reduce((sum, cell) => sum + (cell.result?.latencyMs ?? 0), 0);
      time += ms;
      const verdict = summary.tests.find((t) => t.test === position)?.columns[columnIndex] ?? 'pending';
      const reason = summary.tests.find((t) => t.test === position)?.reasons[columnIndex] ?? '';
      const output = cells.map((cell) => `sample ${cell.testSample + 1}: ${cellVerdict(cell) ?? cell.status}\n${cell.text}\n${(cell.assertions ?? []).map((a) => `  ${a.type}: ${a.error ? 'error' : a.pass ? 'pass' : 'fail'} — ${a.reason}`).join('\n')}`).join('\n\n');
      let body = '';
      if (verdict === 'fail') { failures++; body = `<failure message="${xmlText(oneLine(reason))}" type="assertion"/>`; }
      else if (verdict === 'error') { errors++; body = `<error message="${xmlText(oneLine(reason))}" type="error"/>`; }
      else if (verdict === 'pending') { skipped++; body = '<skipped message="not run"/>'; }
      cases.push(`    <testcase name="${name}" classname="${classname}" time="${seconds(ms)}">${body}<system-out>${xmlText(output)}</system-out></testcase>`);
    });
    totalTests += record.tests.length; totalFailures += failures; totalErrors += errors; totalSkipped += skipped;
    suites.push(`  <testsuite name="${xmlText(column.label)}" tests="${record.tests.length}" failures="${failures}" errors="${errors}" skipped="${skipped}" time="${seconds(time)}" timestamp="${xmlText(record.createdAt)}">\n${cases.join('\n')}\n  </testsuite>`);
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="${xmlText(`prompt-lab eval ${record.prompt.fileName}`)}" tests="${totalTests}" failures="${totalFailures}" errors="${totalErrors}" skipped="${totalSkipped}">\n${suites.join('\n')}\n</testsuites>\n`;
}
