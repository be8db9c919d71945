// Logprobs kept for the panel by key, out of the streamed updates: the bounded store, and a
// comparison's cells handing theirs over (redacted) through the engine host's keepLogprobs, on the
// real local model.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { TokenLogprob } from '../../src/backends/backend';
import { LocalBackend } from '../../src/backends/local/localBackend';
import { cellLogprobsKey, LogprobStore, redactLogprobs } from '../../src/backends/logprobStore';
import type { BackendRegistry } from '../../src/backends/registry';
import { ComparisonRun, newComparison } from '../../src/core/comparisonRun';
import type { ColumnRuns } from '../../src/engine/columns';
import { cellRunner } from '../../src/engine/comparison';

const root = path.resolve(__dirname, '../../..');
const STORIES_MODEL = path.resolve(root, '../shared/models/stories260K.gguf');
const entry = (token: string): TokenLogprob => ({ token, logprob: -0.5, top: [{ token, logprob: -0.5 }, { token: `${token}!`, logprob: -1 }] });

describe('logprobs kept by key', function () {
  this.timeout(60000);

  it('keeps the newest runs up to its limit, forgets by prefix, and ignores runs without logprobs', () => {
    const store = new LogprobStore(2);
    store.keep('a#0', [entry('x')]);
    store.keep('a#1', [entry('y')]);
    store.keep('b#0', undefined);
    store.keep('b#1', []);
    assert.equal(store.size, 2);
    store.keep('b#2', [entry('z')]);
    assert.equal(store.get('a#0'), undefined, 'the oldest went');
    assert.equal(store.get('a#1')![0]!.token, 'y');
    store.forget('a#');
    assert.equal(store.size, 1);
    assert.deepEqual(redactLogprobs([entry('sk-1')], (t) => t.replace('sk-1', '***'))[0], { token: '***', logprob: -0.5, top: [{ token: '***', logprob: -0.5 }, { token: '***!', logprob: -1 }] });
  });

  it('a comparison\'s cells hand their logprobs to the host by cell key; the cell results carry none', async () => {
    const local = new LocalBackend({ id: 'local', kind: 'local', modelPath: STORIES_MODEL }, {}, { env: {} });
    try {
      const store = new LogprobStore();
      const messages = [{ role: 'user', content: 'Once upon a time, there was a little' }];
      const record = newComparison({
        file: 'story.prompt', fileName: 'story.prompt', text: '', messages, backend: 'local', model: 'stories260K',
        axes: [{ name: 'temperature', values: [0, 1] }], samples: 1, seeds: [4], settings: { maxOutputTokens: 6, logprobs: 2 },
      });
      const rendered = { text: messages, config: {}, model: undefined } as unknown as ColumnRuns['runs'][number]['prompt']['rendered'];
      const column = { target: { backendId: 'local', model: 'stories260K' }, prompt: { rendered } } as unknown as ColumnRuns['runs'][number];
      const columns: ColumnRuns = { runs: [column, column], targetOf: () => ({ backend: 'local', model: 'stories260K' }) };
      const host = { backends: { get: () => local } as unknown as BackendRegistry, keepLogprobs: (key: string, logprobs: TokenLogprob[]) => store.keep(key, logprobs) };
      const runCell = cellRunner(host, record, columns, async () => rendered);
      await new ComparisonRun(record, runCell, { limit: 1 }).run();
      record.cells.forEach((cell, index) => {
        assert.equal(cell.status, 'done');
        assert.equal((cell.result as unknown as { logprobs?: unknown }).logprobs, undefined, 'not in the record');
        const kept = store.get(cellLogprobsKey(record.id, index));
        assert.equal(kept?.length, 6);
        assert.equal(kept!.map((token) => token.token).join(''), cell.result!.text);
        assert.ok(kept!.every((token) => token.top.length === 2 && typeof token.id === 'number'));
      });
    } finally {
      await local.dispose();
    }
  });
});
