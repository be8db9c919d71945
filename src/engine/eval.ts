// An eval: a comparison over a dataset. Its rows are (test, sample) pairs, its columns the compare
// axes' values; each cell renders the prompt (or its column's variant) with its test's vars, runs
// it, and grades the output with the test's assertions right after (latency, cost, logprobs when an
// assertion needs them, a judge backend for model-graded ones). Two steps, so a host can place the
// prompt in between as it places any prompt:
// 1. loadEvalDataset: the dataset beside the prompt (`<name>.tests.yaml`) or a given file, every
//    test's vars checked against the prompt's `input.schema` and rendered before anything runs. A
//    bad test keeps its problems (file:line, field) and is skipped; the others run.
// 2. newEval: the record (every cell queued), the cell runner and the pace, for core's ComparisonRun.
import type { Backend, GenerationResult } from '../backends/backend';
import type { Axis } from '../core/compare';
import { cellSettings } from '../core/comparison';
import type { RunCell } from '../core/comparisonRun';
import { datasetFileFor, loadDataset, runAssertions, testOutcome, validateVars } from '../core/eval';
import { callCost, evalRecordOf, type EvalCell, type EvalRecord, type EvalTest } from '../core/eval/evalRecord';
import { parseAssertionType } from '../core/eval/assertions/registry';
import type { Assertion, DatasetProblem, JudgeMessage, LoadedTest } from '../core/eval/types';
import type { GenerationConfig } from '../core/generationConfig';
import type { PriceTable } from '../core/modelCatalog';
import { inputSchemaOf, renderChecked, type RenderRequest } from '../core/render';
import { RUN_TEXT_LIMIT } from '../shared/protocol';
import { concurrencyOf, type ColumnRun, type ColumnRuns } from './columns';
import { newEngineComparison, type CellRender } from './comparison';
import type { EngineHost } from './host';
import type { EngineProblem } from './problems';
import { runPattern } from './patternRun';
import { renderLoaded, retrieveFor, type LoadedPrompt, type PreparedPrompt, type RenderedPrompt } from './prompt';
import { cachingBackend, type MaybeCachedResult } from './responseCache';
import { resultView } from './resultView';
import { runnableTarget, type Target } from './target';

/** Why an eval cannot start, as data (the CLI exits 2 with it, naming file:line where there is one). */
export interface EvalProblem {
  kind: 'dataset-missing' | 'dataset-unreadable' | 'dataset-broken' | 'no-tests';
  message: string;
  /** The dataset's reference. */
  ref: string;
  problems: DatasetProblem[];
}

export interface EvalDataset {
  /** The dataset's reference (path or URI). */
  ref: string;
  /** The tests that passed the filter, in dataset order; a test with problems is kept and skipped. */
  tests: EvalTest[];
  /** Their assertions and options, in the same order. */
  loaded: LoadedTest[];
  /** The dataset's own problems and every kept test's. */
  problems: DatasetProblem[];
  /** The prompt rendered with the first runnable test's vars: what the host places on its backend. */
  first: RenderedPrompt;
}

export interface EvalDatasetOptions {
  /** The dataset's reference; default: `<name>.tests.yaml` beside the prompt. */
  tests?: string;
  /** Only the tests whose description or vars contain this text (case-insensitive). */
  filter?: string;
  /** The run's own inputs and shots (the CLI's flags); a test's vars win over its inputs. */
  request?: RenderRequest;
}

type Failed<P> = { problem: P };

const problemText = (problem: DatasetProblem) =>
  `${problem.file}:${problem.position.line + 1}:${problem.position.character + 1}${problem.field ? ` ${problem.field}` : ''}: ${problem.message}`;

/** A test's text to filter on: its description and vars. */
const filterText = (test: LoadedTest) => `${test.description ?? ''}\n${JSON.stringify(test.vars)}`.toLowerCase();

/** Reads the dataset, checks every test's vars against the prompt's schema and renders each. */
export async function loadEvalDataset(host: EngineHost, loaded: LoadedPrompt, options: EvalDatasetOptions = {}): Promise<EvalDataset | Failed<EvalProblem>> {
  const defaultName = datasetFileFor(loaded.fileName);
  const ref = options.tests ?? host.beside(loaded.ref, defaultName);
  if (ref === undefined) return { problem: { kind: 'dataset-missing', ref: defaultName, problems: [], message: `an unsaved prompt has no ${defaultName} beside it: save it or name a dataset` } };
  if (!host.readText) return { problem: { kind: 'dataset-unreadable', ref, problems: [], message: 'this host cannot read datasets' } };
  let text: string | undefined;
  try {
    text = await host.readText(ref);
  } catch (error) {
    return { problem: { kind: 'dataset-unreadable', ref, problems: [], message: `cannot read ${ref}: ${(error as Error).message}` } };
  }
  if (text === undefined) {
    const message = options.tests === undefined ? `${loaded.fileName} has no dataset: write its tests in ${ref} or name a file of tests` : `there is no dataset at ${ref}`;
    return { problem: { kind: 'dataset-missing', ref, problems: [], message } };
  }
  const dataset = loadDataset(text, ref);
  const fileProblems = dataset.problems.filter((problem) => problem.test === undefined);
  if (dataset.tests.length === 0) {
    const first = fileProblems[0];
    return { problem: { kind: first ? 'dataset-broken' : 'no-tests', ref, problems: fileProblems, message: first ? problemText(first) : `${ref} has no tests` } };
  }
  const filter = options.filter?.toLowerCase();
  const kept = filter ? dataset.tests.filter((test) => filterText(test).includes(filter)) : dataset.tests;
  if (kept.length === 0) return { problem: { kind: 'no-tests', ref, problems: [], message: `no test of ${ref} matches the filter '${options.filter}'` } };

  const request = options.request ?? {};
  const schema = await inputSchemaOf(loaded.checked);
  const defaults = { ...loaded.checked.frontmatter.defaults, ...request.input };
  let first: RenderedPrompt | undefined;
  const messages = new Map<number, RenderedPrompt['rendered']['text']>();
  for (const test of kept) {
    if (test.problems.length === 0) test.problems.push(...validateVars(test, schema, defaults));
    if (test.problems.length > 0) continue;
    const rendered = await renderLoaded(host, loaded, { ...request, input: { ...request.input, ...test.vars } });
    if ('problem' in rendered) {
      test.problems.push({ file: test.file, position: test.position, field: 'vars', message: rendered.problem.message, test: test.index });
      continue;
    }
    first ??= rendered;
    messages.set(test.index, rendered.rendered.text);
  }
  const problems = [...fileProblems, ...kept.flatMap((test) => test.problems)];
  if (!first) return { problem: { kind: 'no-tests', ref, problems, message: `no test of ${ref} can run: ${problems.length === 1 ? problemText(problems[0]!) : `${problems.length} problems`}` } };
  const tests = kept.map((test): EvalTest => ({
    index: test.index, file: test.file, position: test.position, vars: { ...defaults, ...test.vars }, problems: test.problems,
    ...(test.description !== undefined ? { description: test.description } : {}),
    ...(messages.has(test.index) ? { messages: messages.get(test.index) } : {}),
  }));
  return { ref, tests, loaded: kept, problems, first };
}

export interface EvalSpec {
  axes: Axis[];
  /** Samples per test. */
  samples: number;
  /** Sample i of every test runs with seed i. */
  seeds: number[];
  /** The seeds were fixed by the user: seeded requests at temperature > 0 may come from the cache. */
  seedFixed?: boolean;
  settings?: GenerationConfig;
  userPrices?: PriceTable;
  /** The judge of model-graded assertions, as a prompt's `model:` names it (`openai/gpt-4o-mini`). */
  judge?: string;
  /** Reuse responses from the host's cache. */
  cache?: boolean;
}

export interface EngineEval {
  /** Every cell queued; ComparisonRun fills it in, runCell grades each cell as it ends. */
  record: EvalRecord;
  runCell: RunCell;
  limit: number;
}

const PERPLEXITY = new Set(['perplexity', 'perplexity-score']);
/** Log-probabilities are asked for only when an assertion reads them. */
const needsLogprobs = (asserts: readonly Assertion[]) => asserts.some((assertion) => PERPLEXITY.has(parseAssertionType(assertion.type).base ?? ''));

const JUDGE_MAX_TOKENS = 1024;

const CHAT_ROLE = { system: 'system', user: 'user', assistant: 'model' } as const;

/** The eval of `prepared` over `columns` and the dataset's tests. */
export async function newEval(host: EngineHost, prepared: PreparedPrompt, columns: ColumnRuns, data: EvalDataset, spec: EvalSpec): Promise<EngineEval | Failed<EngineProblem>> {
  let judgeTarget: Target | undefined;
  if (spec.judge !== undefined) {
    const target = runnableTarget(host, spec.judge, `the judge '${spec.judge}'`);
    if ('problem' in target) return target;
    judgeTarget = target;
  }
  const rows = data.tests.flatMap((test, position) => (test.problems.length === 0 ? [position] : []));
  const seedsOfRows = rows.flatMap(() => spec.seeds.slice(0, spec.samples));
  const comparison = await newEngineComparison(host, prepared, columns, {
    axes: spec.axes, samples: rows.length * spec.samples, seeds: seedsOfRows,
    ...(spec.settings ? { settings: spec.settings } : {}), ...(spec.userPrices ? { userPrices: spec.userPrices } : {}),
  });
  const record = evalRecordOf(comparison.record, {
    dataset: data.ref, tests: data.tests, problems: data.problems, rows, samplesPerTest: spec.samples,
    ...(spec.judge !== undefined ? { judge: spec.judge } : {}),
  });
  const store = spec.cache ? host.responseCache : undefined;
  if (spec.cache && !store) host.log('this host keeps no response cache: every request is sent');
  const policy = { seedFixed: spec.seedFixed ?? false };
  const backends = new Map<string, Backend>();
  const backendOf = (target: Target): Backend => {
    let backend = backends.get(target.backendId);
    if (!backend) {
      const own = host.backends.get(target.backendId);
      backend = store ? cachingBackend(own, target.config, store, policy, (line) => host.log(line)) : own;
      backends.set(target.backendId, backend);
    }
    return backend;
  };
  const redact = (text: string) => (host.redact ? host.redact(text) : text);
  const judge = judgeTarget && (async (messages: JudgeMessage[]): Promise<string> => {
    const result = await backendOf(judgeTarget).generate({
      model: judgeTarget.model, messages: messages.map((message) => ({ role: CHAT_ROLE[message.role], content: message.content })),
      // A verdict is short: a judge that rambles is cut off (and then answers no verdict).
      config: { temperature: 0, maxOutputTokens: JUDGE_MAX_TOKENS },
    });
    if (result.error) throw new Error(redact(result.error.message));
    return redact(result.text);
  });
  const readJudgePrompt = host.judgePrompt?.bind(host);

  // Each test retrieves for its own vars (its question); a RetrievalError fails the cell, naming the test.
  const cellPrompt = async (cell: EvalCell, column: ColumnRun, signal: AbortSignal): Promise<CellRender> => {
    const test = data.tests[cell.test]!;
    const { request, checked } = column.prompt;
    try {
      const given = { ...request.input, ...data.loaded[cell.test]!.vars };
      const retrieved = await retrieveFor(host, column.prompt, given, signal);
      const rendered = await renderChecked(checked, { ...request, input: retrieved?.inputs ?? given, ...(cell.shots !== undefined ? { shots: cell.shots } : {}) });
      return { rendered, ...(retrieved ? { retrieved } : {}) };
    } catch (error) {
      throw new Error(`test ${test.index + 1}: ${(error as Error).message}`, { cause: error });
    }
  };

  const runCell: RunCell = async (_cell, index, signal, onText) => {
    const cell = record.cells[index]!;
    // A rerun grades anew.
    delete cell.assertions; delete cell.outcome; delete cell.cost; delete cell.cached;
    const column = columns.runs[cell.column]!;
    const test = data.loaded[cell.test]!;
    const asserts = test.assert ?? [];
    const { rendered, retrieved } = await cellPrompt(cell, column, signal);
    const overrides = cellSettings(record, cell);
    if (needsLogprobs(asserts)) overrides.logprobs ??= 1;
    // The whole trajectory is one cell: its text (graded below) is the pattern's final answer.
    const result: MaybeCachedResult = await runPattern(backendOf(column.target), {
      rendered, model: column.target.model, overrides, ...(retrieved?.retrieval ? { retrieval: retrieved.retrieval } : {}),
    }, {
      signal, onToken: (token) => onText(redact(token.text)), allowCode: true,
      ...(retrieved?.retriever ? { retrieve: retrieved.retriever } : {}),
    });
    const view = { ...resultView(result, redact), text: redact(result.text).slice(0, RUN_TEXT_LIMIT) };
    if (result.cached) cell.cached = true;
    if (signal.aborted || result.finishReason === 'abort' || result.error) return view;
    const cost = callCost(record.tokens, result.usage);
    if (cost !== undefined) cell.cost = cost;
    cell.assertions = await runAssertions(asserts, {
      output: view.text, vars: test.vars, prompt: rendered.text.map((message) => message.content).join('\n\n'),
      latencyMs: result.latencyMs, ...(cost !== undefined ? { cost } : {}), ...logprobsOf(result),
      allowCode: host.allowCode ?? false, ...(judge ? { judge } : {}), ...(readJudgePrompt ? { readJudgePrompt } : {}),
    });
    const threshold = test.threshold ?? (typeof test.options?.threshold === 'number' ? test.options.threshold : undefined);
    cell.outcome = testOutcome(cell.assertions, threshold !== undefined ? { threshold } : {});
    return view;
  };
  return { record, runCell, limit: Math.max(1, Math.min(comparison.limit, concurrencyOf(columns))) };
}

const logprobsOf = (result: GenerationResult): { logprobs?: number[] } =>
  (result.logprobs && result.logprobs.length > 0 ? { logprobs: result.logprobs.map((entry) => entry.logprob) } : {});
