import { AXIS_NAMES, checkedAxis, columnsOf, isNameAxis, sampleSeeds, type Axis, type AxisName } from '../../core/compare';
import type { ComparisonCell, ComparisonRecord } from '../../core/comparison';
import { cellDisplayText, comparisonToJson, tokenBudgetLine } from '../../core/comparisonExport';
import { ComparisonRun } from '../../core/comparisonRun';
import type { GenerationConfig } from '../../core/generationConfig';
import type { ColumnMetrics } from '../../core/metrics';
import { columnRunsOf } from '../../engine/columns';
import { newEngineComparison } from '../../engine/comparison';
import type { EngineProblem } from '../../engine/problems';
import { all, parseArgs, single, UsageError, type ParsedArgs } from '../args';
import type { CliCommand } from '../commands';
import { markdownTable, textTable, type TableColumn } from '../compareTable';
import { ExitCode, plural, type CliIO } from '../io';
import { RENDER_USAGE } from '../renderOptions';
import { comparisonHistoryRecord } from '../../core/history/records';
import { SAVE_HISTORY_OPTIONS, SAVE_HISTORY_USAGE, saveToHistory } from '../history';
import { defaultOutputCap, emptyPromptWarning, outputCapNote, overridesOf, reportPromptProblem, resolveCliTarget, RUN_OPTIONS, type CliTarget } from '../runTarget';
import { traceNote } from '../patternLines';

const DEFAULT_TEMPERATURES = [0, 0.5, 1, 1.5];

function numbers(text: string, what: string): number[] {
  const values = text.split(',').map((part) => part.trim()).filter(Boolean).map(Number);
  if (values.length === 0 || values.some((value) => !Number.isFinite(value))) throw new UsageError(`${what} must be numbers separated by commas, not '${text}'`);
  return values;
}

/** `name=v1,v2`: numbers, or for `model` and `variant` names (an empty variant is the file itself).
 * A setting's values must fit the range of its frontmatter key (checkedAxis). */
export function axisOf(spec: string): Axis {
  const match = /^([A-Za-z]+)=(.*)$/.exec(spec);
  if (!match || !AXIS_NAMES.includes(match[1] as AxisName)) throw new UsageError(`--axis ${spec}: write name=v1,v2 with name one of ${AXIS_NAMES.join(', ')}`);
  const name = match[1] as AxisName;
  const values = isNameAxis(name) ? match[2]!.split(',').map((part) => part.trim()) : numbers(match[2]!, `--axis ${name}`);
  return checked(name, values, `--axis ${spec}`);
}

function checked(name: AxisName, values: (number | string)[], flag: string): Axis {
  try {
    return checkedAxis(name, values);
  } catch (error) {
    throw new UsageError(`${flag}: ${(error as Error).message}`);
  }
}

/** The axes of --axis specs: at most two, each named once. */
export function checkedAxes(axes: Axis[]): Axis[] {
  const twice = axes.find((axis, index) => axes.findIndex((other) => other.name === axis.name) !== index);
  if (twice) throw new UsageError(`${twice.name} is given twice: one --axis ${twice.name}=v1,v2 holds all its values`);
  if (axes.length > 2) throw new UsageError('a comparison has at most two axes');
  return axes;
}

function axesOf(temperatures: string | undefined, specs: string[]): Axis[] {
  if (temperatures !== undefined && specs.some((spec) => spec.startsWith('temperature='))) throw new UsageError('temperature is given twice: --axis and --temperatures');
  const axes = specs.map((spec) => axisOf(spec));
  if (temperatures !== undefined) {
    axes.unshift(checked('temperature', numbers(temperatures, '--temperatures'), `--temperatures ${temperatures}`));
  } else if (axes.length === 0) axes.push({ name: 'temperature', values: DEFAULT_TEMPERATURES });
  return checkedAxes(axes);
}

const two = (value: number | undefined) => (value === undefined ? '–' : value.toFixed(2));

/** A column's metrics: length and diversity among its samples; agreement with the reference. */
function footerOf(meanTokens: number | undefined, metrics: ColumnMetrics | undefined): string[] {
  const lines = [
    // Tokens as the backend counted them (usage); words as the metrics count them (meanWords).
    `mean ${meanTokens === undefined ? '–' : meanTokens.toFixed(1)} tokens · ${metrics ? metrics.meanWords.toFixed(1) : '–'} words`,
    `distinct-1 ${two(metrics?.distinct1)} · distinct-2 ${two(metrics?.distinct2)}`,
    `samples alike (ROUGE-L) ${two(metrics?.meanPairwiseRougeL)}`,
  ];
  if (metrics?.rouge1 !== undefined) {
    lines.push(`vs reference: ROUGE-1 ${two(metrics.rouge1)} · ROUGE-2 ${two(metrics.rouge2)} · ROUGE-L ${two(metrics.rougeL)} · BLEU ${metrics.bleu?.toFixed(1) ?? '–'}`);
  }
  return lines;
}

/** The record's columns as the side-by-side table shows them: the cells' texts, the metrics under. */
function tableColumnsOf(record: ComparisonRecord): TableColumn[] {
  return record.columns.map((column, index) => {
    const mine = record.cells.filter((cell) => cell.column === index);
    const done = mine.filter((cell) => cell.status === 'done');
    const tokens = done.reduce((sum, cell) => sum + (cell.result?.usage.completionTokens ?? 0), 0);
    return {
      label: column.label,
      cells: mine.map(cellDisplayText),
      footer: footerOf(done.length ? tokens / done.length : undefined, column.metrics),
    };
  });
}

/** One progress line for a cell that ended. */
function progressLine(record: ComparisonRecord, cell: ComparisonCell, ended: number): string {
  const result = cell.result!;
  const outcome = cell.status === 'failed' ? `error: ${result.error?.message ?? 'unknown error'}`
    : `${cell.status === 'stopped' ? 'stopped, ' : ''}${result.usage.completionTokens} tokens, ${Math.round(result.latencyMs)} ms`;
  return `[${ended}/${record.cells.length}] ${record.columns[cell.column]!.label}, sample ${cell.sample + 1}: ${outcome}${traceNote(result.trace)}\n`;
}

interface Plan { axes: Axis[]; samples: number; seeds: number[]; fixed: GenerationConfig; concurrency: number | undefined }

/** A column that cannot run, as bad usage naming the axis value (after a broken variant's diagnostics). */
export function columnProblem(io: CliIO, problem: EngineProblem): UsageError {
  switch (problem.kind) {
    case 'no-backend': return new UsageError(`--axis model: ${problem.message}`);
    case 'no-local-model': return new UsageError(`--axis model: ${problem.subject}: ${problem.message}`, { showUsage: false });
    case 'variant-missing': return new UsageError(`--axis variant: '${problem.variant}' has no file ${problem.ref ?? problem.fileName}`);
    case 'variant-broken':
      reportPromptProblem(io, problem.cause.ref, problem.cause);
      return new UsageError(`--axis variant: '${problem.variant}': ${problem.cause.ref} cannot be rendered (see above)`);
    default: return new UsageError(problem.message);
  }
}

/** Settles the columns, builds the record, runs every cell (Ctrl+C stops them all) and prints the
 * table or the record. */
async function runComparison(parsed: ParsedArgs, io: CliIO, { prepared, host }: CliTarget, plan: Plan): Promise<number> {
  const columns = await columnRunsOf(host, prepared, plan.axes);
  if ('problem' in columns) throw columnProblem(io, columns.problem);
  // Every backend the columns run on is created now: one a config file may not send keys to is
  // refused here (ConfigError, exit 2) before any cell runs, not as a grid of failed cells.
  for (const column of columns.runs) host.backends.get(column.target.backendId);
  const { record, runCell, limit: strictest, countBudget } = await newEngineComparison(host, prepared, columns, {
    axes: plan.axes, samples: plan.samples, seeds: plan.seeds, settings: plan.fixed, budgetLater: true,
  });
  // The token view is counted once the first answer streams in, so the requests are on their way
  // first: before issue 15 every request waited ~0.4 s for tiktoken's tokenizer to be built; loading
  // a token table now takes milliseconds, but nothing a request needs waits for it.
  let budget: Promise<void> | undefined;
  const countBesideRequests = () => budget ??= countBudget().then(() => {
    if (record.tokens) io.stderr(`prompt-lab compare: the prompt: ${tokenBudgetLine(record.tokens)}\n`);
  });
  let ended = 0;
  const run = new ComparisonRun(record, runCell, {
    limit: plan.concurrency ?? strictest,
    onUpdate: (update) => {
      if (update.append !== undefined || update.result) void countBesideRequests();
      if (update.result) io.stderr(progressLine(record, record.cells[update.index]!, ++ended));
    },
  });
  let interrupted = false;
  const onInterrupt = () => {
    interrupted = true;
    run.stop();
  };
  process.once('SIGINT', onInterrupt);
  const started = Date.now();
  const { backendId, model } = prepared.target;
  const on = plan.axes.some((axis) => axis.name === 'model') ? 'each column\'s model' : `${backendId}${model ? `/${model}` : ''}`;
  io.stderr(`prompt-lab compare: ${plural(record.columns.length, 'setting')} × ${plural(plan.samples, 'sample')} on ${on}, ${plan.seeds.length === 1 ? 'seed' : 'seeds'} ${plan.seeds.join(', ')}\n`);
  try {
    await run.run();
    await countBesideRequests();
  } finally {
    process.off('SIGINT', onInterrupt);
  }
  await saveToHistory(parsed, io, 'compare', comparisonHistoryRecord(record, prepared.request.input));
  io.stderr(`prompt-lab compare: ${plural(record.cells.length, 'run')} in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  if (parsed.flags.has('json')) io.stdout(comparisonToJson(record));
  else if (parsed.flags.has('markdown')) io.stdout(markdownTable(tableColumnsOf(record)));
  else io.stdout(textTable(tableColumnsOf(record), process.stdout.columns || 120));
  if (interrupted) return 130;
  return record.cells.some((cell) => cell.status !== 'done') ? ExitCode.findings : ExitCode.ok;
}

export const compareCommand: CliCommand = {
  name: 'compare',
  summary: 'Run a prompt across temperatures (or other settings) and print the completions side by side',
  usage: `Usage: prompt-lab compare <file> [--temperatures 0,0.7,1.2] [--samples 3] [--axis name=v1,v2]… [--seed s]
                          [--concurrency n] [backend and sampling flags as for run] [--json | --markdown]
                          [--input key=value]… [--input-file data.json] [--input-value text] [--variant v] [--shots n] [--prompts-dir dir]…
                          [--history | --no-history] [--history-dir dir]

  --temperatures <list>  The temperature axis (default ${DEFAULT_TEMPERATURES.join(',')})
  --axis name=v1,v2      Another axis: ${AXIS_NAMES.join(', ')} (at most two axes in all)
                         model=local,openai/gpt-4o-mini: model ids as a prompt's model: writes them,
                           each column on its own backend (a bare name is a model of --backend, else
                           of the default backend)
                         variant=default,formal: each column renders <file>.<variant>.prompt beside
                           the file (default: the file itself), with the same inputs
  --samples <n>          Samples per setting (default 3)
  --seed <s>             Sample row i uses seed s + i in every column (default: fresh seeds, printed)
  --concurrency <n>      Cells run at once (default: the smallest concurrency of the backends used;
                         a backend without one: 4, local 2)
  --json                 The comparison record    --markdown  A Markdown table
${SAVE_HISTORY_USAGE}
${RENDER_USAGE}

Progress goes to stderr, the table (or record) to stdout. Exit 1 if any cell failed; exit 2 before
anything runs when an axis value cannot (an unknown backend, a missing or broken variant file).`,
  async run(args, io) {
    const parsed = parseArgs(args, {
      ...RUN_OPTIONS, ...SAVE_HISTORY_OPTIONS, temperatures: { value: true }, axis: { value: true, repeat: true }, samples: { value: true }, concurrency: { value: true }, markdown: {},
    });
    if (parsed.flags.has('json') && parsed.flags.has('markdown')) throw new UsageError('give --json or --markdown, not both');
    const samples = Number(single(parsed, 'samples') ?? 3);
    if (!Number.isInteger(samples) || samples < 1 || samples > 50) throw new UsageError('--samples must be a whole number from 1 to 50');
    const axes = axesOf(single(parsed, 'temperatures'), all(parsed, 'axis'));
    columnsOf(axes); // throws on a bad grid before a backend is started
    // --model and --variant pick the one the run uses; an axis of them picks one per column.
    for (const name of ['model', 'variant'] as const) {
      if (axes.some((axis) => axis.name === name) && parsed.values.has(name)) throw new UsageError(`give --${name} or --axis ${name}, not both`);
    }
    const concurrencyText = single(parsed, 'concurrency');
    const concurrency = concurrencyText === undefined ? undefined : Number(concurrencyText);
    if (concurrency !== undefined && !(Number.isInteger(concurrency) && concurrency >= 1)) throw new UsageError('--concurrency must be a whole number of at least 1');
    const { seed, ...fixed } = overridesOf(parsed);
    const seeds = sampleSeeds(samples, seed);
    const target = await resolveCliTarget(parsed, io, 'compare');
    if (typeof target === 'number') return target;
    const empty = emptyPromptWarning('compare', target.prepared.rendered);
    if (empty) io.stderr(empty);
    // A variant sets its own config; an axis of maxOutputTokens sets it per column.
    const cap = axes.some((axis) => axis.name === 'maxOutputTokens' || axis.name === 'variant') ? undefined : defaultOutputCap(target.prepared.rendered.config, fixed);
    if (cap !== undefined) {
      io.stderr(outputCapNote('compare', cap));
      fixed.maxOutputTokens = cap;
    }
    try {
      return await runComparison(parsed, io, target, { axes, samples, seeds, fixed, concurrency });
    } finally {
      await target.registry.dispose();
    }
  },
};
