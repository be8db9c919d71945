// The engine on its own, in plain mocha: where a prompt runs, what each column runs, and a whole
// comparison, over a host held in memory with a fake in-process backend and over the real local
// model (stories260K). The CLI and the extension are adapters of exactly this.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { existsSync } from 'node:fs';
import type { Backend, GenerationRequest } from '../../src/backends/backend';
import type { BackendConfig } from '../../src/backends/backendConfig';
import { createLocalBackend } from '../../src/backends/local/localBackend';
import { BackendRegistry } from '../../src/backends/registry';
import { ComparisonRun } from '../../src/core/comparisonRun';
import type { GenerationConfig } from '../../src/core/generationConfig';
import { memoryEnvironment } from '../../src/core/promptEnvironment';
import { countInProcess } from '../../src/core/promptTokens';
import { columnRunsOf } from '../../src/engine/columns';
import { newEngineComparison, settingsIgnored, type CellPrompt } from '../../src/engine/comparison';
import type { EngineHost } from '../../src/engine/host';
import type { EngineProblem } from '../../src/engine/problems';
import { preparePrompt, type PreparedPrompt } from '../../src/engine/prompt';
import { resolveTarget, runnableTarget } from '../../src/engine/target';

const root = path.resolve(__dirname, '../../..');
const STORIES_MODEL = path.resolve(root, '../shared/models/stories260K.gguf');

/** A backend in this process: echoes what it was sent, token by token, and records every request. */
class EchoBackend implements Backend {
  readonly kind = 'openai' as const;
  readonly supports = new Set<keyof GenerationConfig>(['temperature', 'topP', 'maxOutputTokens', 'seed']);
  readonly requests: GenerationRequest[] = [];
  constructor(readonly id: string, private readonly secret = '') {}
  async generate(request: GenerationRequest, options: { onToken?: (token: { text: string }) => void } = {}) {
    this.requests.push(request);
    const last = request.messages.at(-1)?.content ?? request.prompt ?? '';
    const said = `${request.model}|${request.config.temperature ?? '-'}|${last}`;
    // The secret arrives as one token (redaction is per streamed piece and on the result).
    for (const piece of [...(said.match(/.{1,4}/gs) ?? []), ...(this.secret ? [this.secret] : [])]) options.onToken?.({ text: piece });
    const text = said + this.secret;
    return {
      text, finishReason: 'stop' as const, usage: { promptTokens: 1, completionTokens: 1, estimated: true }, latencyMs: 1,
      backend: this.id, model: request.model, parameters: { ...request.config }, warnings: [],
    };
  }
}

interface MemoryHost extends EngineHost { echo: Map<string, EchoBackend>; logged: string[] }

/** Files by path in a map; `openai`-kind backends are echo backends. */
function memoryHost(files: Record<string, string>, configs: BackendConfig[], options: { defaultBackend?: string; secret?: string; noFolders?: boolean } = {}): MemoryHost {
  const echo = new Map<string, EchoBackend>();
  const logged: string[] = [];
  const backends = new BackendRegistry(configs, {
    openai: (config) => {
      const backend = new EchoBackend(config.id, options.secret);
      echo.set(config.id, backend);
      return backend;
    },
    local: createLocalBackend,
  }, { apiKey: async () => undefined });
  return {
    echo, logged, backends,
    readPrompt: async (ref) => (ref in files ? { ref, fileName: path.posix.basename(ref), text: files[ref]! } : undefined),
    beside: (ref, fileName) => (options.noFolders ? undefined : path.posix.join(path.posix.dirname(ref), fileName)),
    environment: () => memoryEnvironment({ sig: 'The end.' }),
    defaultBackend: options.defaultBackend ?? 'local',
    localModelProblem: (config) => (config.kind === 'local' && !config.modelPath ? `no model for '${config.id}'` : undefined),
    countTexts: countInProcess,
    log: (line) => logged.push(line),
    redact: (text) => (options.secret ? text.split(options.secret).join('***') : text),
  };
}

const ECHO: BackendConfig[] = [
  { id: 'openai', kind: 'openai', baseURL: 'http://127.0.0.1:9/v1', defaultModel: 'gpt-4o-mini', concurrency: 3 },
  { id: 'slow', kind: 'openai', baseURL: 'http://127.0.0.1:9/v1', concurrency: 1 },
];

const prompt = (model: string, body: string, extra = '') => `---\nmodel: ${model}\n${extra}input:\n  schema:\n    name: string\n---\n${body}`;

function problemOf(outcome: object): EngineProblem {
  assert.ok('problem' in outcome, `expected a problem, got ${JSON.stringify(outcome).slice(0, 200)}`);
  return (outcome as { problem: EngineProblem }).problem;
}

async function prepared(host: EngineHost, ref: string, input: Record<string, unknown> = { name: 'Ada' }): Promise<PreparedPrompt> {
  const outcome = await preparePrompt(host, ref, { input });
  assert.ok(!('problem' in outcome), JSON.stringify(outcome));
  return outcome;
}

describe('engine: where a prompt runs', () => {
  const host = memoryHost({}, ECHO, { defaultBackend: 'openai' });

  it('resolves provider/name, a backend id, a bare name and no model at all, one way', () => {
    const where = (model: string | undefined, pins = {}) => {
      const target = resolveTarget(host, model, 'x.prompt', pins);
      return 'problem' in target ? target.problem.kind : `${target.backendId}/${target.model}`;
    };
    assert.equal(where('slow/m1'), 'slow/m1');
    assert.equal(where('slow'), 'slow/', 'a backend id alone: its defaultModel, here none');
    assert.equal(where('openai'), 'openai/gpt-4o-mini', 'the backend\'s defaultModel');
    assert.equal(where('gpt-4o'), 'openai/gpt-4o', 'a bare name: a model of the default backend');
    assert.equal(where(undefined), 'openai/gpt-4o-mini');
    assert.equal(where('local'), 'local/', 'the built-in local backend is always there');
    // The host's pins: the CLI's --backend, --model and --base-url.
    assert.equal(where('openai/gpt-4o', { backend: 'slow' }), 'slow/', 'another provider\'s model does not move to a pinned backend');
    assert.equal(where('openai/gpt-4o', { backend: 'slow', keepModelName: true }), 'slow/gpt-4o');
    assert.equal(where('openai/gpt-4o', { model: 'o3' }), 'openai/o3');
  });

  it('names an unconfigured backend as a typed problem, and a local backend without its model', () => {
    assert.deepEqual(problemOf(resolveTarget(host, 'nowhere/x', "'nowhere/x'")), {
      kind: 'no-backend', subject: "'nowhere/x'", backend: 'nowhere', model: 'x', configured: ['openai', 'slow', 'local'],
      message: "'nowhere/x' runs on backend 'nowhere', which is not configured. Configured: openai, slow, local",
    });
    const noModel = problemOf(runnableTarget(host, 'local', 'story.prompt'));
    assert.equal(noModel.kind, 'no-local-model');
    assert.equal(noModel.message, "no model for 'local'", 'in the host\'s words');
    assert.ok(!('problem' in runnableTarget(host, 'openai', 'story.prompt')));
  });

  it('stops a prompt with errors, or inputs that do not fit, before it is placed', async () => {
    const files = {
      '/p/broken.prompt': '---\nconfig:\n  temperature: 7\n---\nHi',
      '/p/typed.prompt': prompt('openai', 'Hi {{name}}'),
      '/p/noexamples.prompt': prompt('openai', 'Hi {{name}}'),
    };
    const h = memoryHost(files, ECHO);
    const broken = problemOf(await preparePrompt(h, '/p/broken.prompt', {}));
    assert.equal(broken.kind, 'prompt-broken');
    assert.equal(broken.message, 'broken.prompt has an error');
    assert.match((broken as Extract<EngineProblem, { kind: 'prompt-broken' }>).diagnostics[0]!.message, /temperature/);
    const input = problemOf(await preparePrompt(h, '/p/typed.prompt', { input: { name: 3 } }));
    assert.equal(input.kind, 'input');
    assert.match(input.message, /name/);
    assert.equal(problemOf(await preparePrompt(h, '/p/noexamples.prompt', { input: { name: 'x' }, shots: 1 })).kind, 'render');
    assert.equal(problemOf(await preparePrompt(h, '/p/none.prompt', {})).kind, 'no-prompt');
    const ok = await prepared(h, '/p/typed.prompt');
    assert.deepEqual([ok.target.backendId, ok.target.model, ok.fileName], ['openai', 'gpt-4o-mini', 'typed.prompt']);
  });
});

describe('engine: columns', () => {
  const files = {
    '/p/greet.prompt': prompt('openai', 'Hello {{name}} {{> sig}}'),
    '/p/greet.terse.prompt': prompt('slow/other', 'Yo {{name}}'),
    '/p/greet.broken.prompt': '---\nconfig:\n  topP: 9\n---\nHi',
    '/p/greet.strict.prompt': '---\ninput:\n  schema:\n    name: integer\n---\nHi {{name}}',
  };

  it('gives every column its backend, model and prompt; a variant renders its own file with the same inputs', async () => {
    const host = memoryHost(files, ECHO);
    const main = await prepared(host, '/p/greet.prompt');
    const columns = await columnRunsOf(host, main, [{ name: 'model', values: ['openai', 'slow/s1'] }, { name: 'variant', values: ['default', 'terse'] }]);
    assert.ok(!('problem' in columns));
    assert.deepEqual(columns.runs.map((run) => `${run.target.backendId}/${run.target.model} ${run.prompt.fileName}: ${run.prompt.rendered.text.at(-1)!.content}`), [
      'openai/gpt-4o-mini greet.prompt: Hello Ada The end.', 'openai/gpt-4o-mini greet.terse.prompt: Yo Ada',
      'slow/s1 greet.prompt: Hello Ada The end.', 'slow/s1 greet.terse.prompt: Yo Ada',
    ]);
    assert.deepEqual(columns.targetOf('slow/s1'), { backend: 'slow', model: 's1' });
    assert.deepEqual(host.logged, ["variant 'terse' names model 'slow/other'; its column runs on the comparison's backend (vary the model with a model axis)"]);
  });

  it('stops at the first column that cannot run, naming the value', async () => {
    const host = memoryHost(files, ECHO);
    const main = await prepared(host, '/p/greet.prompt');
    const problem = async (values: string[], name: 'model' | 'variant' = 'variant') => problemOf(await columnRunsOf(host, main, [{ name, values }]));
    const missing = await problem(['default', 'long']);
    assert.deepEqual([missing.kind, missing.message], ['variant-missing', "the variant 'long' has no file greet.long.prompt beside greet.prompt"]);
    const broken = await problem(['broken']);
    assert.equal(broken.kind, 'variant-broken');
    assert.equal(broken.message, 'the variant file greet.broken.prompt has an error');
    const strict = await problem(['strict']);
    assert.equal(strict.kind, 'variant-broken');
    assert.match(strict.message, /^the variant file greet\.strict\.prompt: Input does not match/);
    assert.equal((await problem(['openai', 'nowhere/x'], 'model')).kind, 'no-backend');
    assert.equal((await problem(['local'], 'model')).kind, 'no-local-model');
    const unsaved = memoryHost(files, ECHO, { noFolders: true });
    const untitled = problemOf(await columnRunsOf(unsaved, await prepared(unsaved, '/p/greet.prompt'), [{ name: 'variant', values: ['terse'] }]));
    assert.deepEqual([untitled.kind, 'ref' in untitled], ['variant-missing', false]);
  });
});

describe('engine: a comparison over a fake backend', () => {
  it('builds the record and runs each cell on its column\'s backend with its settings, redacted, at the strictest pace', async () => {
    const host = memoryHost({ '/p/greet.prompt': prompt('openai', 'Hello {{name}}') }, ECHO, { secret: 'sk-SECRET' });
    const main = await prepared(host, '/p/greet.prompt');
    const axes = [{ name: 'model' as const, values: ['openai', 'slow/s1'] }, { name: 'temperature' as const, values: [0, 1] }];
    const columns = await columnRunsOf(host, main, axes);
    assert.ok(!('problem' in columns));
    const { record, runCell, limit } = await newEngineComparison(host, main, columns, { axes, samples: 2, seeds: [7, 8], settings: { maxOutputTokens: 5 } });
    assert.equal(limit, 1, 'slow allows one request at a time');
    assert.deepEqual(record.columns.map((column) => [column.label, column.backend, column.model]), [
      ['model openai · temperature 0', 'openai', 'gpt-4o-mini'], ['model openai · temperature 1', 'openai', 'gpt-4o-mini'],
      ['model slow/s1 · temperature 0', 'slow', 's1'], ['model slow/s1 · temperature 1', 'slow', 's1'],
    ]);
    assert.equal(record.prompt.file, '/p/greet.prompt');
    assert.ok(record.tokens!.total > 0, 'the prompt\'s budget, counted');
    await new ComparisonRun(record, runCell, { limit }).run();
    assert.deepEqual(record.cells.map((cell) => cell.status), Array(8).fill('done'));
    const cell = record.cells.find((c) => c.column === 3 && c.sample === 1)!;
    assert.equal(cell.text, 's1|1|Hello Ada***', 'streamed, with the key scrubbed');
    assert.equal(cell.result!.text, cell.text);
    assert.deepEqual(host.echo.get('slow')!.requests.at(-1)!.config, { temperature: 1, seed: 8, maxOutputTokens: 5 });
    assert.equal(host.echo.get('openai')!.requests.length, 4);
    assert.deepEqual(settingsIgnored(host, columns, [{ name: 'topK', values: [1, 2] }]), ['openai cannot honour topK', 'slow cannot honour topK']);
    assert.deepEqual(settingsIgnored(host, columns, axes), []);
  });

  it('renders each cell anew through cellPrompt: rows of tests, each with its own inputs (what eval builds on)', async () => {
    const host = memoryHost({ '/p/greet.prompt': prompt('openai', 'Hello {{name}}') }, ECHO);
    const main = await prepared(host, '/p/greet.prompt');
    const axes = [{ name: 'temperature' as const, values: [0, 1] }];
    const columns = await columnRunsOf(host, main, axes);
    assert.ok(!('problem' in columns));
    const tests = [{ name: 'Grace' }, { name: 'Linus' }];
    const { renderChecked } = await import('../../src/core/render');
    const perTest: CellPrompt = async (cell, column) => ({ rendered: await renderChecked(column.prompt.checked, { input: tests[cell.sample]! }) });
    const { record, runCell, limit } = await newEngineComparison(host, main, columns, { axes, samples: tests.length, seeds: [1, 2], cellPrompt: perTest });
    await new ComparisonRun(record, runCell, { limit }).run();
    assert.deepEqual(record.cells.map((cell) => cell.text), ['gpt-4o-mini|0|Hello Grace', 'gpt-4o-mini|1|Hello Grace', 'gpt-4o-mini|0|Hello Linus', 'gpt-4o-mini|1|Hello Linus']);
  });
});

describe('engine: a comparison on the local model (stories260K)', function () {
  this.timeout(60_000);
  let host: MemoryHost | undefined;
  before(function () {
    if (!existsSync(STORIES_MODEL)) this.skip();
  });
  after(async () => host?.backends.dispose());

  it('runs temperature columns on the real model: greedy cells agree, the budget is the model\'s own', async () => {
    const files = { '/p/tale.prompt': '---\nmodel: local\nconfig:\n  maxOutputTokens: 6\n---\nOnce upon a time, there was a little cat.' };
    host = memoryHost(files, [{ id: 'local', kind: 'local', modelPath: STORIES_MODEL, threads: 1, concurrency: 1 }]);
    const main = await prepared(host, '/p/tale.prompt', {});
    const axes = [{ name: 'temperature' as const, values: [0, 1.5] }];
    const columns = await columnRunsOf(host, main, axes);
    assert.ok(!('problem' in columns));
    const { record, runCell, limit } = await newEngineComparison(host, main, columns, { axes, samples: 2, seeds: [3, 4] });
    assert.equal(limit, 1);
    assert.deepEqual(record.tokens!.price, { input: 0, output: 0, source: 'local' });
    await new ComparisonRun(record, runCell, { limit }).run();
    for (const cell of record.cells) {
      assert.equal(cell.status, 'done', cell.result?.error?.message);
      assert.equal(cell.result!.model, 'stories260K');
      assert.ok(cell.result!.usage.completionTokens <= 6 && cell.text.length > 0);
    }
    const text = (column: number, sample: number) => record.cells.find((c) => c.column === column && c.sample === sample)!.text;
    assert.equal(text(0, 0), text(0, 1), 'temperature 0 is greedy: both samples agree');
    assert.equal(record.cells.find((c) => c.column === 1 && c.sample === 0)!.result!.parameters.seed, 3);
  });
});
