// One place for a completion's log-probabilities: the panel's `Completions` store in the extension
// host, fed by a run and by each comparison cell through keepCompletion (redacted); the comparison
// record and the streamed updates carry none. On the real local model.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { GenerationResult, TokenLogprob } from '../../src/backends/backend';
import { LocalBackend } from '../../src/backends/local/localBackend';
import { redactLogprobs } from '../../src/backends/redactLogprobs';
import type { BackendRegistry } from '../../src/backends/registry';
import { ComparisonRun, newComparison } from '../../src/core/comparisonRun';
import type { ColumnRuns } from '../../src/engine/columns';
import { cellRunner } from '../../src/engine/comparison';
import { Completions } from '../../src/extension/probabilities/completions';

const root = path.resolve(__dirname, '../../..');
const STORIES_MODEL = path.resolve(root, '../shared/models/stories260K.gguf');
const entry = (token: string): TokenLogprob => ({ token, logprob: -0.5, top: [{ token, logprob: -0.5 }, { token: `${token}!`, logprob: -1 }] });
const result = (text: string, logprobs?: TokenLogprob[]): GenerationResult => ({
  text, finishReason: 'stop', model: 'm', usage: { promptTokens: 1, completionTokens: 1 }, latencyMs: 1, ...(logprobs ? { logprobs } : {}),
} as GenerationResult);
const sent = { backend: 'local', model: 'm', messages: [], config: {} };

describe('kept completions: the one store of log-probabilities', function () {
  this.timeout(60000);

  it('keeps the newest completions up to its limit; a completion without logprobs is kept without them', () => {
    const store = new Completions(2);
    store.keep({ kind: 'run', id: 'a' }, sent, result('x', [entry('x')]));
    store.keep({ kind: 'cell', comparison: 'c', cell: 0 }, sent, result('y', []));
    assert.equal(store.get({ kind: 'cell', comparison: 'c', cell: 0 })!.logprobs, undefined);
    store.keep({ kind: 'branch', id: 'b' }, sent, result('z', [entry('z')]));
    assert.equal(store.get({ kind: 'run', id: 'a' }), undefined, 'the oldest went');
    assert.equal(store.get({ kind: 'branch', id: 'b' })!.logprobs![0]!.token, 'z');
    // A rerun moves to the newest place.
    store.keep({ kind: 'cell', comparison: 'c', cell: 0 }, sent, result('y2', [entry('y2')]));
    store.keep({ kind: 'run', id: 'a' }, sent, result('x', [entry('x')]));
    assert.equal(store.get({ kind: 'branch', id: 'b' }), undefined);
    assert.equal(store.get({ kind: 'cell', comparison: 'c', cell: 0 })!.text, 'y2');
    assert.deepEqual(redactLogprobs([entry('sk-1')], (t) => t.replace('sk-1', '***'))[0], { token: '***', logprob: -0.5, top: [{ token: '***', logprob: -0.5 }, { token: '***!', logprob: -1 }] });
  });

  it('a comparison\'s cells hand their logprobs (redacted) to the panel\'s store; the record carries none', async () => {
    const local = new LocalBackend({ id: 'local', kind: 'local', modelPath: STORIES_MODEL, threads: 1 }, {}, { env: {} });
    try {
      const store = new Completions();
      const messages = [{ role: 'user', content: 'Once upon a time, there was a little' }];
      const record = newComparison({
        file: 'story.prompt', fileName: 'story.prompt', text: '', messages, backend: 'local', model: 'stories260K',
        axes: [{ name: 'temperature', values: [0, 1] }], samples: 1, seeds: [4], settings: { maxOutputTokens: 6 },
      });
      const rendered = { text: messages, config: {}, ext: {}, model: undefined } as unknown as ColumnRuns['runs'][number]['prompt']['rendered'];
      const column = { target: { backendId: 'local', model: 'stories260K' }, prompt: { rendered } } as unknown as ColumnRuns['runs'][number];
      const columns: ColumnRuns = { runs: [column, column], targetOf: () => ({ backend: 'local', model: 'stories260K' }) };
      // Every token's text scrubbed: the store must hold what redact made of it.
      const host = { backends: { get: () => local } as unknown as BackendRegistry, redact: (text: string) => text.replace(/e/g, '*') };
      const runCell = cellRunner(host, record, columns, async () => ({ rendered }), (comparison, cell, what, got) => store.keep({ kind: 'cell', comparison, cell }, what, got));
      await new ComparisonRun(record, runCell, { limit: 1 }).run();
      record.cells.forEach((cell, index) => {
        assert.equal(cell.status, 'done');
        assert.equal((cell.result as unknown as { logprobs?: unknown }).logprobs, undefined, 'not in the record');
        const kept = store.get({ kind: 'cell', comparison: record.id, cell: index });
        assert.equal(kept?.logprobs?.length, 6, 'the panel asks for logprobs when it keeps completions');
        assert.equal(kept!.logprobs!.map((token) => token.token).join(''), cell.result!.text);
        assert.ok(kept!.logprobs!.every((token) => !token.token.includes('e') && token.top.every((alternative) => !alternative.token.includes('e'))), 'redacted');
        assert.ok(kept!.logprobs!.every((token) => token.top.length > 1 && typeof token.id === 'number'));
        assert.equal(kept!.config.temperature, index === 0 ? 0 : 1);
      });
    } finally {
      await local.dispose();
    }
  });
});
