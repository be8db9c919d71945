// ComparisonRun against an instrumented runCell: how many cells run at once and in which order,
// stopping, rerunning a column while the rest runs, failures, the text cap and the column metrics;
// newComparison's record.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cellSettings, columnTarget, type CellResult, type CellUpdate, type ComparisonCell, type ComparisonRecord } from '../../src/core/comparison';
import { ComparisonRun, newComparison, sha256Prefix, type RunCell } from '../../src/core/comparisonRun';
import type { ColumnMetrics } from '../../src/core/metrics';

function comparison(temperatures: number[], samples: number, extra: Partial<Parameters<typeof newComparison>[0]> = {}): ComparisonRecord {
  return newComparison({
    file: '/prompts/story.prompt', fileName: 'story.prompt', text: 'hello', messages: [{ role: 'user', content: 'Tell a story.' }],
    backend: 'fake', model: 'm', axes: [{ name: 'temperature', values: temperatures }], samples,
    seeds: Array.from({ length: samples }, (_, i) => 10 + i), settings: { maxOutputTokens: 5 }, ...extra,
  });
}

function result(text: string, more: Partial<CellResult> = {}): CellResult {
  return {
    text, finishReason: 'stop', usage: { promptTokens: 3, completionTokens: text.split(' ').length, estimated: false }, latencyMs: 5,
    backend: 'fake', model: 'm', parameters: {}, warnings: [], ...more,
  };
}

const tick = (ms = 0) => new Promise((resolve) => setTimeout(resolve, ms));

/** A runCell whose cells each wait until the test ends them (or their signal aborts). */
function controlledCells() {
  const pending = new Map<number, { cell: ComparisonCell; signal: AbortSignal; onText: (text: string) => void; end: (value: CellResult | Error) => void }>();
  const started: number[] = [];
  let running = 0;
  let most = 0;
  const runCell: RunCell = (cell, index, signal, onText) => new Promise<CellResult>((resolve, reject) => {
    started.push(index);
    most = Math.max(most, ++running);
    const end = (value: CellResult | Error) => {
      running--;
      pending.delete(index);
      if (value instanceof Error) reject(value);
      else resolve(value);
    };
    pending.set(index, { cell, signal, onText, end });
  });
  return {
    runCell, pending, started,
    get most() { return most; },
    get running() { return running; },
    end(index: number, value: CellResult | Error) {
      const entry = pending.get(index);
      assert.ok(entry, `cell ${index} is not running`);
      entry.end(value);
    },
  };
}

function recorder() {
  const updates: CellUpdate[] = [];
  const metrics: [number, ColumnMetrics][] = [];
  return { updates, metrics, onUpdate: (u: CellUpdate) => { updates.push(structuredClone(u)); }, onColumnMetrics: (c: number, m: ColumnMetrics) => { metrics.push([c, m]); } };
}

describe('ComparisonRun', () => {
  it('never runs more cells than the limit, and starts them row by row', async () => {
    const record = comparison([0, 0.5, 1], 3);
    let running = 0;
    let most = 0;
    const started: number[] = [];
    const run = new ComparisonRun(record, async (_cell, index) => {
      started.push(index);
      most = Math.max(most, ++running);
      await tick((index * 7) % 5);
      running--;
      return result(`text ${index}`);
    }, { limit: 2 });
    await run.run();
    assert.equal(most, 2);
    assert.deepEqual(started, [0, 1, 2, 3, 4, 5, 6, 7, 8]);
    assert.ok(run.settled);
    assert.deepEqual(record.cells.map((cell) => [cell.status, cell.text]), record.cells.map((_, i) => ['done', `text ${i}`]));
    assert.throws(() => new ComparisonRun(record, async () => result(''), { limit: 0 }), /at least 1/);
  });

  it('reports every change in the order it happened, and mutates the record in place', async () => {
    const record = comparison([0], 1);
    const cells = controlledCells();
    const seen = recorder();
    const run = new ComparisonRun(record, cells.runCell, { limit: 1, ...seen });
    const done = run.run();
    assert.equal(record.cells[0]!.status, 'running');
    cells.pending.get(0)!.onText('Once ');
    cells.pending.get(0)!.onText('upon');
    assert.equal(record.cells[0]!.text, 'Once upon', 'the record holds the text so far');
    cells.end(0, { ...result('Once upon'), logprobs: [{ token: 'x', logprob: -1, top: [] }] } as CellResult);
    await done;
    assert.deepEqual(seen.updates, [
      { index: 0, status: 'running' },
      { index: 0, append: 'Once ' },
      { index: 0, append: 'upon' },
      { index: 0, status: 'done', result: result('Once upon') },
    ]);
    assert.equal('logprobs' in record.cells[0]!.result!, false, 'log-probabilities stay out of the record');
    assert.equal(cells.most, 1);
  });

  it('stops a queued cell at once and a running one through its signal', async () => {
    const record = comparison([0, 1], 2);
    const cells = controlledCells();
    const seen = recorder();
    const run = new ComparisonRun(record, cells.runCell, { limit: 1, ...seen });
    const done = run.run();
    run.stop(2);
    assert.equal(record.cells[2]!.status, 'stopped');
    assert.deepEqual(seen.updates.at(-1), { index: 2, status: 'stopped' });
    run.stop(0);
    const first = cells.pending.get(0)!;
    assert.ok(first.signal.aborted);
    first.onText('half a');
    // A backend that ignores the abort and says 'stop' is still a stopped cell.
    cells.end(0, result('half a story'));
    await tick();
    assert.equal(record.cells[0]!.status, 'stopped');
    assert.equal(record.cells[0]!.text, 'half a story');
    cells.end(1, result('one'));
    await tick();
    cells.end(3, result('three', { finishReason: 'abort' }));
    await done;
    assert.deepEqual(cells.started, [0, 1, 3], 'the stopped queued cell never ran');
    assert.deepEqual(record.cells.map((cell) => cell.status), ['stopped', 'done', 'stopped', 'stopped']);
    run.stop(1);
    assert.equal(record.cells[1]!.status, 'done', 'stopping an ended cell changes nothing');
  });

  it('stops every cell at once', async () => {
    const record = comparison([0, 1, 2], 2);
    const cells = controlledCells();
    const run = new ComparisonRun(record, cells.runCell, { limit: 2 });
    const done = run.run();
    cells.pending.get(1)!.onText('partial');
    run.stop();
    assert.deepEqual(record.cells.map((cell) => cell.status), ['running', 'running', 'stopped', 'stopped', 'stopped', 'stopped']);
    for (const [index, entry] of [...cells.pending]) {
      assert.ok(entry.signal.aborted);
      cells.end(index, result(index === 1 ? 'partial' : '', { finishReason: 'abort' }));
    }
    await done;
    assert.ok(run.settled);
    assert.deepEqual(record.cells.map((cell) => cell.status), new Array(6).fill('stopped'));
    assert.equal(record.cells[1]!.text, 'partial');
    assert.deepEqual(cells.started, [0, 1]);
  });

  it('reruns a column while the others run, sharing the limit, with the same seeds', async () => {
    const record = comparison([0, 1], 2);
    const cells = controlledCells();
    const seen = recorder();
    const run = new ComparisonRun(record, cells.runCell, { limit: 2, ...seen });
    const all = run.run();
    cells.end(0, result('a first'));
    await tick();
    cells.end(2, result('a second'));
    await tick();
    assert.equal(seen.metrics.length, 1, 'column 0 ended');
    assert.ok(record.columns[0]!.metrics);
    // Column 1's cells are running now (1 and 3); rerun column 0 while they do.
    assert.deepEqual([...cells.pending.keys()].sort(), [1, 3]);
    seen.updates.length = 0;
    const rerun = run.rerunColumn(0);
    assert.deepEqual(seen.updates, [{ index: 0, reset: true, status: 'queued' }, { index: 2, reset: true, status: 'queued' }]);
    assert.deepEqual(record.cells.filter((c) => c.column === 0).map((c) => [c.status, c.text, c.result]), [['queued', '', undefined], ['queued', '', undefined]]);
    assert.equal(record.columns[0]!.metrics, undefined, 'the old metrics are gone');
    assert.equal(cells.running, 2, 'no room until a running cell ends');
    cells.end(1, result('b first'));
    await tick();
    assert.deepEqual(cells.started, [0, 1, 2, 3, 0]);
    assert.equal(cells.pending.get(0)!.cell.seed, 10);
    cells.end(0, result('a again'));
    await tick();
    cells.end(3, result('b second'));
    await tick();
    cells.end(2, result('a again, second'));
    await rerun;
    await all;
    assert.ok(cells.most <= 2);
    assert.deepEqual(record.cells.map((c) => c.text), ['a again', 'b first', 'a again, second', 'b second']);
    assert.deepEqual(seen.metrics.map(([column]) => column), [0, 1, 0]);
    const metrics = (column: number) => record.columns[column]!.metrics;
    assert.equal(metrics(0)!.meanWords, 2.5);
  });

  it('drops a reset cell\'s late text and result, and holds its slot until it returns', async () => {
    const record = comparison([0], 1);
    const cells = controlledCells();
    const seen = recorder();
    const run = new ComparisonRun(record, cells.runCell, { limit: 1, ...seen });
    void run.run();
    const old = cells.pending.get(0)!;
    old.onText('old text');
    const rerun = run.rerunColumn(0);
    assert.ok(old.signal.aborted);
    old.onText(' and more');
    assert.equal(record.cells[0]!.text, '');
    assert.deepEqual(cells.started, [0], 'the old run still holds the only slot');
    old.end(result('old text and more', { finishReason: 'abort' }));
    await tick();
    assert.equal(record.cells[0]!.status, 'running');
    assert.equal(cells.started.length, 2);
    cells.end(0, result('new text'));
    await rerun;
    assert.equal(record.cells[0]!.text, 'new text');
    assert.equal(record.cells[0]!.status, 'done');
    assert.equal(seen.updates.filter((u) => u.result).length, 1, 'only the new run\'s result is reported');
    assert.equal(cells.most, 1);
  });

  it('records a throwing runCell as failed (or stopped when it was being stopped), never leaving it running', async () => {
    const record = comparison([0, 1, 2], 1);
    const run = new ComparisonRun(record, (cell, _index, signal, onText) => {
      if (cell.column === 0) throw new Error('no such model');
      onText('some');
      if (cell.column === 1) return Promise.reject(new Error('connection reset'));
      return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted'))));
    }, { limit: 3 });
    const done = run.run();
    await tick();
    run.stop(2);
    await done;
    const [first, second, third] = record.cells;
    assert.equal(first!.status, 'failed');
    assert.equal(first!.result!.error!.message, 'no such model');
    assert.equal(first!.result!.finishReason, 'error');
    assert.equal(second!.status, 'failed');
    assert.equal(second!.text, 'some', 'the text so far is kept');
    assert.equal(second!.result!.text, 'some');
    assert.equal(third!.status, 'stopped');
    assert.equal(third!.result!.finishReason, 'abort');
  });

  it('marks a result with an error as failed', async () => {
    const record = comparison([0], 1);
    await new ComparisonRun(record, async () => result('', { finishReason: 'error', error: { message: '429 rate limited', status: 429 } }), { limit: 1 }).run();
    assert.equal(record.cells[0]!.status, 'failed');
    assert.deepEqual(record.cells[0]!.result!.error, { message: '429 rate limited', status: 429 });
  });

  it('caps a cell\'s text, streamed and in its result', async () => {
    const record = comparison([0], 1);
    const seen = recorder();
    await new ComparisonRun(record, async (_cell, _index, _signal, onText) => {
      for (const piece of ['abc', 'def', 'gh']) onText(piece);
      return result('abcdefgh');
    }, { limit: 1, textLimit: 5, ...seen }).run();
    assert.deepEqual(seen.updates.filter((u) => u.append).map((u) => u.append), ['abc', 'de']);
    assert.equal(record.cells[0]!.text, 'abcde');
    assert.equal(record.cells[0]!.result!.text, 'abcde');
    // Never half a surrogate pair.
    const emoji = comparison([0], 1);
    await new ComparisonRun(emoji, async () => result('ab😀'), { limit: 1, textLimit: 3 }).run();
    assert.equal(emoji.cells[0]!.text, 'ab');
    const streamed = comparison([0], 1);
    await new ComparisonRun(streamed, async (_cell, _index, _signal, onText) => {
      onText('a😀b');
      return result('a😀b');
    }, { limit: 1, textLimit: 2 }).run();
    assert.equal(streamed.cells[0]!.text, 'a');
    await assert.rejects(new ComparisonRun(streamed, async () => result(''), { limit: 1 }).rerunColumn(5), /no column 5/);
  });

  it('measures each column once, when its last cell ended, over its done cells and the reference', async () => {
    const record = comparison([0, 1, 2], 2, { reference: 'the cat sat' });
    const seen = recorder();
    const texts: Record<number, string> = { 0: 'the cat sat', 3: 'the cat sat', 1: 'a dog ran', 4: 'the dog sat' };
    await new ComparisonRun(record, async (cell, index) => (cell.column === 2
      ? result('', { finishReason: 'error', error: { message: 'boom' } })
      : result(texts[index]!)), { limit: 2, ...seen }).run();
    assert.deepEqual(seen.metrics.map(([column]) => column).sort(), [0, 1], 'each column once; none for a column with nothing done');
    const [greedy, hot] = [record.columns[0]!.metrics!, record.columns[1]!.metrics!];
    assert.equal(greedy.meanPairwiseRougeL, 1);
    assert.equal(greedy.rouge1, 1);
    assert.ok(hot.rouge1! < 1);
    assert.equal(record.columns[2]!.metrics, undefined);
    // Emitted after the column's last cell ended, with the metrics the record holds.
    for (const [column, metrics] of seen.metrics) assert.deepEqual(record.columns[column]!.metrics, metrics);
  });

  it('leaves out failed cells from a column\'s metrics', async () => {
    const record = comparison([0], 3);
    await new ComparisonRun(record, async (_cell, index) => (index === 1 ? result('', { error: { message: 'x' } }) : result('one two')), { limit: 3 }).run();
    assert.equal(record.columns[0]!.metrics!.meanWords, 2);
    assert.equal(record.columns[0]!.metrics!.meanPairwiseRougeL, 1, 'two samples alike, the failed one not counted');
  });
});

describe('newComparison', () => {
  it('builds a record with every cell queued, columns labelled and the file hashed', () => {
    const record = newComparison({
      id: 'cmp-1', createdAt: new Date('2025-03-04T05:06:07Z'), file: '/p/story.prompt', fileName: 'story.prompt', text: 'hello',
      messages: [{ role: 'user', content: 'hi' }], backend: 'openai', model: 'gpt-4o-mini',
      axes: [{ name: 'temperature', values: [0, 1] }, { name: 'shots', values: [2] }], samples: 2, seeds: [7, 8, 9], settings: { topP: 0.9 },
      reference: 'ref',
    });
    assert.equal(record.version, 1);
    assert.equal(record.id, 'cmp-1');
    assert.equal(record.createdAt, '2025-03-04T05:06:07.000Z');
    assert.equal(record.prompt.sha256, '2cf24dba5fb0a30e', 'sha256("hello"), first 16 hex digits');
    assert.deepEqual(record.seeds, [7, 8]);
    assert.deepEqual(record.columns, [
      { label: 'temperature 0 · shots 2', settings: { temperature: 0, shots: 2 } },
      { label: 'temperature 1 · shots 2', settings: { temperature: 1, shots: 2 } },
    ]);
    assert.deepEqual(record.cells, [
      { column: 0, sample: 0, seed: 7, shots: 2, status: 'queued', text: '' },
      { column: 1, sample: 0, seed: 7, shots: 2, status: 'queued', text: '' },
      { column: 0, sample: 1, seed: 8, shots: 2, status: 'queued', text: '' },
      { column: 1, sample: 1, seed: 8, shots: 2, status: 'queued', text: '' },
    ]);
    assert.equal(record.reference, 'ref');
    assert.equal('tokens' in record, false);
    assert.deepEqual(JSON.parse(JSON.stringify(record)), record, 'plain, serialisable data');
  });

  it('gives a cell the fixed settings, its column\'s (shots is no setting) and its row\'s seed', () => {
    const record = newComparison({
      file: 'f', fileName: 'f', text: '', messages: [], backend: 'b', model: '', samples: 2, seeds: [1, 2], settings: { topP: 0.5, temperature: 2 },
      axes: [{ name: 'temperature', values: [0.3] }, { name: 'shots', values: [1] }],
    });
    assert.deepEqual(cellSettings(record, record.cells[1]!), { topP: 0.5, temperature: 0.3, seed: 2 });
  });

  it('leaves a model or variant axis out of a cell\'s settings: they pick what runs, not how', () => {
    const record = newComparison({
      file: 'f', fileName: 'f', text: '', messages: [], backend: 'b', model: '', samples: 1, seeds: [4], settings: { maxOutputTokens: 9 },
      axes: [{ name: 'model', values: ['local', 'openai/gpt-4o'] }, { name: 'variant', values: ['', 'short'] }],
      targetOf: (id) => (id === 'local' ? { backend: 'local', model: '' } : { backend: 'openai', model: 'gpt-4o' }),
    });
    assert.deepEqual(record.axes[1], { name: 'variant', values: ['default', 'short'] }, 'the record keeps the checked axes');
    for (const cell of record.cells) assert.deepEqual(cellSettings(record, cell), { maxOutputTokens: 9, seed: 4 });
  });

  it('gives each column of a model axis its backend and model, and a failure its column\'s', async () => {
    const budget = { total: 10, parts: [], overhead: 3, tokenizer: 'o200k_base', exact: false, contextWindow: 128_000, price: { input: 2.5, output: 10, source: 'built-in' } };
    const record = comparison([0], 1, {
      axes: [{ name: 'model', values: ['gpt-4o', 'local'] }], tokens: budget,
      targetOf: (id) => (id === 'local' ? { backend: 'local', model: '' } : { backend: 'openai', model: id }),
    });
    assert.deepEqual(record.columns, [
      { label: 'model gpt-4o', settings: { model: 'gpt-4o' }, backend: 'openai', model: 'gpt-4o' },
      { label: 'model local', settings: { model: 'local' }, backend: 'local', model: '' },
    ]);
    assert.deepEqual(columnTarget(record, 1), { backend: 'local', model: '' });
    assert.deepEqual(record.tokens, { total: 10, parts: [], overhead: 3, tokenizer: 'o200k_base', exact: false, contextWindow: 128_000 },
      'the prompt\'s own budget, without a price that holds for one column only');
    await new ComparisonRun(record, async () => { throw new Error('unreachable'); }, { limit: 2 }).run();
    assert.deepEqual(record.cells.map((cell) => [cell.result!.backend, cell.result!.model]), [['openai', 'gpt-4o'], ['local', '']]);
    assert.throws(() => comparison([0], 1, { axes: [{ name: 'model', values: ['x'] }] }), /needs to know where each model runs/);
  });

  it('gives each comparison a fresh id and the time it was made', () => {
    const [a, b] = [comparison([0], 1), comparison([0], 1)];
    assert.match(a.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.notEqual(a.id, b.id);
    assert.ok(Math.abs(Date.parse(a.createdAt) - Date.now()) < 5_000);
    assert.equal(sha256Prefix('héllo'), createHash('sha256').update(Buffer.from('héllo', 'utf8')).digest('hex').slice(0, 16));
    assert.throws(() => comparison([], 1), /no values/);
  });
});

describe('ComparisonRun.rerunCells (an eval\'s Rerun failed)', () => {
  it('runs only the cells named again, each reset first, with the same seeds', async () => {
    const record = comparison([0, 1], 2);
    let attempt = 0;
    const seen: number[] = [];
    const runCell: RunCell = async (cell, index, _signal, onText) => {
      seen.push(index);
      onText('x');
      return result(`run ${++attempt} of cell ${index} seed ${cell.seed}`);
    };
    const { updates, onUpdate } = recorder();
    const run = new ComparisonRun(record, runCell, { limit: 2, onUpdate });
    await run.run();
    const before = record.cells.map((cell) => cell.text);
    updates.length = 0;
    seen.length = 0;
    await run.rerunCells([1, 2, 99]);
    assert.deepEqual(seen, [1, 2]);
    assert.deepEqual(updates.filter((update) => update.reset).map((update) => update.index), [1, 2]);
    assert.equal(record.cells[0]!.text, before[0]);
    assert.equal(record.cells[3]!.text, before[3]);
    assert.notEqual(record.cells[1]!.text, before[1]);
    assert.match(record.cells[2]!.text, new RegExp(`seed ${record.cells[2]!.seed}$`));
    assert.ok(record.cells.every((cell) => cell.status === 'done'));
  });
});
