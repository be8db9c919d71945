// The sandbox through real worker threads (the tsc-compiled worker in out/, and the bundled
// dist/sandboxWorker.js): deadlines inside (QuickJS's interrupt) and outside (the worker is ended
// when a native call outlasts the limit), memory limits, what the code cannot reach, isolation
// between runs, and that the calling thread keeps running while code runs.
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { runProgram } from '../../src/core/patterns/program';
import type { ProgramJob, ProgramOutcome } from '../../src/core/sandbox/jobs';
import type { SandboxLimits } from '../../src/core/sandbox/limits';
import { SANDBOX_GRACE_MS, SandboxHost, type SandboxHostOptions } from '../../src/core/sandbox/sandbox';

const root = path.resolve(__dirname, '../../..');
const GIB = 1024 * 1024 * 1024;

const ECMASCRIPT_GLOBALS = new Set([
  'globalThis', 'Infinity', 'NaN', 'undefined', 'eval', 'isFinite', 'isNaN', 'parseFloat', 'parseInt', 'decodeURI',
  'decodeURIComponent', 'encodeURI', 'encodeURIComponent', 'escape', 'unescape', 'AggregateError', 'Array', 'ArrayBuffer',
  'BigInt', 'BigInt64Array', 'BigUint64Array', 'Boolean', 'DataView', 'Date', 'Error', 'EvalError', 'FinalizationRegistry',
  'Float16Array', 'Float32Array', 'Float64Array', 'Function', 'Int8Array', 'Int16Array', 'Int32Array', 'Iterator', 'Map',
  'Number', 'Object', 'Promise', 'Proxy', 'RangeError', 'ReferenceError', 'RegExp', 'Set', 'SharedArrayBuffer', 'String',
  'Symbol', 'SyntaxError', 'TypeError', 'Uint8Array', 'Uint8ClampedArray', 'Uint16Array', 'Uint32Array', 'URIError',
  'WeakMap', 'WeakRef', 'WeakSet', 'Atomics', 'JSON', 'Math', 'Reflect', 'InternalError', 'console',
]);

/** Longer than any pause this thread should see while code runs elsewhere (a loaded machine
 * included), and shorter than what the code here would block a thread for: 0.4 s to seconds. */
const STALL_MS = 200;

const program = (code: string): ProgramJob => ({ kind: 'program', code, from: 'block' });

/** Runs `work` while a 10 ms interval ticks in this thread; the longest gap between ticks (and from
 * the start to the first tick, and from the last tick to the end). A thread blocked by the code
 * would show a gap as long as the block. */
async function whileTicking<T>(work: () => Promise<T>): Promise<{ result: T; maxGapMs: number; elapsedMs: number }> {
  const started = performance.now();
  let last = started;
  let maxGapMs = 0;
  const tick = () => {
    const now = performance.now();
    maxGapMs = Math.max(maxGapMs, now - last);
    last = now;
  };
  const interval = setInterval(tick, 10);
  try {
    const result = await work();
    tick();
    return { result, maxGapMs, elapsedMs: performance.now() - started };
  } finally {
    clearInterval(interval);
  }
}

describe('sandbox: a worker thread with deadlines inside and out', function () {
  this.timeout(60000);
  const hosts: SandboxHost[] = [];
  let scratch: string;

  /** A host disposed after the suite, its worker started and warm. */
  async function warmHost(options: SandboxHostOptions = {}): Promise<SandboxHost> {
    const host = new SandboxHost(options);
    hosts.push(host);
    assert.deepEqual(await host.run(program('const answer = 1;')), { console: [], answer: '1' });
    return host;
  }

  const run = (host: SandboxHost, code: string, limits?: SandboxLimits): Promise<ProgramOutcome> => host.run(program(code), limits);

  before(() => { scratch = mkdtempSync(path.join(tmpdir(), 'prompt-lab-sandbox-')); });
  after(() => {
    for (const host of hosts.splice(0)) host.dispose();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('stops a loop that runs forever at the time limit (the interrupt), well within limit + grace', async () => {
    const host = await warmHost();
    const { result, maxGapMs, elapsedMs } = await whileTicking(() => run(host, 'while (true) {}', { timeMs: 600 }));
    assert.equal(result.error, 'InternalError: interrupted');
    assert.ok(elapsedMs >= 600, `${elapsedMs} ms`);
    assert.ok(elapsedMs < 600 + SANDBOX_GRACE_MS, `${elapsedMs} ms`);
    assert.ok(maxGapMs < STALL_MS, `the calling thread stalled for ${maxGapMs} ms while the deadline was 600 ms`);
  });

  it('ends a worker stuck in one native call past limit + grace; the calling thread keeps ticking', async () => {
    // With 1 GB to fill, `Array(1e9).fill(0)` is one native call of seconds (6.5 s here): no bytecode
    // runs, so the interrupt never fires. In the calling thread it would block everything that long.
    const host = await warmHost({ graceMs: 200 });
    const { result, maxGapMs, elapsedMs } = await whileTicking(() => run(host, 'Array(1e9).fill(0).length', { memoryBytes: GIB, timeMs: 300 }));
    assert.deepEqual(result, { console: [], error: 'out of time (300 ms)' });
    assert.ok(elapsedMs >= 300 + 200, `${elapsedMs} ms`);
    assert.ok(elapsedMs < 300 + 200 + 1000, `${elapsedMs} ms`);
    assert.ok(maxGapMs < STALL_MS, `the calling thread stalled for ${maxGapMs} ms while the deadline was 300 ms`);
    // The next run gets a new worker, and works.
    assert.deepEqual(await run(host, 'const answer = 6 * 7;'), { console: [], answer: '42' });
    const repeat = await whileTicking(() => run(host, "'x'.repeat(2 ** 29).length", { memoryBytes: GIB, timeMs: 100 }));
    assert.deepEqual(repeat.result, { console: [], error: 'out of time (100 ms)' });
    assert.ok(repeat.maxGapMs < STALL_MS, `the calling thread stalled for ${repeat.maxGapMs} ms`);
    // A loop of slow native calls: QuickJS asks its interrupt handler only every 10,000 or so
    // bytecodes, here every minute or so.
    const slowLoop = await whileTicking(() => run(host, "for (;;) 'x'.repeat(1 << 20);", { timeMs: 300 }));
    assert.deepEqual(slowLoop.result, { console: [], error: 'out of time (300 ms)' });
    assert.ok(slowLoop.maxGapMs < STALL_MS, `the calling thread stalled for ${slowLoop.maxGapMs} ms`);
    assert.deepEqual(await run(host, 'const answer = "again";'), { console: [], answer: 'again' });
  });

  it('stops `Array(1e9).fill(0)` and `\'x\'.repeat(2 ** 29)` at the default limits without stalling the caller', async () => {
    const host = await warmHost();
    for (const code of ['Array(1e9).fill(0).length', "'x'.repeat(2 ** 29).length"]) {
      const { result, maxGapMs } = await whileTicking(() => run(host, code));
      assert.match(result.error!, /out of memory|interrupted|out of time/, code);
      assert.equal(result.answer, undefined, code);
      assert.ok(maxGapMs < STALL_MS, `${code}: the calling thread stalled for ${maxGapMs} ms`);
    }
  });

  it('refuses 1 GB: a memory error, and PAL says which limit', async () => {
    const host = await warmHost();
    for (const code of ['new ArrayBuffer(1024 * 1024 * 1024).byteLength', 'new Float64Array(2 ** 27).length', "'x'.repeat(2 ** 29).length"]) {
      assert.match((await run(host, code)).error!, /out of memory/, code);
    }
    const trace = await runProgram('```js\nconst big = new Uint8Array(2 ** 30);\nconst answer = big.length;\n```');
    assert.equal(trace.error, 'the program used more than 32 MB and was stopped');
  });

  it('has no require, fetch, process or import, and its globals are ECMAScript\'s and console only', async () => {
    const host = await warmHost();
    for (const [code, expected] of [
      ["require('fs')", "ReferenceError: 'require' is not defined"],
      ["fetch('http://127.0.0.1:1/')", "ReferenceError: 'fetch' is not defined"],
      ['process.exit(3)', "ReferenceError: 'process' is not defined"],
      ["import('fs')", "ReferenceError: could not load module 'fs'"],
      ["import('node:child_process')", "ReferenceError: could not load module 'node:child_process'"],
    ]) assert.equal((await run(host, code!)).error, expected, code);
    // Reaching for the host through the global object, constructors and Function: there is nothing.
    const probe = await run(host, [
      'const answer = [typeof require, typeof process, typeof fetch, typeof module, typeof exports, typeof __dirname, typeof Buffer,',
      '  typeof setTimeout, typeof WebAssembly, typeof std, typeof os, typeof __print, typeof __input,',
      '  globalThis.constructor.constructor("return typeof process")(), new Function("return typeof require")(),',
      '  (function () { return typeof this.process; })()];',
    ].join('\n'));
    assert.deepEqual(JSON.parse(probe.answer!), Array(16).fill('undefined'));
    const names = JSON.parse((await run(host, 'Object.getOwnPropertyNames(globalThis)')).answer!) as string[];
    // Every global is ECMAScript's (ES2025 and Annex B), QuickJS's InternalError, or our console.
    assert.deepEqual(names.filter((name) => !ECMASCRIPT_GLOBALS.has(name)), []);
    assert.ok(names.includes('console') && names.includes('JSON'));
  });

  it('captures console output, capped per line and in lines, also when the program replaces String.prototype.slice', async () => {
    const host = await warmHost();
    const outcome = await run(host, 'console.log("a", 1, { b: [2] }); console.warn("w"); console.log("y".repeat(5000)); for (let i = 0; i < 200; i++) console.log(i); const answer = "z".repeat(10000);');
    assert.deepEqual(outcome.console.slice(0, 2), ['a 1 {"b":[2]}', 'error: w']);
    assert.equal(outcome.console[2], `${'y'.repeat(1000)}… (4000 more characters)`);
    assert.equal(outcome.console.length, 101);
    assert.equal(outcome.console[100], '… 103 more console lines not kept');
    assert.equal(outcome.answer, `${'z'.repeat(4000)}… (6000 more characters)`);
    const sneaky = await run(host, 'String.prototype.slice = function () { return String(this); }; console.log("y".repeat(50000)); const answer = "z".repeat(100000);');
    assert.ok(sneaky.console[0]!.length < 1100, `${sneaky.console[0]!.length} characters`);
    assert.ok(sneaky.answer!.length < 4100, `${sneaky.answer!.length} characters`);
  });

  it('isolates runs, concurrent or one after another: no global or prototype is shared', async () => {
    const host = await warmHost();
    const code = 'globalThis.count = (globalThis.count ?? 0) + 1; Object.prototype.polluted = (Object.prototype.polluted ?? 0) + 1; Array.prototype.push = null;\n' +
      'const answer = [count, ({}).polluted];';
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => run(host, code)));
    for (const outcome of outcomes) assert.deepEqual(outcome, { console: [], answer: '[1,1]' });
    const after = await run(host, 'const a = []; a.push(1); const answer = [typeof count, typeof ({}).polluted, a.length];');
    assert.equal(after.answer, '["undefined","undefined",1]');
    // A run that is ended does not take the others queued behind it with it.
    const [stuck, ...rest] = await Promise.all([
      run(host, 'Array(1e9).fill(0)', { memoryBytes: GIB, timeMs: 100 }),
      ...Array.from({ length: 3 }, (_, i) => run(host, `const answer = ${i};`)),
    ]);
    assert.equal(stuck!.error, 'out of time (100 ms)');
    assert.deepEqual(rest.map((outcome) => outcome.answer), ['0', '1', '2']);
  });

  it('answers an error when the worker dies or never starts, and the next run gets a new worker', async () => {
    const compiledWorker = path.resolve(__dirname, '../../src/core/sandbox/sandboxWorker.js');
    const dies = path.join(scratch, 'dies.js');
    // The real worker, except that a job whose code is `die` ends the worker's process-like thread.
    writeFileSync(dies, [
      "const { parentPort } = require('node:worker_threads');",
      'const on = parentPort.on.bind(parentPort);',
      "parentPort.on = (event, listener) => on(event, (request) => { if (request.job.code === 'die') process.exit(7); else listener(request); });",
      `require(${JSON.stringify(compiledWorker)});`,
    ].join('\n'));
    const host = await warmHost({ workerPath: dies });
    assert.deepEqual(await run(host, 'die'), { console: [], error: 'the sandbox failed: its worker exited (code 7)' });
    assert.equal((await run(host, 'const answer = 2;')).answer, '2');

    const silent = path.join(scratch, 'silent.js');
    writeFileSync(silent, "require('node:worker_threads').parentPort.on('message', () => {});");
    const mute = new SandboxHost({ workerPath: silent, startLimitMs: 300 });
    hosts.push(mute);
    assert.deepEqual(await run(mute, 'const answer = 1;'), { console: [], error: 'the sandbox failed: its worker did not start within 300 ms' });
    const missing = new SandboxHost({ workerPath: path.join(scratch, 'no-such-worker.js') });
    hosts.push(missing);
    assert.match((await missing.run({ kind: 'assertion', code: 'true', input: '{}' })).error!, /^the sandbox failed: .*no-such-worker/);
  });

  it('runs jobs with the bundled dist/sandboxWorker.js, which the extension and CLI bundles start from beside them', async function () {
    const bundled = path.join(root, 'dist/sandboxWorker.js');
    if (!existsSync(bundled)) this.skip();
    const host = await warmHost({ workerPath: bundled });
    assert.deepEqual(await host.run({ kind: 'assertion', code: 'output.length + context.vars.n', input: JSON.stringify({ output: 'four', context: { vars: { n: 38 } } }) }), { json: '42' });
    assert.equal((await run(host, 'while (true) {}', { timeMs: 100 })).error, 'InternalError: interrupted');
    for (const bundle of ['dist/extension.js', 'dist/cli.js']) {
      const text = readFileSync(path.join(root, bundle), 'utf8');
      // The host bundles start the worker and never load QuickJS themselves.
      assert.match(text, /"sandboxWorker\.js"/, bundle);
      assert.doesNotMatch(text, /require\("(quickjs-emscripten-core|@jitl\/[^"]*)"\)|newQuickJSWASMModule/, bundle);
    }
    assert.match(readFileSync(bundled, 'utf8'), /require\("quickjs-emscripten-core"\)/);
  });

  it('ships the worker and QuickJS\'s WebAssembly in the .vsix', async () => {
    assert.ok(readFileSync(path.join(root, '.vscodeignore'), 'utf8').split('\n').includes('!dist/sandboxWorker.js'));
    const vsce = path.join(root, 'node_modules/.bin/vsce');
    const { stdout } = await promisify(execFile)(vsce, ['ls'], { cwd: root, maxBuffer: 16 * 1024 * 1024 });
    const files = stdout.split('\n').filter(Boolean);
    for (const needed of [
      'dist/sandboxWorker.js',
      'node_modules/quickjs-emscripten-core/package.json',
      'node_modules/@jitl/quickjs-wasmfile-release-sync/package.json',
      'node_modules/@jitl/quickjs-wasmfile-release-sync/dist/emscripten-module.wasm',
    ]) assert.ok(files.includes(needed), needed);
  });
});
