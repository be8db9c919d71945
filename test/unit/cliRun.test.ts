// prompt-lab run: in-process through runCli on the shipped continue-story prompt and the real model,
// bad usage, a bad config file, and Ctrl+C on the bundled dist/cli.js.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { BUNDLED_MODEL_ENV } from '../../src/backends/local/bundledModel';
import { LocalBackend } from '../../src/backends/local/localBackend';
import { cli } from '../support/inProcessCli';
import { startOpenAIServer } from '../../src/serve/openaiServer';

const root = path.resolve(__dirname, '../../..');
const STORIES_MODEL = path.resolve(root, '../shared/models/stories260K.gguf');
const STORY = path.join(root, 'prompts/continue-story.prompt');
const LOCAL = ['--backend', 'local', '--model-path', STORIES_MODEL];

describe('prompt-lab run', function () {
  this.timeout(60000);
  let scratch: string;
  before(() => { scratch = mkdtempSync(path.join(tmpdir(), 'prompt-lab-run-')); });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('streams the completion of continue-story.prompt on the local model, with a summary on stderr', async () => {
    const { code, stdout, stderr } = await cli('run', STORY, ...LOCAL, '--temperature', '0', '--max-tokens', '20');
    assert.equal(code, 0, stderr);
    assert.ok(stdout.trim().length > 10, stdout);
    assert.match(stderr, /^\[local\/stories260K · finish: length · \d+ \+ 20 tokens · \d+ ms · \d+ tokens\/s\]\n$/);
    const again = await cli('run', STORY, ...LOCAL, '--temperature', '0', '--max-tokens', '20');
    assert.equal(again.stdout, stdout);
  });

  it('prints the result record with --json: the file\'s config merged with the flags', async () => {
    const { code, stdout } = await cli('run', STORY, ...LOCAL, '--json', '--max-tokens', '8', '--seed', '42', '--logprobs', '2', '--input', 'character=dog', '--stop', 'zzz');
    assert.equal(code, 0);
    const result = JSON.parse(stdout);
    assert.equal(result.backend, 'local');
    assert.equal(result.model, 'stories260K');
    assert.equal(result.finishReason, 'length');
    assert.equal(result.usage.completionTokens, 8);
    assert.equal(result.usage.estimated, false);
    assert.deepEqual(result.parameters, { mode: 'completion', temperature: 0.8, topK: 0, topP: 0.9, minP: 0, maxTokens: 8, seed: 42, stop: ['zzz'], logprobs: 2 });
    assert.equal(result.logprobs.length, 8);
    assert.deepEqual(result.warnings, []);
  });

  it('runs the story sample with no flags at all on the model in the box, and says so on stderr', async () => {
    const saved = process.env.PROMPT_LAB_MODEL;
    delete process.env.PROMPT_LAB_MODEL;
    try {
      const { code, stdout, stderr } = await cli('run', STORY, '--temperature', '0', '--max-tokens', '10');
      assert.equal(code, 0, stderr);
      assert.ok(stdout.trim().length > 5, stdout);
      assert.match(stderr, /^prompt-lab run: note: no model configured: running the model in the box, stories260K\.gguf \(a tiny story model; give --model-path or PROMPT_LAB_MODEL for real work\)$/m);
      assert.match(stderr, /\[local\/stories260K · finish: length · \d+ \+ 10 tokens/);
    } finally {
      if (saved !== undefined) process.env.PROMPT_LAB_MODEL = saved;
    }
  });

  it('fails with how to set a model when none is given and the box is empty (exit 1)', async () => {
    const saved = process.env.PROMPT_LAB_MODEL;
    delete process.env.PROMPT_LAB_MODEL;
    process.env[BUNDLED_MODEL_ENV] = '';
    try {
      const { code, stderr } = await cli('run', STORY, '--backend', 'local', '--config', path.join(scratch, 'none.json'));
      assert.equal(code, 2, 'a --config file that does not exist is bad usage');
      assert.match(stderr, /none\.json/);
      const missing = await cli('run', STORY);
      assert.equal(missing.code, 1);
      assert.match(missing.stderr, /No model file for the local backend 'local'.*--model-path.*PROMPT_LAB_MODEL/);
    } finally {
      delete process.env[BUNDLED_MODEL_ENV];
      if (saved !== undefined) process.env.PROMPT_LAB_MODEL = saved;
    }
  });

  it('exits 2 on bad flags and on a bad config file, naming the bad field', async () => {
    for (const flags of [
      ['--temperature', '3'], ['--top-p', 'x'], ['--top-k', '0'], ['--max-tokens', '1.5'], ['--logprobs', '21'], ['--seed', ''],
      ['--backend', 'local', '--base-url', 'http://127.0.0.1:1/v1'], ['--base-url', 'ftp://x'], ['--api-key-env', 'KEY'], ['--nope'],
    ]) {
      const { code, stderr } = await cli('run', STORY, ...flags);
      assert.equal(code, 2, `${flags.join(' ')}: ${stderr}`);
      assert.match(stderr, /^prompt-lab run: /);
    }
    assert.equal((await cli('run', STORY, '--backend', 'nowhere')).code, 2);
    const config = path.join(scratch, 'promptlab.config.json');
    writeFileSync(config, JSON.stringify({ backends: [{ id: 'ok', kind: 'local' }, { id: 'bad', kind: 'openai', baseURL: 'not a url' }] }));
    const bad = await cli('run', STORY, '--config', config);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /promptlab\.config\.json: backends\[1\]: baseURL must be an http\(s\) URL/);
    writeFileSync(config, JSON.stringify({ backends: [{ id: 'remote', kind: 'openai', baseURL: 'http://127.0.0.1:9/v1' }] }));
    const wrongKind = await cli('run', STORY, '--config', config, '--backend', 'remote', '--model-path', STORIES_MODEL);
    assert.equal(wrongKind.code, 2);
    assert.match(wrongKind.stderr, /--model-path is for the local backend/);
  });

  it('reads backends from promptlab.config.json', async () => {
    const config = path.join(scratch, 'promptlab.config.json');
    writeFileSync(config, JSON.stringify({ backends: [{ id: 'stories', kind: 'local', modelPath: STORIES_MODEL, concurrency: 1 }], defaultBackend: 'stories' }));
    // A prompt naming no model runs on the config's defaultBackend.
    const file = path.join(scratch, 'plain.prompt');
    writeFileSync(file, '---\nconfig:\n  maxOutputTokens: 3\n---\nOnce upon a time');
    const { code, stderr } = await cli('run', file, '--config', config, '--temperature', '0');
    assert.equal(code, 0, stderr);
    assert.match(stderr, /\[stories\/stories260K · finish: length · \d+ \+ 3 tokens/);
  });

  it('runs on an OpenAI-compatible server with --base-url (prompt-lab serve here), warning about top-k', async () => {
    const local = new LocalBackend({ id: 'local', kind: 'local', modelPath: STORIES_MODEL }, {}, { env: {} });
    const server = await startOpenAIServer({ backend: local, model: 'stories260K' });
    try {
      const { code, stdout, stderr } = await cli('run', STORY, '--base-url', server.url, '--top-k', '5', '--temperature', '0', '--max-tokens', '6', '--json');
      assert.equal(code, 0, stderr);
      assert.match(stderr, /^prompt-lab run: warning: topK is not supported by backend 'cli': it was not sent\n$/);
      const result = JSON.parse(stdout);
      assert.equal(result.model, 'stories260K');
      assert.equal(result.usage.completionTokens, 6);
      assert.ok(result.text.length > 0);
    } finally {
      await server.close();
      await local.dispose();
    }
  });

  it('stops on Ctrl+C (SIGINT), keeps the partial text and exits 130', async function () {
    const bundle = path.join(root, 'dist/cli.js');
    if (!existsSync(bundle)) this.skip();
    // Its own process group, signalled as a whole: what a terminal's Ctrl+C does (the model's child
    // process gets the SIGINT too).
    const child = spawn(process.execPath, [bundle, 'run', STORY, ...LOCAL, '--max-tokens', '1900', '--temperature', '1'], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (chunk) => { stderr += chunk; });
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await new Promise<void>((resolve) => child.stdout.on('data', (chunk) => {
      stdout += chunk;
      if (stdout.length > 20) resolve();
    }));
    process.kill(-child.pid!, 'SIGINT');
    assert.equal(await exit, 130, stderr);
    assert.ok(stdout.length > 20);
    assert.match(stderr, /finish: abort/);
    const tokens = Number(/\d+ \+ (\d+) tokens/.exec(stderr)![1]);
    assert.ok(tokens < 1900, `${tokens} tokens`);
  });
});
