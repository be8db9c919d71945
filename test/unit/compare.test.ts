import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import { cellsOf, columnsOf, runLimited, sampleSeeds } from '../../src/core/compare';
import type { ComparisonRecord } from '../../src/core/comparison';

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
    const cells = cellsOf(columnsOf([{ name: 'temperature', values: [0.2, 0.9] }, { name: 'shots', values: [1] }]), 2, [7, 8]);
    assert.deepEqual(cells.map((c) => [c.column, c.sample, c.seed, c.shots, c.overrides]), [
      [0, 0, 7, 1, { temperature: 0.2, seed: 7 }], [1, 0, 7, 1, { temperature: 0.9, seed: 7 }],
      [0, 1, 8, 1, { temperature: 0.2, seed: 8 }], [1, 1, 8, 1, { temperature: 0.9, seed: 8 }],
    ]);
    assert.deepEqual(sampleSeeds(3, 10), [10, 11, 12]);
    assert.equal(new Set(sampleSeeds(5)).size, 5);
    assert.throws(() => cellsOf([{ temperature: 0 }], 3, [1]), /3 samples need 3 seeds/);
  });

  it('never runs more than the limit at once, and keeps the order of results', async () => {
    let running = 0;
    let most = 0;
    const results = await runLimited([5, 1, 4, 2, 3], 2, async (delay, index) => {
      most = Math.max(most, ++running);
      await new Promise((resolve) => setTimeout(resolve, delay * 5));
      running--;
      return index;
    });
    assert.deepEqual(results, [0, 1, 2, 3, 4]);
    assert.equal(most, 2);
  });

  it('starts nothing more once cancelled', async () => {
    const controller = new AbortController();
    const started: number[] = [];
    const results = await runLimited([1, 2, 3, 4], 1, async (item) => {
      started.push(item);
      if (item === 2) controller.abort();
      return `ran ${item}`;
    }, controller.signal, (item) => `skipped ${item}`);
    assert.deepEqual(started, [1, 2]);
    assert.deepEqual(results, ['ran 1', 'ran 2', 'skipped 3', 'skipped 4']);
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
});
