import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolveModelId } from '../../src/backends/registry';
import { runCli } from '../../src/cli/main';
import { cellsOf, checkedAxis, columnLabel, columnsOf, sampleSeeds, variantOf, type Axis, type Column } from '../../src/core/compare';
import { cellSettings, type ComparisonRecord } from '../../src/core/comparison';
import { variantFileName, variantsAmong } from '../../src/core/promptFiles';
import { DEFAULT_TOKENS, startFaultServer, type FaultServer } from '../support/faultServer';

/** The settings each cell of these columns runs with, as a run sends them (no fixed settings). */
const settingsOf = (columns: Column[], samples: number, seeds?: number[]) => {
  const record = { settings: {}, columns: columns.map((settings) => ({ label: columnLabel(settings), settings })) };
  return cellsOf(columns, samples, seeds).map((cell) => ({ ...cell, settings: cellSettings(record, cell) }));
};

describe('comparison grid', () => {
  it('expands one axis, or two as a cross product', () => {
    assert.deepEqual(columnsOf([{ name: 'temperature', values: [0, 1] }]), [{ temperature: 0 }, { temperature: 1 }]);
    assert.deepEqual(columnsOf([{ name: 'temperature', values: [0, 1] }, { name: 'shots', values: [0, 2] }]),
      [{ temperature: 0, shots: 0 }, { temperature: 0, shots: 2 }, { temperature: 1, shots: 0 }, { temperature: 1, shots: 2 }]);
    assert.throws(() => columnsOf([]), /one or two axes/);
    assert.throws(() => columnsOf([{ name: 'topP', values: [] }]), /no values/);
    assert.throws(() => columnsOf([{ name: 'topP', values: [1] }, { name: 'topP', values: [1] }]), /twice/);
  });

  it('gives sample row i the same seed in every column, and shots apart from the settings', () => {
    const cells = settingsOf(columnsOf([{ name: 'temperature', values: [0.2, 0.9] }, { name: 'shots', values: [1] }]), 2, [7, 8]);
    assert.deepEqual(cells.map((c) => [c.column, c.sample, c.seed, c.shots, c.settings]), [
      [0, 0, 7, 1, { temperature: 0.2, seed: 7 }], [1, 0, 7, 1, { temperature: 0.9, seed: 7 }],
      [0, 1, 8, 1, { temperature: 0.2, seed: 8 }], [1, 1, 8, 1, { temperature: 0.9, seed: 8 }],
    ]);
    assert.deepEqual(sampleSeeds(3, 10), [10, 11, 12]);
    assert.equal(new Set(sampleSeeds(5)).size, 5);
    assert.throws(() => cellsOf([{ temperature: 0 }], 3, [1]), /3 samples need 3 seeds/);
  });

  it('varies models and variants by name: columns hold strings, cells no generation setting for them', () => {
    const columns = columnsOf([{ name: 'model', values: ['local', 'openai/gpt-4o-mini'] }, { name: 'temperature', values: [0, 1] }]);
    assert.deepEqual(columns, [
      { model: 'local', temperature: 0 }, { model: 'local', temperature: 1 },
      { model: 'openai/gpt-4o-mini', temperature: 0 }, { model: 'openai/gpt-4o-mini', temperature: 1 },
    ]);
    assert.deepEqual(columns.map(columnLabel), [
      'model local · temperature 0', 'model local · temperature 1', 'model openai/gpt-4o-mini · temperature 0', 'model openai/gpt-4o-mini · temperature 1',
    ]);
    const cells = settingsOf(columnsOf([{ name: 'variant', values: ['default', 'formal'] }, { name: 'shots', values: [1] }]), 1, [3]);
    assert.deepEqual(cells.map((c) => [c.column, c.shots, c.settings]), [[0, 1, { seed: 3 }], [1, 1, { seed: 3 }]], 'the variant is not sent to the backend');
    assert.deepEqual(settingsOf(columns, 1)[3]!.settings, { temperature: 1 }, 'the model is not sent as a setting either');
    assert.equal(variantOf({ variant: 'default' }), undefined, 'default is the file itself');
    assert.equal(variantOf({ variant: 'formal' }), 'formal');
    assert.equal(variantOf({ temperature: 1 }), undefined);
  });

  it('checks every axis in one place: known names, numbers for settings, names for model and variant', () => {
    assert.deepEqual(checkedAxis('variant', ['', ' formal ']), { name: 'variant', values: ['default', 'formal'] }, 'an empty variant is the file itself');
    assert.deepEqual(checkedAxis('model', [' local/stories260K']), { name: 'model', values: ['local/stories260K'] });
    assert.deepEqual(checkedAxis('topK', [1, 5]), { name: 'topK', values: [1, 5] });
    assert.throws(() => checkedAxis('temperature', ['0.5']), /temperature: "0\.5" must be a number/);
    assert.throws(() => checkedAxis('topP', [Number.NaN]), /must be a number/);
    assert.throws(() => checkedAxis('model', [3]), /model: 3 must be a name/);
    assert.throws(() => checkedAxis('model', ['gpt 4']), /"gpt 4" must be a model id without spaces/);
    assert.throws(() => checkedAxis('variant', ['../x']), /"\.\.\/x" must be a variant name/);
    assert.throws(() => checkedAxis('colour', [1]), /'colour' is no axis/);
    assert.throws(() => checkedAxis('model', []), /no values/);
    // Data from outside (a command's arguments) meets the same check in columnsOf.
    assert.throws(() => columnsOf([{ name: 'temperature', values: ['hot'] } as unknown as Axis]), /must be a number/);
    assert.throws(() => columnsOf([{ name: 'model', values: ['a'] }, { name: 'model', values: ['b'] }]), /twice/);
  });

  it('finds a prompt\'s variants beside it, and where a model id runs', () => {
    assert.equal(variantFileName('story.prompt', 'short'), 'story.short.prompt');
    assert.deepEqual(variantsAmong('story.prompt', ['story.prompt', 'story.short.prompt', 'story.formal.prompt', 'story.a.b.prompt', 'story-x.prompt', 'story.txt', 'other.short.prompt']), ['formal', 'short']);
    const backends = new Set(['local', 'openai']);
    const isBackend = (id: string) => backends.has(id);
    assert.deepEqual(resolveModelId('openai/gpt-4o-mini', isBackend, 'local'), { backend: 'openai', model: 'gpt-4o-mini' });
    assert.deepEqual(resolveModelId('local', isBackend, 'openai'), { backend: 'local' }, 'a backend\'s id: its default model');
    assert.deepEqual(resolveModelId('gpt-4o', isBackend, 'openai'), { backend: 'openai', model: 'gpt-4o' }, 'a bare model: the default backend\'s');
    assert.deepEqual(resolveModelId('ollama/llama3', isBackend, 'local'), { backend: 'ollama', model: 'llama3' }, 'a provider names its backend, configured or not');
    assert.deepEqual(resolveModelId(undefined, isBackend, 'local'), { backend: 'local' });
  });
});

describe('prompt-lab compare (local model)', function () {
  this.timeout(60_000);
  const root = path.resolve(__dirname, '../../..');
  const args = ['compare', path.join(root, 'prompts/continue-story.prompt'), '--backend', 'local', '--model-path', path.resolve(root, '../shared/models/stories260K.gguf'), '--max-tokens', '12', '--samples', '2', '--seed', '5'];

  async function cli(...extra: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await runCli([...args, ...extra], { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } }, 'test');
    return { code, stdout, stderr };
  }

  it('runs every cell and records it; temperature 0 gives one text, fixed seeds reproduce', async () => {
    const { code, stdout, stderr } = await cli('--temperatures', '0,1.2', '--json');
    assert.equal(code, 0, stderr);
    const record = JSON.parse(stdout) as ComparisonRecord;
    assert.equal(record.version, 1);
    assert.match(record.id, /^[0-9a-f-]{36}$/);
    assert.equal(record.prompt.fileName, 'continue-story.prompt');
    assert.match(record.prompt.sha256, /^[0-9a-f]{16}$/);
    assert.equal(record.backend, 'local');
    assert.deepEqual(record.axes, [{ name: 'temperature', values: [0, 1.2] }]);
    assert.deepEqual(record.seeds, [5, 6]);
    assert.deepEqual(record.settings, { maxOutputTokens: 12 });
    assert.deepEqual(record.columns.map((column) => column.label), ['temperature 0', 'temperature 1.2']);
    assert.equal(record.cells.length, 4);
    for (const cell of record.cells) {
      assert.equal(cell.status, 'done');
      assert.equal(cell.text, cell.result!.text, 'the streamed text is the result\'s');
      if (cell.column === 1) assert.equal(cell.result!.parameters.seed, record.seeds[cell.sample], 'row i\'s seed (greedy cells need none)');
      assert.equal('logprobs' in cell.result!, false);
    }
    // The prompt's tokens, counted in-process; the local model is free.
    assert.ok(record.tokens!.total > 0 && record.tokens!.parts.length > 0);
    assert.deepEqual(record.tokens!.price, { input: 0, output: 0, source: 'local' });
    const text = (column: number, sample: number) => record.cells.find((c) => c.column === column && c.sample === sample)!.result!.text;
    assert.equal(text(0, 0), text(0, 1), 'greedy samples agree');
    assert.notEqual(text(1, 0), text(1, 1), 'different seeds differ at temperature 1.2');
    assert.match(stderr, /\[4\/4\]/);
    const again = JSON.parse((await cli('--temperatures', '0,1.2', '--json')).stdout);
    assert.equal(again.cells[1].result.text, record.cells[1]!.result!.text, 'the same seed reproduces a sample');
  });

  it('measures each column: diversity among samples, and agreement with the prompt\'s reference', async () => {
    const { stdout } = await cli('--temperatures', '0,1.5', '--json');
    const [greedy, hot] = JSON.parse(stdout).columns.map((column: { metrics: Record<string, number> }) => column.metrics);
    assert.equal(greedy.meanPairwiseRougeL, 1, 'greedy samples are identical');
    assert.ok(hot.distinct2 > greedy.distinct2, `distinct-2 ${hot.distinct2} at 1.5 vs ${greedy.distinct2} at 0`);
    assert.equal(greedy.rouge1, undefined, 'continue-story names no reference');
    let out = '';
    const summarize = ['compare', path.join(root, 'prompts/summarize-dialogue.prompt'), ...args.slice(2), '--temperatures', '0', '--json'];
    assert.equal(await runCli(summarize, { stdout: (t) => { out += t; }, stderr: () => undefined }, 'test'), 0);
    const metrics = JSON.parse(out).columns[0].metrics;
    for (const key of ['rouge1', 'rouge2', 'rougeL']) assert.ok(metrics[key] >= 0 && metrics[key] <= 1, `${key} ${metrics[key]}`);
    assert.ok(metrics.bleu >= 0 && metrics.bleu <= 100);
  });

  it('prints the columns side by side, and rejects a bad axis (exit 2)', async () => {
    const { code, stdout } = await cli('--temperatures', '0,1');
    assert.equal(code, 0);
    assert.match(stdout.split('\n')[0]!, /^temperature 0\s+│ temperature 1/);
    assert.equal((await cli('--axis', 'colour=1,2')).code, 2);
  });

  it('compares models: each column on the backend and model its id names', async () => {
    const { code, stdout, stderr } = await cli('--axis', 'model=local,local/stories260K', '--json');
    assert.equal(code, 0, stderr);
    const record = JSON.parse(stdout) as ComparisonRecord;
    assert.deepEqual(record.axes, [{ name: 'model', values: ['local', 'local/stories260K'] }], 'no temperature axis is added to a model axis');
    assert.deepEqual(record.columns.map(({ label, settings, backend, model }) => ({ label, settings, backend, model })), [
      { label: 'model local', settings: { model: 'local' }, backend: 'local', model: '' },
      { label: 'model local/stories260K', settings: { model: 'local/stories260K' }, backend: 'local', model: 'stories260K' },
    ]);
    assert.equal(record.tokens!.price, undefined, 'the prompt\'s price is not every column\'s');
    for (const cell of record.cells) {
      assert.equal(cell.status, 'done');
      assert.equal(cell.result!.backend, 'local');
      assert.equal(cell.result!.model, 'stories260K', 'local with no model named reports its file\'s');
      assert.equal('model' in cell.result!.parameters, false, 'the axis is no generation setting');
    }
    // Both ids load the same file: with the same seeds, row i reads the same in both columns.
    const text = (column: number, sample: number) => record.cells.find((c) => c.column === column && c.sample === sample)!.text;
    assert.equal(text(0, 0), text(1, 0));
    assert.equal(text(0, 1), text(1, 1));
    assert.match(stderr, /on each column's model/);
  });

  it('rejects a model no backend can run before anything runs (exit 2), naming the value', async () => {
    const scratch = mkdtempSync(path.join(tmpdir(), 'prompt-lab-compare-'));
    try {
      const unknown = await cli('--axis', 'model=local,nowhere/x');
      assert.equal(unknown.code, 2);
      assert.match(unknown.stderr, /--axis model: 'nowhere\/x' runs on backend 'nowhere', which is not configured\. Configured: local/);
      assert.doesNotMatch(unknown.stderr, /\[1\//, 'no cell ran');
      const config = path.join(scratch, 'promptlab.config.json');
      writeFileSync(config, JSON.stringify({ backends: [{ id: 'elsewhere', kind: 'local', modelPath: path.join(scratch, 'gone.gguf') }] }));
      const noFile = await cli('--config', config, '--axis', 'model=local,elsewhere');
      assert.equal(noFile.code, 2);
      assert.match(noFile.stderr, /--axis model: 'elsewhere': the model file .*gone\.gguf \(from "modelPath" of backend 'elsewhere' in .*promptlab\.config\.json\): no such file/);
      assert.match((await cli('--axis', 'model=local', '--model', 'x')).stderr, /give --model or --axis model, not both/);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
});

describe('prompt-lab compare across variants (local model)', function () {
  this.timeout(60_000);
  const root = path.resolve(__dirname, '../../..');
  const story = path.join(root, 'test/fixtures/cli/story.prompt');
  const args = ['compare', story, '--backend', 'local', '--model-path', path.resolve(root, '../shared/models/stories260K.gguf'), '--samples', '1', '--seed', '1'];

  async function cli(...extra: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await runCli([...args, ...extra], { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } }, 'test');
    return { code, stdout, stderr };
  }

  it('renders each column from its own file, with the same inputs', async () => {
    const { code, stdout, stderr } = await cli('--axis', 'variant=default,short', '--input', 'character=fox', '--json');
    assert.equal(code, 0, stderr);
    const record = JSON.parse(stdout) as ComparisonRecord;
    assert.deepEqual(record.columns.map((column) => column.label), ['variant default', 'variant short']);
    assert.equal(record.columns[0]!.backend, undefined, 'no model axis: the record\'s backend');
    assert.match(record.prompt.messages[0]!.content, /^Once upon a time, there was a little fox/, 'the record keeps the prompt\'s own messages');
    const [base, short] = record.cells;
    // Each file's own config: story.prompt allows 10 tokens, story.short.prompt 3.
    assert.equal(base!.result!.parameters.maxTokens, 10);
    assert.equal(short!.result!.parameters.maxTokens, 3);
    assert.ok(short!.result!.usage.completionTokens <= 3);
    // Each file's own text: "The fox ran." is far shorter than the story's opening.
    assert.ok(short!.result!.usage.promptTokens < base!.result!.usage.promptTokens / 2, `${short!.result!.usage.promptTokens} vs ${base!.result!.usage.promptTokens}`);
    assert.equal(record.tokens!.parts.find((part) => part.name === 'content')!.tokens > 10, true, 'the budget is the prompt\'s own');
  });

  it('rejects a variant without a file, or with errors, before anything runs (exit 2)', async () => {
    const missing = await cli('--axis', 'variant=default,missing');
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /--axis variant: 'missing' has no file .*story\.missing\.prompt/);
    const broken = await cli('--axis', 'variant=broken,default');
    assert.equal(broken.code, 2);
    assert.match(broken.stderr, /story\.broken\.prompt:5:16: error: config\.temperature must be a number from 0 to 2/);
    assert.match(broken.stderr, /--axis variant: 'broken': .*story\.broken\.prompt cannot be rendered/);
    assert.doesNotMatch(broken.stderr, /\[1\//, 'no cell ran');
    assert.equal((await cli('--axis', 'variant=a.b')).code, 2, 'not a variant name');
    assert.match((await cli('--axis', 'variant=short', '--variant', 'short')).stderr, /give --variant or --axis variant, not both/);
  });
});

describe('prompt-lab compare over a server that fails', function () {
  this.timeout(30_000);
  const root = path.resolve(__dirname, '../../..');
  let server: FaultServer;
  before(async () => { server = await startFaultServer(); });
  after(() => server.close());

  it('shows each failed cell inline with its error and partial text; the others finish; exit 1', async () => {
    // One at a time, so the script's faults meet the cells in order: row 0 (T 0, T 1), then row 1.
    server.script(
      { kind: 'ok' },
      { kind: 'status', status: 400, message: 'max_tokens is too large' },
      { kind: 'reset', afterChunks: 2 },
      { kind: 'ok' },
    );
    let stdout = '';
    let stderr = '';
    const args = ['compare', path.join(root, 'prompts/continue-story.prompt'), '--base-url', server.url, '--model', 'gpt-4o-mini',
      '--temperatures', '0,1', '--samples', '2', '--seed', '1', '--concurrency', '1', '--json'];
    const code = await runCli(args, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } }, 'test');
    assert.equal(code, 1, 'a failed cell is a finding');
    const record = JSON.parse(stdout) as ComparisonRecord;
    assert.deepEqual(record.cells.map((cell) => cell.status), ['done', 'failed', 'failed', 'done']);
    assert.equal(record.cells[0]!.text, DEFAULT_TOKENS.join(''));
    assert.match(record.cells[1]!.result!.error!.message, /max_tokens is too large/);
    assert.equal(record.cells[1]!.result!.error!.status, 400);
    assert.equal(record.cells[2]!.text, DEFAULT_TOKENS.slice(0, 2).join(''), 'the partial text is kept');
    assert.ok(record.cells[2]!.result!.error, 'the dropped connection is an error, not a short answer');
    assert.equal(server.requests.length, 4, 'no retry once text had arrived, none on a 400');
    // The column with a failure still has metrics over what finished.
    assert.equal(record.columns[1]!.metrics!.meanWords, 5);
    assert.match(stderr, /\[2\/4\] temperature 1, sample 1: error: .*max_tokens is too large/);
  });
});
