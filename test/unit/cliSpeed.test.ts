// What keeps the CLI quick (issue 15), as behaviour rather than timings (bench/cli.bench.mjs has
// those): `--help` loads no command's libraries; a comparison's requests leave before the
// tokenizer for its token view is built; the openai-compatible backend runs as many requests at
// once as the settings documentation says. The CLI runs in a child process from tsc's out/, where
// every module is a real `require`, so what loads (and when) can be seen from outside the product.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DEFAULT_CONCURRENCY } from '../../src/backends/backendConfig';
import { startFaultServer, type FaultServer } from '../support/faultServer';

const MAIN = path.resolve(__dirname, '../../src/cli/main.js');

/** Packages whose loading costs tens to hundreds of milliseconds (or a native addon). */
const HEAVY = ['tiktoken', 'handlebars', 'yaml', 'ajv', 'openai', 'dotprompt', 'mathjs', 'quickjs-emscripten-core', 'minisearch', 'node-llama-cpp'];

/** The script a child runs: `runCli(argv)`, printing on stderr `LOADED <path>` for every module in
 * require's cache at exit, and `TOKENIZER <ms since epoch>` when the tokenizer is first on its way:
 * an encoding's ranks or table read (src/core/tokens/tiktokenFiles.ts, from an `encoders` folder),
 * tiktoken required, or a worker thread started (the extension counts in one, src/engine/tokens). */
const SCRIPT = `
const Module = require('node:module');
const fs = require('node:fs');
const threads = require('node:worker_threads');
const seen = () => { if (!globalThis.tokenizerSeen) { globalThis.tokenizerSeen = true; process.stderr.write('TOKENIZER ' + Date.now() + '\\n'); } };
const readFileSync = fs.readFileSync;
fs.readFileSync = function (file, ...rest) { if (/[\\\\/]encoders[\\\\/]/.test(String(file))) seen(); return readFileSync.call(this, file, ...rest); };
const load = Module._load;
Module._load = function (request, ...rest) {
  if (/^tiktoken(\\/|$)/.test(request)) seen();
  return load.call(this, request, ...rest);
};
const Worker = threads.Worker;
threads.Worker = class extends Worker { constructor(...args) { seen(); super(...args); } };
process.on('exit', () => { for (const file of Object.keys(require.cache)) process.stderr.write('LOADED ' + file + '\\n'); });
require(${JSON.stringify(MAIN)}).runCli(process.argv.slice(1), { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) }, 'test')
  .then((code) => { process.exitCode = code; }, (error) => { console.error(error); process.exitCode = 70; });`;

interface Child { stderr: () => string; stdout: () => string; exited: Promise<number> }

function cli(...args: string[]): Child {
  const child = spawn(process.execPath, ['-e', SCRIPT, '--', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, OPENAI_API_KEY: 'sk-test' } });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (text: string) => { stdout += text; });
  child.stderr.setEncoding('utf8').on('data', (text: string) => { stderr += text; });
  const exited = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)));
  return { stdout: () => stdout, stderr: () => stderr, exited };
}

const heavyLoaded = (stderr: string) => [...new Set([...stderr.matchAll(/^LOADED .*node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/gm)].map((match) => match[1]!))]
  .filter((name) => HEAVY.includes(name));

describe('CLI speed: what loads and when', function () {
  this.timeout(60_000);

  it('prints --help without loading any command\'s libraries; a command\'s --help does load them', async () => {
    const help = cli('--help');
    assert.equal(await help.exited, 0, help.stderr());
    assert.match(help.stdout(), /^ {2}compare {2}/m);
    assert.deepEqual(heavyLoaded(help.stderr()), []);
    assert.doesNotMatch(help.stderr(), /^LOADED .*[\\/]cli[\\/]commands[\\/]/m, 'no command module either');
    // The same check sees them when they do load (so the empty list above means something).
    const compareHelp = cli('compare', '--help');
    assert.equal(await compareHelp.exited, 0, compareHelp.stderr());
    assert.match(compareHelp.stdout(), /^Usage: prompt-lab compare/);
    assert.ok(heavyLoaded(compareHelp.stderr()).includes('handlebars'), compareHelp.stderr().slice(-2000));
  });

  describe('compare against an OpenAI-compatible server', () => {
    let server: FaultServer;
    let dir: string;
    let prompt: string;
    before(async () => {
      // Every stream waits before its first content chunk until the test opens gate 0.
      server = await startFaultServer({ fault: { kind: 'gated', at: [0] }, chunkDelayMs: 1 });
      dir = mkdtempSync(path.join(tmpdir(), 'prompt-lab-speed-'));
      prompt = path.join(dir, 'greet.prompt');
      writeFileSync(prompt, '---\nmodel: openai/gpt-4o-mini\nconfig: { maxOutputTokens: 8 }\n---\nSay hello to the world in one short line.\n');
    });
    after(async () => {
      server.openGate(0);
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it(`sends ${DEFAULT_CONCURRENCY} requests at once (the documented default) before starting the tokenizer, then prints the token view`, async () => {
      assert.equal(DEFAULT_CONCURRENCY, 4, 'package.json and the README say 4');
      const run = cli('compare', prompt, '--base-url', server.url, '--api-key-env', 'OPENAI_API_KEY', '--samples', '3', '--seed', '1');
      try {
        await server.whenWaiting(0, DEFAULT_CONCURRENCY, 30_000);
        // Give a fifth request time to arrive, were the limit higher than documented.
        await new Promise((resolve) => setTimeout(resolve, 300));
        assert.equal(server.requests.length, DEFAULT_CONCURRENCY, 'as many in flight as the default concurrency, no more');
        assert.equal(server.waitingAt(0), DEFAULT_CONCURRENCY);
        assert.doesNotMatch(run.stderr(), /^TOKENIZER /m, 'the requests reached the server before the tokenizer was on its way');
        assert.doesNotMatch(run.stderr(), /the prompt: /);
      } finally {
        server.openGate(0);
      }
      const code = await run.exited;
      assert.equal(code, 0, run.stderr());
      const tokenizerAt = Number(/^TOKENIZER (\d+)$/m.exec(run.stderr())?.[1]);
      assert.ok(tokenizerAt > 0, 'the token view was still counted');
      assert.ok(server.requests[0]!.at <= tokenizerAt, 'the first request arrived before the tokenizer was started');
      assert.match(run.stderr(), /prompt-lab compare: the prompt: .*tokens/);
      assert.equal(server.requests.length, 12, '4 temperatures × 3 samples');
    });
  });
});
