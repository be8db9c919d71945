import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { runPrompt } from '../../backends/runPrompt';
import type { GenerationResult } from '../../backends/backend';
import { AXIS_NAMES, cellsOf, columnLabel, columnsOf, runLimited, sampleSeeds, type Axis, type AxisName } from '../../core/compare';
import { columnMetrics } from '../../core/metrics';
import { renderChecked } from '../../core/render';
import { all, parseArgs, single, UsageError } from '../args';
import type { CliCommand } from '../commands';
import { markdownTable, textTable } from '../compareTable';
import { ExitCode } from '../io';
import { RENDER_USAGE } from '../renderOptions';
import { overridesOf, resolveCliTarget, RUN_OPTIONS } from '../runTarget';

const DEFAULT_TEMPERATURES = [0, 0.5, 1, 1.5];

function numbers(text: string, what: string): number[] {
  const values = text.split(',').map((part) => part.trim()).filter(Boolean).map(Number);
  if (values.length === 0 || values.some((value) => !Number.isFinite(value))) throw new UsageError(`${what} must be numbers separated by commas, not '${text}'`);
  return values;
}

function axesOf(temperatures: string | undefined, specs: string[]): Axis[] {
  const axes: Axis[] = specs.map((spec) => {
    const match = /^([A-Za-z]+)=(.+)$/.exec(spec);
    if (!match || !AXIS_NAMES.includes(match[1] as AxisName)) throw new UsageError(`--axis ${spec}: write name=v1,v2 with name one of ${AXIS_NAMES.join(', ')}`);
    return { name: match[1] as AxisName, values: numbers(match[2]!, `--axis ${match[1]}`) };
  });
  if (temperatures !== undefined || !axes.some((axis) => axis.name === 'temperature')) {
    if (temperatures !== undefined || axes.length === 0) axes.unshift({ name: 'temperature', values: temperatures === undefined ? DEFAULT_TEMPERATURES : numbers(temperatures, '--temperatures') });
  }
  if (axes.length > 2) throw new UsageError('a comparison has at most two axes');
  return axes;
}

const two = (value: number | undefined) => (value === undefined ? '–' : value.toFixed(2));

/** A column's metrics: length and diversity among its samples; agreement with the reference. */
function footerOf(meanTokens: number | undefined, metrics: ReturnType<typeof columnMetrics>): string[] {
  const lines = [
    `mean ${meanTokens === undefined ? '–' : meanTokens.toFixed(1)} tokens`,
    `distinct-1 ${two(metrics.distinct1)} · distinct-2 ${two(metrics.distinct2)}`,
    `samples alike (ROUGE-L) ${two(metrics.meanPairwiseRougeL)}`,
  ];
  if (metrics.rouge1 !== undefined) {
    lines.push(`vs reference: ROUGE-1 ${two(metrics.rouge1)} · ROUGE-2 ${two(metrics.rouge2)} · ROUGE-L ${two(metrics.rougeL)} · BLEU ${metrics.bleu?.toFixed(1) ?? '–'}`);
  }
  return lines;
}

export const compareCommand: CliCommand = {
  name: 'compare',
  summary: 'Run a prompt across temperatures (or other settings) and print the completions side by side',
  usage: `Usage: prompt-lab compare <file> [--temperatures 0,0.7,1.2] [--samples 3] [--axis name=v1,v2]… [--seed s]
                          [backend and sampling flags as for run] [--json | --markdown]

  --temperatures <list>  The temperature axis (default ${DEFAULT_TEMPERATURES.join(',')})
  --axis name=v1,v2      Another axis: ${AXIS_NAMES.join(', ')} (at most two axes in all)
  --samples <n>          Samples per setting (default 3)
  --seed <s>             Sample row i uses seed s + i in every column (default: fresh seeds, printed)
  --concurrency <n>      Cells run at once (default: the backend's concurrency, else 2)
  --json                 The comparison record    --markdown  A Markdown table
${RENDER_USAGE}

Progress goes to stderr, the table (or record) to stdout. Exit 1 if any cell failed.`,
  async run(args, io) {
    const parsed = parseArgs(args, {
      ...RUN_OPTIONS, temperatures: { value: true }, axis: { value: true, repeat: true }, samples: { value: true }, concurrency: { value: true }, markdown: {},
    });
    const samples = Number(single(parsed, 'samples') ?? 3);
    if (!Number.isInteger(samples) || samples < 1 || samples > 50) throw new UsageError('--samples must be a whole number from 1 to 50');
    const axes = axesOf(single(parsed, 'temperatures'), all(parsed, 'axis'));
    const columns = columnsOf(axes);
    const { seed, ...fixed } = overridesOf(parsed);
    const seeds = sampleSeeds(samples, seed);
    const target = await resolveCliTarget(parsed, io, 'compare');
    if (typeof target === 'number') return target;
    const { analyzed, backend, model, registry } = target;
    const limit = Number(single(parsed, 'concurrency') ?? registry.config(backend.id)?.concurrency ?? 2);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--concurrency must be a whole number of at least 1');

    const controller = new AbortController();
    const onInterrupt = () => controller.abort();
    process.once('SIGINT', onInterrupt);
    const cells = cellsOf(columns, samples, seeds);
    let done = 0;
    const started = Date.now();
    io.stderr(`prompt-lab compare: ${columns.length} settings × ${samples} samples on ${backend.id}${model ? `/${model}` : ''}, seeds ${seeds.join(', ')}\n`);
    try {
      const results = await runLimited(cells, limit, async (cell) => {
        const rendered = cell.shots === undefined ? analyzed.result : await renderChecked(analyzed.checked, { input: analyzed.result.input, shots: cell.shots });
        const result = await runPrompt(backend, { rendered, model, overrides: { ...fixed, ...cell.overrides } }, { signal: controller.signal });
        done++;
        io.stderr(`[${done}/${cells.length}] ${columnLabel(columns[cell.column]!)}, sample ${cell.sample + 1}: ${result.error ? `error: ${result.error.message}` : `${result.usage.completionTokens} tokens, ${Math.round(result.latencyMs)} ms`}\n`);
        return result;
      }, controller.signal, () => undefined as unknown as GenerationResult);
      io.stderr(`prompt-lab compare: ${cells.length} runs in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

      const file = parsed.positionals[0]!;
      // The reference answer, when the prompt names the input holding it (promptlab.reference).
      const referenceInput = analyzed.checked.frontmatter.referenceInput;
      const reference = referenceInput === undefined ? undefined : analyzed.result.input[referenceInput];
      const metrics = columns.map((_, index) => columnMetrics(
        cells.flatMap((cell, i) => (cell.column === index && results[i] && !results[i]!.error ? [results[i]!.text] : [])),
        typeof reference === 'string' ? reference : undefined,
      ));
      const record = {
        prompt: { file, sha256: createHash('sha256').update(readFileSync(file)).digest('hex').slice(0, 16), messages: analyzed.result.text },
        backend: backend.id, model, axes, samples, seeds, settings: fixed,
        columns: columns.map((column, index) => ({ label: columnLabel(column), settings: column, index, metrics: metrics[index] })),
        cells: cells.map((cell, index) => ({ column: cell.column, sample: cell.sample, seed: cell.seed, result: results[index] })),
      };
      const tableColumns = columns.map((column, index) => {
        const mine = cells.map((cell, i) => ({ cell, result: results[i] })).filter(({ cell }) => cell.column === index);
        const ok = mine.filter(({ result }) => result && !result.error);
        const tokens = ok.reduce((sum, { result }) => sum + result!.usage.completionTokens, 0);
        return {
          label: columnLabel(column),
          cells: mine.map(({ result }) => (!result ? '(cancelled)' : result.error ? `[error] ${result.error.message}` : result.text.trim())),
          footer: footerOf(ok.length ? tokens / ok.length : undefined, metrics[index]!),
        };
      });
      if (parsed.flags.has('json')) io.stdout(`${JSON.stringify(record, null, 2)}\n`);
      else if (parsed.flags.has('markdown')) io.stdout(markdownTable(tableColumns));
      else io.stdout(textTable(tableColumns, process.stdout.columns || 120));
      if (controller.signal.aborted) return 130;
      return results.some((result) => !result || result.error) ? ExitCode.findings : ExitCode.ok;
    } finally {
      process.off('SIGINT', onInterrupt);
      await registry.dispose();
    }
  },
};
