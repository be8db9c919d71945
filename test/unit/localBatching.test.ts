// The local backend decodes concurrent requests as sequences of one context, in one batch per step
// (localModelHost.ts): on the real model (../shared/models/stories260K.gguf), a cell's text must not
// depend on what runs beside it, at T=0 and with a seed at T>0.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { GenerationConfig, GenerationResult } from '../../src/backends/backend';
import { LocalBackend } from '../../src/backends/local/localBackend';

const root = path.resolve(__dirname, '../../..');
const STORIES_MODEL = path.resolve(root, '../shared/models/stories260K.gguf');
const OPENING = 'Once upon a time, there was a little cat who lived in a big garden. One day,';

/** A 4 × 3 comparison's cells: four temperatures, three seeds each. */
const GRID: GenerationConfig[] = [0, 0.5, 1, 1.5].flatMap((temperature) => [11, 12, 13].map((seed) => ({ temperature, seed, maxOutputTokens: 48 })));

describe('local backend: concurrent requests batched as sequences of one context', function () {
  this.timeout(120000);
  const backends: LocalBackend[] = [];
  const logs: string[] = [];
  const backend = (concurrency?: number) => {
    const created = new LocalBackend({ id: 'local', kind: 'local', modelPath: STORIES_MODEL, ...(concurrency !== undefined ? { concurrency } : {}) }, { log: (line) => logs.push(line) }, { env: {} });
    backends.push(created);
    return created;
  };
  const run = (on: LocalBackend, config: GenerationConfig): Promise<GenerationResult> =>
    on.generate({ model: '', messages: [{ role: 'user', content: OPENING }], config });

  after(async () => {
    await Promise.all(backends.map((b) => b.dispose()));
  });

  it('gives every cell of a 4 × 3 grid the same text alone (one sequence) and beside 11 others (12 sequences)', async () => {
    const alone = backend(1);
    const solo: GenerationResult[] = [];
    for (const config of GRID) solo.push(await run(alone, config));
    const batched = backend();
    const together = await Promise.all(GRID.map((config) => run(batched, config)));
    assert.equal(batched.concurrency, 12, 'the test model gets 12 sequences by default');
    assert.ok(logs.some((line) => /12 sequences of \d+ tokens/.test(line)), logs.join('\n'));
    for (const [i, config] of GRID.entries()) {
      assert.equal(together[i]!.error, undefined);
      assert.equal(together[i]!.usage.completionTokens, solo[i]!.usage.completionTokens, `cell ${i} (T=${config.temperature}, seed ${config.seed})`);
      assert.equal(together[i]!.text, solo[i]!.text, `cell ${i} (T=${config.temperature}, seed ${config.seed})`);
    }
    // The grid is not twelve copies of one text: seeds and temperatures made a difference.
    assert.ok(new Set(together.map((result) => result.text)).size >= 8, together.map((result) => result.text).join('\n'));
  });

  it('gives the same texts again when the grid runs a second time in another order (other sequences)', async () => {
    const batched = backend();
    const first = await Promise.all(GRID.map((config) => run(batched, config)));
    const reversed = await Promise.all([...GRID].reverse().map((config) => run(batched, config)));
    assert.deepEqual(reversed.reverse().map((result) => result.text), first.map((result) => result.text));
  });

  it('fits fewer sequences (at least two) into a memory budget when none are configured; configured sequences are kept', async () => {
    const fitted = new LocalBackend({ id: 'local', kind: 'local', modelPath: STORIES_MODEL }, {}, { env: {}, contextMemoryBytes: 1 });
    backends.push(fitted);
    assert.equal(fitted.concurrency, 12, 'before loading: the default');
    await run(fitted, { temperature: 0, maxOutputTokens: 2 });
    assert.equal(fitted.concurrency, 2, 'no budget: the two sequences of before');
    const explicit = new LocalBackend({ id: 'local', kind: 'local', modelPath: STORIES_MODEL, concurrency: 5 }, {}, { env: {}, contextMemoryBytes: 1 });
    backends.push(explicit);
    await run(explicit, { temperature: 0, maxOutputTokens: 2 });
    assert.equal(explicit.concurrency, 5);
  });
});
