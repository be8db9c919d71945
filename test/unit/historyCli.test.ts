// prompt-lab history list|show|export in-process through runCli, over records a real `run` on the
// local model saved (with a fake key in the environment and in its input, which must not be saved).
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import { loadDataset } from '../../src/core/eval/dataset';
import { HistoryStore } from '../../src/engine/history/historyStore';

const root = path.resolve(__dirname, '../../..');
const STORIES_MODEL = path.resolve(root, '../shared/models/stories260K.gguf');
const STORY = path.join(root, 'prompts/continue-story.prompt');

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } }, 'test');
  return { code, stdout, stderr };
}

describe('prompt-lab history', function () {
  this.timeout(120000);
  let scratch: string;
  let dir: string;
  const KEY = 'sk-fake-history-key-0123456789';
  before(function () {
    if (!existsSync(STORIES_MODEL)) this.skip();
    scratch = mkdtempSync(path.join(tmpdir(), 'prompt-lab-history-cli-'));
    dir = path.join(scratch, 'history');
    process.env.PROMPT_LAB_FAKE_API_KEY = KEY;
  });
  after(() => {
    delete process.env.PROMPT_LAB_FAKE_API_KEY;
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  it('saves a run and a comparison on the local model, without the key, and lists them', async () => {
    const local = ['--backend', 'local', '--model-path', STORIES_MODEL, '--history-dir', dir, '--max-tokens', '12'];
    const ran = await cli('run', STORY, ...local, '--seed', '3', '--input', `character=${KEY}`);
    assert.equal(ran.code, 0, ran.stderr);
    assert.match(ran.stderr, /saved in history as [0-9a-f-]{36}/);
    const compared = await cli('compare', STORY, ...local, '--temperatures', '0,1', '--samples', '2', '--seed', '5', '--json');
    assert.equal(compared.code, 0, compared.stderr);
    const notSaved = await cli('run', STORY, ...local, '--no-history');
    assert.equal(notSaved.code, 0, notSaved.stderr);
    assert.doesNotMatch(notSaved.stderr, /saved in history/);

    const listed = await cli('history', 'list', '--history-dir', dir, '--json');
    assert.equal(listed.code, 0, listed.stderr);
    const entries = JSON.parse(listed.stdout) as { id: string; kind: string; varied: string[]; completions: number; promptFile: string }[];
    assert.deepEqual(entries.map((e) => e.kind).sort(), ['comparison', 'run']);
    const comparison = entries.find((e) => e.kind === 'comparison')!;
    assert.deepEqual(comparison.varied, ['temperature 0, 1']);
    assert.equal(comparison.completions, 4);
    assert.equal((await cli('history', 'list', '--history-dir', dir, '--prompt', path.relative(process.cwd(), STORY), '--json')).stdout.includes(comparison.id), true);
    assert.deepEqual(JSON.parse((await cli('history', 'list', '--history-dir', dir, '--prompt', 'other.prompt', '--json')).stdout), []);
    const text = await cli('history', 'list', '--history-dir', dir);
    assert.match(text.stdout, /comparison +continue-story\.prompt · local\/stories260K · temperature 0, 1 · 4\/4 done/);

    for (const name of [...new Set(entries.map((e) => `${e.id}.json`)), 'index.jsonl']) {
      assert.ok(!readFileSync(path.join(dir, name), 'utf8').includes(KEY), `${name} holds the key`);
    }
    const run = entries.find((e) => e.kind === 'run')!;
    const shown = await cli('history', 'show', run.id, '--history-dir', dir, '--json');
    assert.equal(shown.code, 0);
    const record = JSON.parse(shown.stdout);
    assert.equal(record.inputs.character, '[redacted]');
    assert.equal(record.settings.seed, 3);
    assert.ok(record.result.text.length > 0);
    assert.equal((await cli('history', 'show', 'no-such-id', '--history-dir', dir)).code, 1);
  });

  it('exports ratings as preference pairs and eval tests', async () => {
    const store = new HistoryStore({ dir });
    const comparison = (await store.list()).find((e) => e.kind === 'comparison')!;
    await store.setFeedback(comparison.id, 'cell:0', { rating: 'up' });
    await store.setFeedback(comparison.id, 'cell:1', { rating: 'down', note: 'rambles' });
    await store.setFeedback(comparison.id, 'cell:3', { betterAnswer: 'The cat found a ball.' });
    const shown = await cli('history', 'show', comparison.id, '--history-dir', dir);
    assert.match(shown.stdout, /--- cell:1 · temperature 1 · sample 1 · done 👎 “rambles”/);
    const pairsFile = path.join(scratch, 'pairs.jsonl');
    const testsFile = path.join(scratch, 'tests.yaml');
    const exported = await cli('history', 'export', '--history-dir', dir, '--preferences', pairsFile, '--tests', testsFile, '--json');
    assert.equal(exported.code, 0, exported.stderr);
    const pairs = readFileSync(pairsFile, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
    const saved = await store.get(comparison.id) as unknown as { cells: { text: string }[]; prompt: { messages: { content: string }[] } };
    assert.ok(pairs.length >= 2);
    assert.ok(pairs.every((p) => p.rejected[0].content !== p.chosen[0].content));
    assert.ok(pairs.some((p) => p.chosen[0].content === saved.cells[0]!.text && p.rejected[0].content === saved.cells[1]!.text));
    assert.ok(pairs.some((p) => p.chosen[0].content === 'The cat found a ball.'));
    assert.equal(pairs[0].prompt[0].content, saved.prompt.messages[0]!.content);
    const dataset = loadDataset(readFileSync(testsFile, 'utf8'), testsFile);
    assert.deepEqual(dataset.problems, []);
    assert.deepEqual(dataset.tests.map((t) => t.assert?.map((a) => a.type).join()), ['rouge-l', 'not-equals', 'rouge-l']);
    assert.deepEqual(JSON.parse(exported.stdout), { records: 1, pairs: pairs.length, tests: 3 });
    assert.equal((await cli('history', 'export', '--history-dir', dir)).code, 2);
    assert.equal((await cli('history', 'frobnicate')).code, 2);
    assert.equal((await cli('history', 'export', '--history-dir', dir, '--tests', testsFile, '--match', 'cosine')).code, 2);
  });
});
