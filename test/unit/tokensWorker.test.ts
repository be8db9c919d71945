// TokenCountService through real worker threads: the tsc-compiled worker in out/, worker scripts
// that crash or exit on cue, and the bundled dist/tokenWorker.js run on its own, away from node_modules.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { TokenCountService } from '../../src/engine/tokens/tokenCountService';

const root = path.resolve(__dirname, '../../..');
const compiledWorker = path.resolve(__dirname, '../../src/engine/tokens/tokenWorker.js');

/** The files the bundled worker needs beside it (esbuild.mjs copies them into dist/). */
const BUNDLED_FILES = ['tokenWorker.js', 'encoders/o200k_base.bpe', 'encoders/cl100k_base.bpe'];

describe('tokens: the worker service', function () {
  // Every new worker loads its tokenizer again: up to a second each.
  this.timeout(60000);

  let scratch: string;
  const services: TokenCountService[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => { unhandled.push(reason); };

  /** A service that is disposed after each test, so no worker outlives it. */
  function service(workerPath?: string): TokenCountService {
    const created = new TokenCountService(workerPath === undefined ? {} : { workerPath });
    services.push(created);
    return created;
  }

  /** A worker script that stops on the text `cue` (by `how`) and otherwise is the real worker. */
  function workerThatDies(cue: string, how: string): string {
    const file = path.join(scratch, `dies-${services.length}.js`);
    writeFileSync(file, [
      "const { parentPort } = require('node:worker_threads');",
      // Wraps the real worker's listener: on the cue it dies instead of answering.
      'const on = parentPort.on.bind(parentPort);',
      `parentPort.on = (event, listener) => on(event, (request) => { if (request.texts.includes(${JSON.stringify(cue)})) { ${how} } else listener(request); });`,
      `require(${JSON.stringify(compiledWorker)});`,
    ].join('\n'));
    return file;
  }

  before(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'prompt-lab-tokens-'));
    process.on('unhandledRejection', onUnhandled);
  });
  afterEach(() => { for (const s of services.splice(0)) s.dispose(); });
  after(() => {
    process.off('unhandledRejection', onUnhandled);
    rmSync(scratch, { recursive: true, force: true });
    assert.deepEqual(unhandled, [], 'unhandled rejections');
  });

  it('counts in a worker thread, in order, in both encodings', async () => {
    const tokens = service(compiledWorker);
    const texts = ['hello world', 'tiktoken is great!', 'お誕生日おめでとう', ''];
    // Token counts published in OpenAI's cookbook (see tokens.test.ts).
    assert.deepEqual(await tokens.count({ encoding: 'o200k_base', texts }), [2, 6, 8, 0]);
    assert.deepEqual(await tokens.count({ encoding: 'cl100k_base', texts }), [2, 6, 9, 0]);
  });

  it('finds tokenWorker.js beside itself by default', async () => {
    assert.deepEqual(await service().count({ encoding: 'cl100k_base', texts: ['2 + 2 = 4'] }), [7]);
  });

  it('answers concurrent requests each with its own counts', async () => {
    const tokens = service();
    const requests = ['a', 'a b', 'a b c', 'a b c d'].map((text) => tokens.count({ encoding: 'o200k_base', texts: [text, text] }));
    assert.deepEqual(await Promise.all(requests), [[1, 1], [2, 2], [3, 3], [4, 4]]);
  });

  it('rejects a bad request alone and keeps the worker', async () => {
    const tokens = service();
    await assert.rejects(tokens.count({ encoding: 'gpt2' as never, texts: ['x'] }), /unknown tiktoken encoding: gpt2/);
    assert.deepEqual(await tokens.count({ encoding: 'o200k_base', texts: ['hello world'] }), [2]);
  });

  it('rejects pending counts when disposed, and every count after', async () => {
    const tokens = service();
    const pending = tokens.count({ encoding: 'o200k_base', texts: ['hello world'] });
    tokens.dispose();
    await assert.rejects(pending, /disposed/);
    await assert.rejects(tokens.count({ encoding: 'o200k_base', texts: ['hello world'] }), /disposed/);
  });

  it('rejects what a crashed worker owed, and starts a new one on the next count', async () => {
    const tokens = service(workerThatDies('crash!', "throw new Error('crashed on purpose');"));
    const owed = [tokens.count({ encoding: 'o200k_base', texts: ['hello world'] }), tokens.count({ encoding: 'o200k_base', texts: ['crash!'] })];
    // The first was answered before the crash, or is rejected with it: never left pending.
    const [first, crashed] = await Promise.allSettled(owed);
    assert.ok(first!.status === 'fulfilled' ? first!.value[0] === 2 : /crashed on purpose/.test(String(first!.reason)));
    assert.equal(crashed!.status, 'rejected');
    assert.match(String((crashed as PromiseRejectedResult).reason), /the token worker failed: crashed on purpose/);
    assert.deepEqual(await tokens.count({ encoding: 'o200k_base', texts: ['hello world'] }), [2]);
  });

  it('rejects what a worker owed when it exits, and starts a new one on the next count', async () => {
    const tokens = service(workerThatDies('exit!', 'process.exit(0);'));
    await assert.rejects(tokens.count({ encoding: 'cl100k_base', texts: ['exit!'] }), /the token worker exited \(code 0\)/);
    assert.deepEqual(await tokens.count({ encoding: 'cl100k_base', texts: ['hello world'] }), [2]);
  });

  it('rejects, without throwing, when the worker script is missing', async () => {
    const tokens = service(path.join(scratch, 'no-such-worker.js'));
    await assert.rejects(tokens.count({ encoding: 'o200k_base', texts: ['x'] }), /token worker|Cannot find module/);
  });

  it('keeps a process alive while a count is pending, and not once it is answered', async () => {
    // No dispose(): the process must still print the count, then exit by itself.
    const script = `
      const { TokenCountService } = require(${JSON.stringify(require.resolve('../../src/engine/tokens/tokenCountService'))});
      new TokenCountService().count({ encoding: 'o200k_base', texts: ['hello world'] }).then((c) => console.log(JSON.stringify(c)));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script], { timeout: 30000 });
    assert.equal(stdout, '[2]\n');
  });

  it('needs no worker for no texts', async () => {
    const tokens = service(path.join(scratch, 'no-such-worker.js'));
    assert.deepEqual(await tokens.count({ encoding: 'o200k_base', texts: [] }), []);
  });

  it('runs the bundled dist/tokenWorker.js with only the files esbuild.mjs copies beside it', async () => {
    // A folder with no node_modules above it: the token tables can only come from beside the bundle.
    const alone = path.join(scratch, 'dist');
    mkdirSync(path.join(alone, 'encoders'), { recursive: true });
    for (const file of BUNDLED_FILES) cpSync(path.join(root, 'dist', file), path.join(alone, file));
    const tokens = service(path.join(alone, 'tokenWorker.js'));
    assert.deepEqual(await tokens.count({ encoding: 'o200k_base', texts: ['antidisestablishmentarianism'] }), [6]);
    assert.deepEqual(await tokens.count({ encoding: 'cl100k_base', texts: ['antidisestablishmentarianism'] }), [6]);
  });

  it('ships those files in the .vsix', () => {
    const allowed = readFileSync(path.join(root, '.vscodeignore'), 'utf8').split('\n');
    for (const file of BUNDLED_FILES) assert.ok(allowed.includes(`!dist/${file}`), file);
  });
});
