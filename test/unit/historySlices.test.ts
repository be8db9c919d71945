// The pieces that keep a big history's work in short slices: the slicer yields to the event loop,
// the sliced scan for the oldest entries finds what the one-pass scan finds, and a record serialised
// a field at a time is byte for byte sanitizedJson's text (keys scrubbed, secret fields dropped).
import * as assert from 'node:assert/strict';
import { oldestOf, oldestOfSliced } from '../../src/core/history/oldest';
import { secretsRedactor, sanitizedJson } from '../../src/core/history/sanitize';
import { slicedSanitizedJson } from '../../src/core/history/slicedJson';
import { Slicer } from '../../src/core/history/slices';
import { newestFirst } from '../../src/core/history/summary';
import type { HistoryEntry } from '../../src/core/history/types';

const entry = (i: number, minutes: number): HistoryEntry => ({
  id: `e${i}`, kind: 'run', createdAt: new Date(Date.UTC(2025, 0, 1, 0, minutes)).toISOString(), promptFile: '', promptName: '',
  backend: '', model: '', varied: [], completions: 1, done: 1, ratings: { up: 0, down: 0 }, rated: {},
});

describe('history slices', () => {
  it('a sliced scan lets the event loop run and picks the same oldest entries', async () => {
    // Shuffled ages, some equal (then the id decides).
    const entries = Array.from({ length: 5000 }, (_, i) => entry(i, (i * 7919) % 3000));
    let ranMeanwhile = false;
    setImmediate(() => { ranMeanwhile = true; });
    const sliced = await oldestOfSliced(entries, 70, new Slicer(0));
    assert.ok(ranMeanwhile, 'a callback queued before the scan ran during it');
    const sorted = [...entries].sort(newestFirst).reverse().slice(0, 70).map((e) => e.id);
    assert.deepEqual(sliced.map((e) => e.id), sorted);
    assert.deepEqual(oldestOf(entries, 70).map((e) => e.id), sorted);
  });

  it('serialises a record a field at a time into sanitizedJson\'s exact text, and parses it back the same', async () => {
    const key = 'sk-sliced-0123456789abcdef';
    const redact = secretsRedactor([key]);
    const record = {
      id: 'r1', kind: 'eval', createdAt: new Date(Date.UTC(2025, 0, 1)),
      apiKey: key,
      nothing: undefined,
      fn: () => 1,
      prompt: { file: '/w/a.prompt', headers: { Authorization: `Bearer ${key}` }, note: `echo ${key}` },
      cells: [{ text: `said ${key}`, status: 'done' }, undefined, 3, 'plain', [1, { apiKey: 'x' }], null],
      empty: [],
      ['__proto__']: { polluted: true },
      unicode: 'Tiếng Việt \u2028 "quoted" \\ back',
    };
    Object.defineProperty(record, '__proto__', { value: { polluted: true }, enumerable: true });
    let ranMeanwhile = false;
    setImmediate(() => { ranMeanwhile = true; });
    const { chunks, value } = await slicedSanitizedJson<Record<string, unknown>>(record, redact, new Slicer(0));
    const expected = sanitizedJson(record, redact);
    assert.equal(chunks.join(''), expected);
    assert.ok(chunks.length > 5, `${chunks.length} pieces`);
    assert.ok(ranMeanwhile, 'the loop turned between pieces');
    assert.deepEqual(value, JSON.parse(expected));
    assert.ok(!chunks.join('').includes(key));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(Object.getPrototypeOf(value), Object.prototype, 'a __proto__ field stays a field');
    // Not an object at the top: one piece.
    assert.deepEqual((await slicedSanitizedJson([1, key], redact, new Slicer())).chunks, [sanitizedJson([1, key], redact)]);
  });
});
