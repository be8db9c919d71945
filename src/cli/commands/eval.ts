// `prompt-lab eval`: the prompt over its dataset, every test × column × sample graded by the test's
// assertions. Progress on stderr; on stdout a table of tests × columns (✓, or ✗ with the first
// failing reason), or the whole record (--json); --junit writes JUnit XML for CI. Ctrl+C stops the
// run and still writes what finished.
import { writeFile } from 'node:fs/promises';
import { columnsOf, sampleSeeds, type Axis } from '../../core/compare';
import { tokenBudgetLine } from '../../core/comparisonExport';
import { ComparisonRun } from '../../core/comparisonRun';
import { datasetFileFor } from '../../core/eval/dataset';
import { evalToJson, evalToJunit, evalToMarkdown, verdictText } from '../../core/eval/evalExport';
import { cellReason, cellVerdict, evalPassed, summarizeEval, testName, type EvalRecord } from '../../core/eval/evalRecord';
import type { DatasetProblem } from '../../core/eval/types';
import { columnRunsOf } from '../../engine/columns';
import { loadEvalDataset, newEval, type EvalDataset, type EvalProblem } from '../../engine/eval';
import { loadPrompt } from '../../engine/prompt';
import { all, parseArgs, single, UsageError } from '../args';
import { SAVE_HISTORY_OPTIONS, SAVE_HISTORY_USAGE, saveToHistory } from '../history';
import type { CliCommand } from '../commands';
import { textTable, type TableColumn } from '../compareTable';
import { ExitCode, plural, type CliIO } from '../io';
import { RENDER_USAGE } from '../renderOptions';
import { overridesOf, resolveCliTarget, RUN_OPTIONS, type CliRender } from '../runTarget';
import { axisOf, checkedAxes, columnProblem } from './compare';
import { FileError } from '../fileErrors';
import { traceNote } from '../patternLines';

const problemLine = (problem: DatasetProblem) =>
  `${problem.file}:${problem.position.line + 1}:${problem.position.character + 1}: ${problem.field ? `${problem.field}: ` : ''}${problem.message}`;

function reportEvalProblem(io: CliIO, problem: EvalProblem): number {
  for (const each of problem.problems) io.stderr(`${problemLine(each)}\n`);
  if (problem.problems.length === 0 || problem.kind !== 'dataset-broken') io.stderr(`prompt-lab eval: ${problem.message}\n`);
  return problem.kind === 'no-tests' && problem.problems.length > 0 ? ExitCode.findings : ExitCode.usage;
}

const percent = (rate: number | undefined) => (rate === undefined ? '–' : `${(rate * 100).toFixed(0)}%`);

/** Tests down, columns across: ✓, or ✗ with the first failing reason; pass rates under. */
function resultTable(record: EvalRecord, width: number): string {
  const summary = summarizeEval(record);
  const names: TableColumn = { label: 'test', cells: summary.tests.map((test) => testName(record.tests[test.test]!)), footer: ['pass rate'] };
  const columns = record.columns.map((column, index): TableColumn => ({
    label: column.label,
    cells: summary.tests.map((test) => verdictText(test.columns[index]!, test.reasons[index] ?? '', 200)),
    footer: [`${percent(column.eval?.passRate)} (${column.eval?.passed ?? 0}/${column.eval?.graded ?? 0})`],
  }));
  return textTable([names, ...columns], width);
}

/** One progress line for a cell that ended. */
function progressLine(record: EvalRecord, index: number, ended: number): string {
  const cell = record.cells[index]!;
  const test = record.tests[cell.test]!;
  const verdict = cellVerdict(cell);
  const what = verdict === undefined ? cell.status : verdict === 'pass' ? 'pass' : `${verdict}: ${cellReason(cell).replace(/\s+/g, ' ').slice(0, 160)}`;
  const sample = record.samplesPerTest > 1 ? `, sample ${cell.testSample + 1}` : '';
  return `[${ended}/${record.cells.length}] ${testName(test).replace(/\s+/g, ' ').slice(0, 60)} · ${record.columns[cell.column]!.label}${sample}: ${what}${traceNote(cell.result?.trace)}${cell.cached ? ' (cached)' : ''}\n`;
}

function axesOf(specs: string[]): Axis[] {
  const axes = checkedAxes(specs.map((spec) => axisOf(spec)));
  // Without an axis, one column: the prompt itself.
  return axes.length > 0 ? axes : [{ name: 'variant', values: ['default'] }];
}

function positiveWhole(text: string | undefined, flag: string, max = Infinity): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1 || value > max) throw new UsageError(`--${flag} must be a whole number from 1${max === Infinity ? ' up' : ` to ${max}`}, not '${text}'`);
  return value;
}

export const evalCommand: CliCommand = {
  name: 'eval',
  summary: 'Run a prompt over its test cases (<name>.tests.yaml) and grade every output with the tests\' assertions',
  usage: `Usage: prompt-lab eval <file> [--tests <dataset>] [--axis name=v1,v2]… [--samples n] [--judge backend/model]
                       [--filter text] [--max-concurrency n] [--json] [--junit out.xml] [--min-pass-rate 0.9]
                       [--markdown out.md] [--cache] [backend and sampling flags as for run]
                       [--input key=value]… [--input-file data.json] [--input-value text] [--variant v] [--shots n] [--prompts-dir dir]…
                       [--history | --no-history] [--history-dir dir]

  --tests <file>         The dataset: YAML or JSON (a list, or {tests, defaultTest}), JSONL or CSV,
                         as promptfoo writes tests (default: <name>.tests.yaml beside the prompt)
  --axis name=v1,v2      Columns as for compare: temperature, topP, topK, maxOutputTokens, shots,
                         model, variant (at most two axes; default one column, the prompt itself)
  --samples <n>          Samples per test and column (default 1); --seed s gives sample i seed s + i
  --judge <id>           The model that grades llm-rubric, factuality, answer-relevance and g-eval,
                         as a prompt's model: names it (openai/gpt-4o-mini). Its prompts are
                         prompts/judges/<type>.prompt; ./.promptlab/judges/<type>.prompt overrides one
  --filter <text>        Only the tests whose description or vars contain the text
  --max-concurrency <n>  Cells at once (default: the smallest concurrency of the backends used;
                         a backend without one: 4, local 2)
  --json                 The whole eval record on stdout instead of the table
  --junit <file>         Also write JUnit XML (a testcase per test × column)
  --markdown <file>      Also write a Markdown report
  --min-pass-rate <r>    Exit 0 when this share of the graded outputs pass (0..1), not only when all do
  --cache                Reuse responses from ./.promptlab/cache when the request is identical
                         (never for temperature > 0 without --seed)
${SAVE_HISTORY_USAGE}
${RENDER_USAGE}

Exit 0 when every test passes in every column (or the pass rate reaches --min-pass-rate), 1 otherwise
(a test whose vars do not fit the prompt's input schema is reported with file:line and skipped, and
counts as not passing), 2 for bad usage or a dataset that cannot be read (named with file:line).`,
  async run(args, io) {
    const parsed = parseArgs(args, {
      ...RUN_OPTIONS, tests: { value: true }, axis: { value: true, repeat: true }, samples: { value: true }, judge: { value: true },
      filter: { value: true }, 'max-concurrency': { value: true }, json: {}, junit: { value: true }, markdown: { value: true },
      'min-pass-rate': { value: true }, cache: {}, ...SAVE_HISTORY_OPTIONS,
    });
    const samples = positiveWhole(single(parsed, 'samples'), 'samples', 50) ?? 1;
    const concurrency = positiveWhole(single(parsed, 'max-concurrency'), 'max-concurrency');
    const minText = single(parsed, 'min-pass-rate');
    const minPassRate = minText === undefined ? undefined : Number(minText);
    if (minPassRate !== undefined && !(minText!.trim() !== '' && minPassRate >= 0 && minPassRate <= 1)) throw new UsageError(`--min-pass-rate must be a number from 0 to 1, not '${minText}'`);
    const judge = single(parsed, 'judge');
    if (judge !== undefined && !/^\S+$/.test(judge)) throw new UsageError(`--judge must be a model id like openai/gpt-4o-mini, not '${judge}'`);
    const axes = axesOf(all(parsed, 'axis'));
    columnsOf(axes);
    for (const name of ['model', 'variant'] as const) {
      if (all(parsed, 'axis').length > 0 && axes.some((axis) => axis.name === name) && parsed.values.has(name)) throw new UsageError(`give --${name} or --axis ${name}, not both`);
    }
    const { seed, ...fixed } = overridesOf(parsed);
    // Without --seed no seed is sent (as promptfoo): a run at temperature 0 can then be cached.
    const seeds = seed === undefined ? [] : sampleSeeds(samples, seed);
    const positional = parsed.positionals[0];
    if (positional === undefined) throw new UsageError('eval needs a .prompt file');
    // A --variant renders its own file; the dataset stays the prompt's.
    const tests = single(parsed, 'tests') ?? (parsed.values.has('variant') ? datasetFileFor(positional) : undefined);

    let data: EvalDataset | undefined;
    const render: CliRender = async (host, file, request) => {
      const loaded = await loadPrompt(host, file);
      if ('problem' in loaded) {
        if (loaded.problem.kind === 'no-prompt') throw new FileError(`cannot read '${file}': no such file`);
        return loaded;
      }
      const dataset = await loadEvalDataset(host, loaded, { ...(tests !== undefined ? { tests } : {}), request, ...(single(parsed, 'filter') !== undefined ? { filter: single(parsed, 'filter')! } : {}) });
      if ('problem' in dataset) return reportEvalProblem(io, dataset.problem);
      for (const problem of dataset.problems) io.stderr(`${problemLine(problem)}${problem.test !== undefined ? ' (test skipped)' : ''}\n`);
      data = dataset;
      return dataset.first;
    };
    const target = await resolveCliTarget(parsed, io, 'eval', render, { cache: parsed.flags.has('cache') });
    if (typeof target === 'number') return target;
    try {
      const { prepared, host } = target;
      const columns = await columnRunsOf(host, prepared, axes);
      if ('problem' in columns) throw columnProblem(io, columns.problem);
      const made = await newEval(host, prepared, columns, data!, {
        axes, samples, seeds, seedFixed: seed !== undefined, settings: fixed, cache: parsed.flags.has('cache'), ...(judge !== undefined ? { judge } : {}),
      });
      if ('problem' in made) throw new UsageError(`--judge: ${made.problem.message}`);
      const { record, runCell, limit } = made;
      let ended = 0;
      const run = new ComparisonRun(record, runCell, {
        limit: concurrency ?? limit,
        onUpdate: (update) => { if (update.result) io.stderr(progressLine(record, update.index, ++ended)); },
      });
      let interrupted = false;
      const onInterrupt = () => { interrupted = true; run.stop(); };
      process.once('SIGINT', onInterrupt);
      const started = Date.now();
      const runnable = record.tests.filter((test) => test.problems.length === 0).length;
      io.stderr(`prompt-lab eval: ${plural(runnable, 'test')} × ${plural(record.columns.length, 'column')} × ${plural(samples, 'sample')} on ${prepared.target.backendId}${prepared.target.model ? `/${prepared.target.model}` : ''}${judge ? `, judge ${judge}` : ''}\n`);
      if (record.tokens) io.stderr(`prompt-lab eval: the prompt: ${tokenBudgetLine(record.tokens)}\n`);
      try {
        await run.run();
      } finally {
        process.off('SIGINT', onInterrupt);
      }
      const summary = summarizeEval(record);
      io.stderr(`prompt-lab eval: ${plural(record.cells.length, 'run')} in ${((Date.now() - started) / 1000).toFixed(1)} s; pass rate ${percent(summary.passRate)} (${summary.passed}/${summary.graded})${summary.skipped ? `, ${plural(summary.skipped, 'test')} skipped` : ''}${interrupted ? ', stopped' : ''}\n`);
      const junit = single(parsed, 'junit');
      if (junit !== undefined) await writeFile(junit, evalToJunit(record), 'utf8');
      const markdown = single(parsed, 'markdown');
      if (markdown !== undefined) await writeFile(markdown, evalToMarkdown(record), 'utf8');
      await saveToHistory(parsed, io, 'eval', { ...record });
      io.stdout(parsed.flags.has('json') ? evalToJson(record) : resultTable(record, process.stdout.columns || 120));
      if (interrupted) return 130;
      if (evalPassed(record)) return ExitCode.ok;
      return minPassRate !== undefined && summary.passRate !== undefined && summary.passRate >= minPassRate ? ExitCode.ok : ExitCode.findings;
    } finally {
      await target.registry.dispose();
    }
  },
};
