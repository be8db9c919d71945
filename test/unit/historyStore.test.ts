// The history store on a real folder: atomic record files (a process killed between write and
// rename), damaged index lines and record files, feedback folded into the index, pruning and
// compaction, two processes appending at once, and keys that never reach the disk.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { comparisonHistoryRecord, runRecordOf } from '../../src/core/history/records';
import { environmentSecrets, secretsRedactor } from '../../src/core/history/sanitize';
import type { RunRecord } from '../../src/core/history/types';
import { newComparison } from '../../src/core/comparisonRun';
import { HistoryStore, oldestOf } from '../../src/engine/history/historyStore';

const root = path.resolve(__dirname, '../../..');
const storeModule = path.join(root, 'out/src/engine/history/historyStore.js');

function runRecord(id: string, createdAt: string, text = `text of ${id}`, promptFile = '/w/story.prompt'): RunRecord {
  return runRecordOf({
    id, createdAt: new Date(createdAt), file: promptFile, fileName: path.basename(promptFile), text: 'prompt text',
    messages: [{ role: 'user', content: 'Once upon a time' }], inputs: { character: 'cat' },
    backend: 'local', model: 'stories260K', settings: { temperature: 0.7 },
    result: { text, finishReason: 'stop', usage: { promptTokens: 5, completionTokens: 3, estimated: false }, latencyMs: 12, backend: 'local', model: 'stories260K', parameters: { temperature: 0.7 }, warnings: [] },
  });
}

function child(script: string, args: string[]): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, ['-e', script, storeModule, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    proc.stderr.on('data', (chunk) => { stderr += chunk; });
    proc.on('close', (code, signal) => resolve({ code, signal, stderr }));
  });
}

describe('history store', () => {
  let dir: string;
  let warnings: string[];
  const store = (extra: Partial<ConstructorParameters<typeof HistoryStore>[0]> = {}) =>
    new HistoryStore({ dir, warn: (message) => warnings.push(message), ...extra });
  beforeEach(() => {
    dir = path.join(mkdtempSync(path.join(tmpdir(), 'prompt-lab-history-')), 'history');
    warnings = [];
  });
  afterEach(() => rmSync(path.dirname(dir), { recursive: true, force: true }));

  it('saves a record as its own file and lists it newest first from the index', async () => {
    const history = store();
    await history.save(runRecord('a', '2025-01-01T00:00:00Z'));
    await history.save(runRecord('b', '2025-01-02T00:00:00Z'));
    const entries = await history.list();
    assert.deepEqual(entries.map((e) => e.id), ['b', 'a']);
    assert.equal(entries[0]!.kind, 'run');
    assert.equal(entries[0]!.promptName, 'story.prompt');
    assert.deepEqual(entries[0]!.varied, ['temperature 0.7']);
    assert.equal(entries[0]!.done, 1);
    assert.equal((await history.get('a'))?.kind, 'run');
    assert.equal(JSON.parse(readFileSync(path.join(dir, 'b.json'), 'utf8')).result.text, 'text of b');
    // A second store (another window) reads the same.
    assert.deepEqual((await store().list()).map((e) => e.id), ['b', 'a']);
    assert.deepEqual(await history.list({ promptFile: '/elsewhere.prompt' }), []);
  });

  it('keeps the old record when the process dies between writing the new one and renaming it', async () => {
    const history = store();
    await history.save(runRecord('r1', '2025-01-01T00:00:00Z', 'the first answer'));
    const script = `
      const { HistoryStore } = require(process.argv[1]);
      const store = new HistoryStore({ dir: process.argv[2], hooks: { beforeRename: () => process.kill(process.pid, 'SIGKILL') } });
      store.save(JSON.parse(process.argv[3]));`;
    const result = await child(script, [dir, JSON.stringify(runRecord('r1', '2025-01-01T00:00:00Z', 'the rewritten answer'))]);
    assert.equal(result.signal, 'SIGKILL', result.stderr);
    assert.ok(readdirSync(dir).some((name) => name.endsWith('.tmp')), 'the killed write left its temporary file');
    const reopened = store();
    assert.equal(((await reopened.get('r1')) as RunRecord).result.text, 'the first answer');
    assert.deepEqual((await reopened.list()).map((e) => e.id), ['r1']);
    assert.deepEqual(warnings, []);
  });

  it('skips damaged index lines and record files with a warning and loads the rest', async () => {
    const history = store();
    await history.save(runRecord('good', '2025-01-01T00:00:00Z'));
    appendFileSync(path.join(dir, 'index.jsonl'), '\n{"op":"record","entry":{"id":"cut');
    await store().save(runRecord('after', '2025-01-03T00:00:00Z'));
    appendFileSync(path.join(dir, 'index.jsonl'), '\n[1,2]\n');
    // A record file cut short, which the index does not list.
    writeFileSync(path.join(dir, 'torn.json'), '{"id":"torn","kind":"run","createdAt":"2025-');
    warnings.length = 0;
    const reopened = store();
    assert.deepEqual((await reopened.list()).map((e) => e.id), ['after', 'good']);
    assert.equal(warnings.filter((w) => /damaged line/.test(w)).length, 2, warnings.join('\n'));
    assert.ok(warnings.some((w) => /torn\.json: skipped a damaged history record/.test(w)), warnings.join('\n'));
    await assert.rejects(reopened.get('torn'), /history record torn is damaged/);
  });

  it('lists a record file whose index line was lost, and drops an entry whose file is gone', async () => {
    const history = store();
    await history.save(runRecord('kept', '2025-01-01T00:00:00Z'));
    await history.save(runRecord('gone', '2025-01-02T00:00:00Z'));
    rmSync(path.join(dir, 'gone.json'));
    writeFileSync(path.join(dir, 'stray.json'), JSON.stringify(runRecord('stray', '2025-01-05T00:00:00Z')));
    assert.deepEqual((await store().list()).map((e) => e.id), ['stray', 'kept']);
  });

  it('saves feedback in the record at once and folds it into the index', async () => {
    const history = store();
    const comparison = comparisonHistoryRecord(newComparison({
      file: '/w/story.prompt', fileName: 'story.prompt', text: 'x', messages: [{ role: 'user', content: 'hi' }],
      backend: 'local', model: '', axes: [{ name: 'temperature', values: [0, 1] }], samples: 2, seeds: [1, 2], settings: {},
    }));
    await history.save(comparison);
    await history.save(runRecord('run1', '2025-01-01T00:00:00Z'));
    await history.setFeedback(comparison.id, 'cell:1', { rating: 'up', note: 'nice' });
    await history.setFeedback(comparison.id, 'cell:2', { rating: 'down', betterAnswer: 'Better.' });
    await history.setFeedback('run1', 'run', { rating: 'down' });
    await history.setFeedback('run1', 'run', {});
    const saved = await history.get(comparison.id);
    assert.equal(saved?.feedback?.['cell:1']?.rating, 'up');
    assert.equal(saved?.feedback?.['cell:1']?.note, 'nice');
    assert.equal(saved?.feedback?.['cell:2']?.betterAnswer, 'Better.');
    assert.equal((await history.get('run1'))?.feedback?.run, undefined);
    const entries = await store().list();
    const entry = entries.find((e) => e.id === comparison.id)!;
    assert.deepEqual(entry.ratings, { up: 1, down: 1 });
    assert.deepEqual(entry.rated, { 'cell:1': 'up', 'cell:2': 'down' });
    assert.deepEqual(entry.varied, ['temperature 0, 1']);
    assert.equal(entry.completions, 4);
    assert.deepEqual(entries.find((e) => e.id === 'run1')!.ratings, { up: 0, down: 0 });
    await assert.rejects(history.setFeedback(comparison.id, 'cell:9', { rating: 'up' }), /has no completion 'cell:9'/);
    await assert.rejects(history.setFeedback(comparison.id, 'run', { rating: 'up' }), /rate one of its cells/);
    await assert.rejects(history.setFeedback('nope', 'run', { rating: 'up' }), /no history record nope/);
  });

  it('keeps the feedback of unchanged completions when a record is saved again (a rerun), not of those that changed', async () => {
    const history = store();
    const comparison = comparisonHistoryRecord(newComparison({
      file: '/w/story.prompt', fileName: 'story.prompt', text: 'x', messages: [{ role: 'user', content: 'hi' }],
      backend: 'local', model: '', axes: [{ name: 'temperature', values: [0, 1] }], samples: 1, seeds: [1], settings: {},
    }));
    comparison.cells.forEach((cell, i) => { cell.status = 'done'; cell.text = `first ${i}`; });
    await history.save(comparison);
    await history.setFeedback(comparison.id, 'cell:0', { rating: 'up', note: 'kept' });
    await history.setFeedback(comparison.id, 'cell:1', { rating: 'down' });
    // Column 1 ran again and said something else; column 0 is as it was.
    comparison.cells[1]!.text = 'second 1';
    await history.save(comparison);
    const saved = await history.get(comparison.id);
    assert.deepEqual(Object.keys(saved?.feedback ?? {}), ['cell:0']);
    assert.equal(saved?.feedback?.['cell:0']?.note, 'kept');
    assert.equal((saved as unknown as { cells: { text: string }[] }).cells[1]!.text, 'second 1');
    const entry = (await store().list()).find((e) => e.id === comparison.id)!;
    assert.deepEqual(entry.rated, { 'cell:0': 'up' }, 'the index says the same');
  });

  it('prunes the oldest records beyond maxRecords and compacts the index', async () => {
    const history = store({ maxRecords: 3 });
    for (let i = 0; i < 6; i++) await history.save(runRecord(`r${i}`, `2025-01-0${i + 1}T00:00:00Z`));
    assert.deepEqual((await history.list()).map((e) => e.id), ['r5', 'r4', 'r3']);
    assert.deepEqual(readdirSync(dir).filter((n) => n.endsWith('.json')).sort(), ['r3.json', 'r4.json', 'r5.json']);
    assert.deepEqual((await store().list()).map((e) => e.id), ['r5', 'r4', 'r3']);
    // Compaction: after many saves the index holds about one line per live record.
    const many = store({ maxRecords: 2 });
    for (let i = 0; i < 150; i++) await many.save(runRecord(`m${i}`, new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString()));
    const lines = readFileSync(path.join(dir, 'index.jsonl'), 'utf8').split('\n').filter(Boolean).length;
    assert.ok(lines < 2 * 2 + 200 + 10, `index has ${lines} lines`);
    assert.deepEqual((await store().list()).map((e) => e.id), ['m149', 'm148']);
    assert.equal(await many.delete('m149'), true);
    assert.equal(await many.delete('m149'), false);
    assert.deepEqual((await store().list()).map((e) => e.id), ['m148']);
  });

  it('reads an index bigger than one read slice, multi-byte names cut at slice edges, and keeps an unfinished last line for later', async () => {
    // ~1 MB of index (4 read slices of 256 KB) whose lines are full of 3-byte characters, so slice
    // edges fall inside characters and inside lines.
    const history = store();
    await history.save(runRecord('seed', '2024-01-01T00:00:00Z', 'seed', '/w/Tiếng Việt.prompt'));
    const seedLine = readFileSync(path.join(dir, 'index.jsonl'), 'utf8').split('\n').find((l) => l.includes('"seed"'))!;
    const count = 2500;
    let text = '';
    for (let i = 0; i < count; i++) {
      const id = `v${i}`;
      const line = seedLine.replace('"seed"', JSON.stringify(id)).replace('2024-01-01T00:00:00', new Date(Date.UTC(2025, 0, 1, 0, i)).toISOString().slice(0, 19))
        .replaceAll('Tiếng Việt', `Tiếng Việt ${'ạ'.repeat(i % 97)}`);
      text += `\n${line}`;
      writeFileSync(path.join(dir, `${id}.json`), readFileSync(path.join(dir, 'seed.json'), 'utf8').replace('"seed"', JSON.stringify(id)));
    }
    appendFileSync(path.join(dir, 'index.jsonl'), text);
    assert.ok(readFileSync(path.join(dir, 'index.jsonl')).length > 4 * 256 * 1024 * 0.9, 'the index spans several read slices');
    const reader = store();
    const entries = await reader.list();
    assert.equal(entries.length, count + 1);
    assert.deepEqual(warnings, []);
    const v1234 = entries.find((e) => e.id === 'v1234')!;
    assert.equal(v1234.promptName, `Tiếng Việt ${'ạ'.repeat(1234 % 97)}.prompt`);
    assert.equal(entries[0]!.id, `v${count - 1}`);
    // Half a line (another window mid-write): skipped now, read whole once the rest lands.
    const late = seedLine.replace('"seed"', '"late"').replace('2024-01-01T00:00:00', '2030-01-01T00:00:00');
    writeFileSync(path.join(dir, 'late.json'), readFileSync(path.join(dir, 'seed.json'), 'utf8').replace('"seed"', '"late"'));
    appendFileSync(path.join(dir, 'index.jsonl'), `\n${late.slice(0, 40)}`);
    assert.equal((await reader.list()).length, count + 1);
    appendFileSync(path.join(dir, 'index.jsonl'), late.slice(40));
    assert.equal((await reader.list())[0]!.id, 'late');
  });

  it('prunes what another window saved beyond maxRecords on its first save, without having listed', async () => {
    const other = store();
    for (let i = 0; i < 5; i++) await other.save(runRecord(`o${i}`, `2025-01-0${i + 1}T00:00:00Z`));
    const mine = store({ maxRecords: 3 });
    await mine.save(runRecord('mine', '2025-02-01T00:00:00Z'));
    assert.deepEqual(readdirSync(dir).filter((n) => n.endsWith('.json')).sort(), ['mine.json', 'o3.json', 'o4.json']);
    assert.deepEqual((await store().list()).map((e) => e.id), ['mine', 'o4', 'o3']);
    // Within the limit, a fresh store's save prunes nothing.
    await store({ maxRecords: 4 }).save(runRecord('next', '2025-03-01T00:00:00Z'));
    assert.deepEqual((await store().list()).map((e) => e.id), ['next', 'mine', 'o4', 'o3']);
  });

  it('picks the oldest entries to prune, by time then id, in one pass', () => {
    const entries = Array.from({ length: 40 }, (_, i) => ({ id: `e${String(i).padStart(2, '0')}`, createdAt: `2025-01-${String((i % 20) + 1).padStart(2, '0')}T00:00:00Z` }));
    const ids = (n: number) => oldestOf(entries as never, n).map((e) => e.id);
    assert.deepEqual(ids(0), []);
    assert.deepEqual(ids(3), ['e00', 'e20', 'e01']);
    const sorted = [...entries].sort((a, b) => (a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : a.id < b.id ? -1 : 1)).map((e) => e.id);
    assert.deepEqual(ids(3), sorted.slice(0, 3));
    assert.deepEqual(ids(12), sorted.slice(0, 12));
    assert.deepEqual(ids(40), sorted);
  });

  it('loses no line when two processes save at once', async () => {
    const script = `
      const { HistoryStore } = require(process.argv[1]);
      const [, , dir, prefix] = process.argv;
      const store = new HistoryStore({ dir });
      (async () => {
        for (let i = 0; i < 60; i++) await store.save({ id: prefix + i, kind: 'run', createdAt: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(), status: 'done', result: { text: 'x'.repeat(3000) } });
      })().catch((e) => { console.error(e); process.exit(1); });`;
    const [a, b] = await Promise.all([child(script, [dir, 'a']), child(script, [dir, 'b'])]);
    assert.equal(a.code, 0, a.stderr);
    assert.equal(b.code, 0, b.stderr);
    const lines = readFileSync(path.join(dir, 'index.jsonl'), 'utf8').split('\n').filter(Boolean);
    assert.equal(lines.length, 120);
    for (const line of lines) JSON.parse(line);
    assert.equal((await store().list()).length, 120);
    assert.deepEqual(warnings, []);
  });

  it('never writes a key or a header into a record (the CLI redactor over the environment)', async () => {
    const key = 'sk-test-history-0123456789abcdef';
    const redact = secretsRedactor(environmentSecrets({ FAKE_API_KEY: key, HOME: '/home/me' }));
    const history = store({ redact });
    const record = runRecord('secret', '2025-01-01T00:00:00Z', `the model echoed ${key}`);
    const withHeaders = { ...record, result: { ...record.result, parameters: { temperature: 1, headers: { Authorization: `Bearer ${key}` }, apiKey: key } } };
    await history.save(withHeaders);
    const text = readFileSync(path.join(dir, 'secret.json'), 'utf8') + readFileSync(path.join(dir, 'index.jsonl'), 'utf8');
    assert.ok(!text.includes(key), 'the key reached the disk');
    assert.ok(!/headers|Authorization|apiKey/.test(text));
    assert.match(text, /the model echoed \[redacted\]/);
    assert.ok(!existsSync(path.join(dir, '..', 'secret.json')));
  });
});
