// The local backend decodes every request alone by default (one sequence per context), so a seeded
// cell's text never depends on what runs beside it; batching (`sequences`: requests decoded together
// as sequences of one context) is opt-in, because llama.cpp's batched results depend on the batch's
// composition. On the real model (../shared/models/stories260K.gguf, one thread).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { GenerationConfig, GenerationResult } from '../../src/backends/backend';
import { concurrencyOfBackend, readBackendConfigs, type BackendConfig } from '../../src/backends/backendConfig';
import { LocalBackend } from '../../src/backends/local/localBackend';

const root = path.resolve(__dirname, '../../..');
const STORIES_MODEL = path.resolve(root, '../shared/models/stories260K.gguf');
const OPENING = 'Once upon a time, there was a little cat who lived in a big garden. One day,';

/** A 4 × 3 comparison's cells: four temperatures, three seeds each, 48 tokens. */
const GRID: GenerationConfig[] = [0, 0.5, 1, 1.5].flatMap((temperature) => [11, 12, 13].map((seed) => ({ temperature, seed, maxOutputTokens: 48 })));
/** Twelve prompts for greedy cells (T=0: the text depends on the prompt alone). */
const OPENINGS = ['cat', 'dog', 'bird', 'girl', 'boy', 'mom', 'tree', 'ball', 'car', 'fish', 'king', 'bear']
  .map((hero) => `Once upon a time, there was a little ${hero}. One day,`);

describe('local backend: each request decoded alone by default, batching opt-in', function () {
  this.timeout(180000);
  const backends: LocalBackend[] = [];
  const logs: string[] = [];
  const backend = (extra: Partial<BackendConfig> = {}) => {
    const created = new LocalBackend({ id: 'local', kind: 'local', modelPath: STORIES_MODEL, threads: 1, ...extra }, { log: (line) => logs.push(line) }, { env: {} });
    backends.push(created);
    return created;
  };
  const run = (on: LocalBackend, config: GenerationConfig, content = OPENING): Promise<GenerationResult> =>
    on.generate({ model: '', messages: [{ role: 'user', content }], config });
  const texts = (results: GenerationResult[]) => results.map((result) => {
    assert.equal(result.error, undefined);
    return result.text;
  });

  after(async () => {
    await Promise.all(backends.map((b) => b.dispose()));
  });

  it('reads `sequences` as a whole number and makes it the default concurrency of a local backend only', () => {
    assert.equal(concurrencyOfBackend({ id: 'local', kind: 'local' }), 2);
    assert.equal(concurrencyOfBackend({ id: 'local', kind: 'local', sequences: 12 }), 12);
    assert.equal(concurrencyOfBackend({ id: 'local', kind: 'local', sequences: 12, concurrency: 3 }), 3);
    assert.equal(concurrencyOfBackend({ id: 'x', kind: 'openai', sequences: 12 }), 4);
    const { backends: read, problems } = readBackendConfigs([{ id: 'a', kind: 'local', sequences: 12 }, { id: 'b', kind: 'local', sequences: 0 }, { id: 'c', kind: 'local', sequences: 1.5 }]);
    assert.deepEqual(read.map((config) => config.sequences), [12]);
    assert.deepEqual(problems.map((problem) => problem.message), ['sequences must be a whole number of at least 1', 'sequences must be a whole number of at least 1']);
  });

  it('by default, gives a seeded 4 × 3 grid the same texts when it runs again in another order', async () => {
    const solo = backend();
    assert.equal(solo.concurrency, 2);
    const first = texts(await Promise.all(GRID.map((config) => run(solo, config))));
    const reversed = texts(await Promise.all([...GRID].reverse().map((config) => run(solo, config)))).reverse();
    assert.deepEqual(reversed, first);
    assert.ok(logs.some((line) => /2 sequences of \d+ tokens, each decoded alone/.test(line)), logs.join('\n'));
    // The grid is not twelve copies of one text: seeds and temperatures made a difference.
    assert.ok(new Set(first).size >= 8, first.join('\n'));
    // Twelve at once, each in a context of its own (made as requests need them), and one after
    // another: the same texts again.
    const wide = backend({ concurrency: 12 });
    assert.deepEqual(texts(await Promise.all(GRID.map((config) => run(wide, config)))), first);
    const alone = [];
    for (const config of GRID.slice(0, 6)) alone.push((await run(solo, config)).text);
    assert.deepEqual(alone, first.slice(0, 6));
  });

  // What batching does NOT promise, and is therefore not asserted: that a cell's text equals the
  // same cell alone, even at T=0, or that a batched grid run again in the same order reproduces
  // itself. On this 2-core machine each failed about once in ten runs (a few cells of the grid got
  // other texts); bench/compare.bench.mjs counts how often.
  it('with `sequences` set, decodes up to that many requests together, each to its own end', async () => {
    const batched = backend({ sequences: 12 });
    assert.equal(batched.concurrency, 12, 'sequences is the default concurrency');
    const results = await Promise.all(GRID.map((config) => run(batched, config)));
    const first = texts(results);
    assert.ok(logs.some((line) => /12 sequences of \d+ tokens, decoded together 12 per context/.test(line)), logs.join('\n'));
    for (const result of results) assert.ok(result.usage.completionTokens === 48 || result.finishReason === 'stop', `${result.usage.completionTokens} tokens, ${result.finishReason}`);
    // Seeds and temperatures still make a difference per sequence.
    assert.ok(new Set(first).size >= 8, first.join('\n'));
    const greedy = texts(await Promise.all(OPENINGS.map((opening) => run(batched, { temperature: 0, maxOutputTokens: 48 }, opening))));
    assert.ok(new Set(greedy).size >= 6, 'twelve prompts side by side keep their own texts');
  });

  it('with `sequences` and a smaller concurrency, makes contexts of that many sequences', async () => {
    const narrow = backend({ sequences: 12, concurrency: 3 });
    assert.equal(narrow.concurrency, 3);
    assert.equal((await run(narrow, { temperature: 0, maxOutputTokens: 4 })).usage.completionTokens, 4);
    assert.ok(logs.some((line) => /3 sequences of \d+ tokens, decoded together 3 per context/.test(line)), logs.join('\n'));
  });
});
