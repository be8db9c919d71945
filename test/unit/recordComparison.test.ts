// Two history records side by side: what was sent, what differed and the completions paired, read
// tolerantly from whatever a record file holds.
import * as assert from 'node:assert/strict';
import { compareRecords } from '../../src/core/recordComparison';

const result = (text: string, parameters: Record<string, unknown> = {}) => ({
  text, finishReason: 'stop', usage: { promptTokens: 3, completionTokens: 4, estimated: false }, latencyMs: 5, backend: 'local', model: 'm', parameters, warnings: [],
});
const comparison = (id: string, temperatures: number[], texts: string[], messages = [{ role: 'user', content: 'Once upon a time' }]) => ({
  version: 1, kind: 'comparison', id, createdAt: '2026-12-04T10:00:00.000Z',
  prompt: { file: '/w/story.prompt', fileName: 'story.prompt', sha256: 'abc', messages },
  backend: 'local', model: '', axes: [{ name: 'temperature', values: temperatures }], samples: 1, seeds: [7], settings: { maxOutputTokens: 20 },
  columns: temperatures.map((t) => ({ label: `temperature ${t}`, settings: { temperature: t } })),
  cells: texts.map((text, column) => ({ column, sample: 0, seed: 7, status: 'done', text, result: result(text) })),
});
const run = (id: string, text: string, temperature: number) => ({
  version: 1, kind: 'run', id, createdAt: '2026-12-04T11:00:00.000Z',
  prompt: { file: '/w/story.prompt', fileName: 'story.prompt', sha256: 'def', messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Once upon a time' }] },
  backend: 'local', model: 'stories', settings: {}, status: 'done', result: result(text, { temperature }),
});

describe('record comparison', () => {
  it('pairs the cells of two comparisons of the same plan by label and marks the settings that differ', () => {
    const view = compareRecords(comparison('a', [0, 1], ['the cat sat', 'a dog ran']), comparison('b', [0, 1.5], ['the cat sat down', 'a bird flew']));
    assert.deepEqual(view.pairs.map((pair) => pair.label), ['temperature 0 · sample 1', 'temperature 1 · sample 1 ↔ temperature 1.5 · sample 1']);
    assert.equal(view.pairs[0]!.right!.text, 'the cat sat down');
    assert.equal(view.pairs[1]!.left!.key, 'cell:1');
    const differing = view.settings.filter((row) => row.differs).map((row) => [row.name, row.left, row.right]);
    assert.deepEqual(differing, [['varied: temperature', '0, 1', '0, 1.5']]);
    assert.ok(view.settings.some((row) => row.name === 'maxOutputTokens' && !row.differs && row.left === '20'));
    assert.equal(view.left.promptText, view.right.promptText);
  });

  it('compares a run with a comparison: the prompt text sent, its parameters, completions in order', () => {
    const view = compareRecords(run('r', 'one day a cat', 0.7), comparison('c', [0], ['one day a dog']));
    assert.equal(view.left.kind, 'run');
    assert.equal(view.left.promptText, 'system: Be brief.\n\nuser: Once upon a time');
    assert.equal(view.right.promptText, 'user: Once upon a time');
    assert.deepEqual(view.pairs.map((pair) => [pair.label, pair.left?.text, pair.right?.text]), [['run ↔ temperature 0 · sample 1', 'one day a cat', 'one day a dog']]);
    const rows = new Map(view.settings.map((row) => [row.name, row]));
    assert.equal(rows.get('sent: temperature')?.left, '0.7');
    assert.equal(rows.get('sent: temperature')?.right, undefined);
    assert.equal(rows.get('model')?.left, 'stories');
    assert.equal(rows.get('model')?.right, '(backend default)');
    assert.equal(rows.get('prompt version (sha256)')?.differs, true);
  });

  it('keeps an unpaired completion and reads a broken record without throwing', () => {
    const view = compareRecords(comparison('a', [0, 1], ['x', 'y']), { id: 'z', kind: 'mystery', cells: [null, { text: 5 }] });
    assert.equal(view.pairs.length, 2);
    assert.equal(view.pairs[1]!.right!.text, '');
    const empty = compareRecords(null, 'nonsense');
    assert.deepEqual([empty.pairs, empty.settings, empty.left.promptText], [[], [], '']);
  });
});
