// The host's batching of comparison updates: one message per interval with every changed cell,
// each cell's updates merged in order, so the webview ends with exactly what the cells produced.
import * as assert from 'node:assert/strict';
import type { CellResult, CellUpdate } from '../../src/core/comparison';
import { mergeCellUpdate, UpdateBatcher, type UpdateBatch } from '../../src/extension/compare/updateBatcher';

const result = (text: string): CellResult => ({
  text, finishReason: 'stop', usage: { promptTokens: 3, completionTokens: 2, estimated: false }, latencyMs: 5,
  backend: 'local', model: 'm', parameters: {}, warnings: [],
});

/** What a webview holding `texts` would show after applying `batch` (reset, status, append, result). */
function apply(texts: string[], batch: UpdateBatch): void {
  for (const update of batch.cells) {
    if (update.reset) texts[update.index] = '';
    if (update.append) texts[update.index] += update.append;
    if (update.result) texts[update.index] = update.result.text;
  }
}

describe('comparison update batching', () => {
  it('merges a cell\'s updates in order: texts concatenate, the last status and result win', () => {
    let merged: CellUpdate | undefined;
    for (const update of [{ index: 2, status: 'running' }, { index: 2, append: 'Once ' }, { index: 2, append: 'upon' }, { index: 2, status: 'done', result: result('Once upon') }] as CellUpdate[]) {
      merged = mergeCellUpdate(merged, update);
    }
    assert.deepEqual(merged, { index: 2, status: 'done', append: 'Once upon', result: result('Once upon') });
  });

  it('drops what came before a reset (a column run again) and keeps what follows it', () => {
    let merged = mergeCellUpdate(undefined, { index: 0, append: 'old text', result: result('old text'), status: 'done' });
    merged = mergeCellUpdate(merged, { index: 0, reset: true, status: 'queued' });
    merged = mergeCellUpdate(merged, { index: 0, status: 'running' });
    merged = mergeCellUpdate(merged, { index: 0, append: 'new' });
    assert.deepEqual(merged, { index: 0, reset: true, status: 'running', append: 'new' });
  });

  it('sends one message per interval however fast cells stream, and loses no text', async () => {
    const batches: UpdateBatch[] = [];
    const batcher = new UpdateBatcher((batch) => batches.push(batch), 20);
    const texts = Array.from({ length: 6 }, () => '');
    const expected = Array.from({ length: 6 }, () => '');
    const started = Date.now();
    // 6 cells × 300 pieces, interleaved, as fast as the event loop allows (about 1 ms per round).
    for (let round = 0; round < 300; round++) {
      for (let cell = 0; cell < 6; cell++) {
        const piece = `${cell}:${round} `;
        expected[cell] += piece;
        batcher.cell({ index: cell, append: piece });
      }
      if (round % 10 === 0) batcher.column(round % 6, { meanWords: round, distinct1: 1, distinct2: 1 });
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    batcher.flush();
    const elapsed = Date.now() - started;
    for (const batch of batches) apply(texts, batch);
    assert.deepEqual(texts, expected);
    assert.ok(batches.length <= Math.ceil(elapsed / 20) + 1, `${batches.length} messages in ${elapsed} ms`);
    assert.ok(batches.every((batch) => new Set(batch.cells.map((cell) => cell.index)).size === batch.cells.length), 'a cell appears once per message');
    const lastMetrics = batches.flatMap((batch) => batch.columns).filter((column) => column.index === 0).at(-1);
    assert.equal(lastMetrics?.metrics.meanWords, 270, 'the latest metrics of a column win');
  });

  it('sends nothing when nothing changed, and nothing after dispose', async () => {
    const batches: UpdateBatch[] = [];
    const batcher = new UpdateBatcher((batch) => batches.push(batch), 5);
    batcher.flush();
    batcher.cell({ index: 0, append: 'x' });
    batcher.dispose();
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(batches.length, 0);
  });
});
