// The local backend against what a hostile or broken setup can do: a polluted Object.prototype
// reaching the model process, model files that are not files or whose GGUF header lies, a load
// that never ends, and abandoned requests holding up the host's queue. The model process is either
// the real one (stories260K) or a small stand-in script written to a temp folder (`hostPath`).
import * as assert from 'node:assert/strict';
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { GenerationConfig, GenerationResult } from '../../src/backends/backend';
import { ggufHeaderProblem } from '../../src/backends/local/ggufHeader';
import { LocalBackend, type LocalBackendOptions } from '../../src/backends/local/localBackend';
import type { HostModelOptions, HostReply, HostRequest } from '../../src/backends/local/protocol';

const root = path.resolve(__dirname, '../../..');
const STORIES_MODEL = path.resolve(root, '../shared/models/stories260K.gguf');
const HOST = path.join(root, 'out/src/backends/local/localModelHost.js');
const OPENING = 'Once upon a time, there was a little cat who lived in a big garden. One day,';

/** Answers every generation with what it sees of its environment. */
const ENV_REPORTING_HOST = `
process.on('message', (message) => {
  if (message.type !== 'generate') return;
  const seen = { nodeOptions: process.env.NODE_OPTIONS ?? null, marker: process.env.PROMPT_LAB_POLLUTION_MARKER ?? null,
    imported: globalThis.__promptLabPolluted ?? null, electron: process.env.ELECTRON_RUN_AS_NODE ?? null, path: process.env.PATH ?? null };
  process.send({ type: 'done', id: message.id, outcome: { text: JSON.stringify(seen), finishReason: 'stop', promptTokens: 0,
    completionTokens: 0, generationMs: 0, parameters: {}, mode: 'completion' } });
});
process.on('disconnect', () => process.exit(0));
`;

/** A model process stuck in its load: never answers, and ignores SIGTERM as native code may; it
 * writes its process id to the file named in PROMPT_LAB_TEST_READY once it ignores SIGTERM. */
const HANGING_HOST = `
process.on('SIGTERM', () => undefined);
setInterval(() => undefined, 60000);
if (process.env.PROMPT_LAB_TEST_READY) require('node:fs').writeFileSync(process.env.PROMPT_LAB_TEST_READY + '.' + process.pid, '');
`;

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(condition: () => boolean, what: string, ms = 10_000): Promise<void> {
  for (const end = performance.now() + ms; !condition();) {
    if (performance.now() > end) assert.fail(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('local backend hardening', function () {
  this.timeout(60_000);
  let dir: string;
  const backends: LocalBackend[] = [];
  const backend = (modelPath: string, options: LocalBackendOptions = {}, concurrency?: number) => {
    const created = new LocalBackend({ id: 'local', kind: 'local', modelPath, ...(concurrency ? { concurrency } : {}) }, {}, { env: {}, ...options });
    backends.push(created);
    return created;
  };
  const run = (on: LocalBackend, config: GenerationConfig = { temperature: 0, maxOutputTokens: 2 }, signal?: AbortSignal, onToken?: () => void): Promise<GenerationResult> =>
    on.generate({ model: '', messages: [{ role: 'user', content: OPENING }], config }, { ...(signal ? { signal } : {}), ...(onToken ? { onToken } : {}) });

  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'prompt-lab-local-'));
    writeFileSync(path.join(dir, 'envHost.js'), ENV_REPORTING_HOST);
    writeFileSync(path.join(dir, 'hangingHost.js'), HANGING_HOST);
  });
  after(async () => {
    await Promise.all(backends.map((b) => b.dispose()));
    rmSync(dir, { recursive: true, force: true });
  });

  describe('the model process environment', () => {
    it('holds only the parent\'s own variables: nothing added to Object.prototype reaches it', async () => {
      const polluted = Object.prototype as Record<string, unknown>;
      const local = backend(STORIES_MODEL, { hostPath: path.join(dir, 'envHost.js') });
      let result: GenerationResult;
      try {
        polluted.NODE_OPTIONS = '--import=data:text/javascript,globalThis.__promptLabPolluted=1';
        polluted.PROMPT_LAB_POLLUTION_MARKER = 'leaked';
        result = await run(local);
      } finally {
        delete polluted.NODE_OPTIONS;
        delete polluted.PROMPT_LAB_POLLUTION_MARKER;
      }
      assert.equal(result.error, undefined);
      const seen = JSON.parse(result.text) as Record<string, unknown>;
      assert.equal(seen.marker, null, 'a variable from Object.prototype reached the child');
      assert.equal(seen.nodeOptions, process.env.NODE_OPTIONS ?? null, 'NODE_OPTIONS from Object.prototype reached the child');
      assert.equal(seen.imported, null, 'code from a polluted NODE_OPTIONS ran in the child');
      // What it should get, it still gets.
      assert.equal(seen.electron, '1');
      assert.equal(seen.path, process.env.PATH ?? null);
    });
  });

  describe('model files', () => {
    /** A GGUF header: magic, version, then the two counts (uint64 from version 2, uint32 in 1). */
    const header = (version: number, tensors: bigint, entries: bigint, wide = version >= 2) => {
      const bytes = Buffer.alloc(wide ? 24 : 16);
      bytes.write('GGUF', 0, 'latin1');
      bytes.writeUInt32LE(version, 4);
      if (wide) { bytes.writeBigUInt64LE(tensors, 8); bytes.writeBigUInt64LE(entries, 16); }
      else { bytes.writeUInt32LE(Number(tensors), 8); bytes.writeUInt32LE(Number(entries), 12); }
      return bytes;
    };
    const file = (name: string, bytes: Buffer) => {
      const at = path.join(dir, name);
      writeFileSync(at, bytes);
      return at;
    };

    it('refuses a GGUF header whose counts the file cannot hold, before any process starts', async () => {
      const cases: [string, Buffer, RegExp][] = [
        // The reproduced hang: 20 bytes, version 3, counts that end inside the header.
        ['truncated.gguf', header(3, 2n ** 40n, 2n ** 40n).subarray(0, 20), /ends inside its header, after 20 bytes/],
        ['huge-counts.gguf', header(3, 2n ** 40n, 2n ** 40n), /claims 1099511627776 tensors and 1099511627776 metadata entries, which need at least \d+ bytes; the file has 24/],
        ['many-entries.gguf', Buffer.concat([header(3, 0n, 1000n), Buffer.alloc(100)]), /claims 0 tensors and 1000 metadata entries.*the file has 124/],
        ['v1-counts.gguf', header(1, 5n, 5n), /claims 5 tensors and 5 metadata entries.*the file has 16/],
        ['version-7.gguf', header(7, 0n, 0n), /GGUF version 7: only versions 1 to 3 exist/],
        ['not-gguf.gguf', Buffer.from('{"weights": []}'), /does not begin with the bytes "GGUF"/],
      ];
      for (const [name, bytes, why] of cases) {
        const local = backend(file(name, bytes));
        const result = await run(local);
        assert.equal(result.finishReason, 'error', name);
        assert.match(result.error!.message, new RegExp(`^the model ${path.join(dir, name).replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} did not load: it is not a GGUF model file \\(`), name);
        assert.match(result.error!.message, why, name);
        assert.equal(local.processId, undefined, `${name}: no process was started`);
        await assert.rejects(local.countTokens(['x']), why);
        assert.equal(local.processId, undefined, `${name}: no process was started to count`);
      }
    });

    it('accepts a real model\'s header, and headers whose counts fit', async () => {
      assert.equal(await ggufHeaderProblem(STORIES_MODEL), undefined);
      assert.equal(await ggufHeaderProblem(file('empty-model.gguf', header(3, 0n, 0n))), undefined);
      assert.equal(await ggufHeaderProblem(file('fits.gguf', Buffer.concat([header(2, 2n, 3n), Buffer.alloc(2 * 20 + 3 * 9)]))), undefined);
      assert.match((await ggufHeaderProblem(file('one-short.gguf', Buffer.concat([header(2, 2n, 3n), Buffer.alloc(2 * 20 + 3 * 9 - 1)]))))!, /need at least 91 bytes; the file has 90/);
    });

    it('refuses a FIFO and a folder as the model, with no process started and nothing left waiting', async () => {
      const fifo = path.join(dir, 'model.fifo');
      execFileSync('mkfifo', [fifo]);
      const fromFifo = backend(fifo);
      const result = await run(fromFifo);
      assert.equal(result.finishReason, 'error');
      assert.match(result.error!.message, new RegExp(`The local model file ${fifo.replace(/[.\\/]/g, '\\$&')} \\(from modelPath of backend 'local'\\) is not a regular file`));
      assert.equal(fromFifo.processId, undefined);
      await assert.rejects(fromFifo.countTokens(['x']), /is not a regular file/);
      // The check that runs just before a process starts opens the file without waiting for a writer.
      assert.match((await ggufHeaderProblem(fifo))!, /model\.fifo is not a regular file/);

      const folder = backend(dir);
      const inFolder = await run(folder);
      assert.match(inFolder.error!.message, new RegExp(`The local model file ${dir.replace(/[.\\/]/g, '\\$&')} \\(from modelPath of backend 'local'\\) is a folder, not a GGUF file`));
      assert.equal(folder.processId, undefined);
      assert.match((await ggufHeaderProblem(dir))!, /is a folder/);
    });
  });

  describe('a load that does not end', () => {
    it('times out: the process is stopped and what it owed fails saying so', async () => {
      const local = backend(STORIES_MODEL, { hostPath: path.join(dir, 'hangingHost.js'), loadTimeoutMs: 300 });
      const generation = run(local);
      const counting = local.countTokens(['x']);
      await until(() => local.processId !== undefined, 'the process to start');
      const pid = local.processId!;
      const result = await generation;
      assert.equal(result.finishReason, 'error');
      assert.equal(result.error!.message, `the model ${STORIES_MODEL} did not load within 0.3 s`);
      await assert.rejects(counting, { message: `the model ${STORIES_MODEL} did not load within 0.3 s` });
      assert.equal(local.processId, undefined);
      await until(() => !alive(pid), 'the stuck process to be killed');
    });

    it('stops the process (even one that ignores SIGTERM) once every request waiting for the load was aborted, and ends them as aborted', async () => {
      const local = backend(STORIES_MODEL, { hostPath: path.join(dir, 'hangingHost.js') });
      const first = new AbortController();
      const second = new AbortController();
      const ready = path.join(dir, 'ready');
      // The child's environment is the parent's: this is how the stand-in learns where to say it is ready.
      process.env.PROMPT_LAB_TEST_READY = ready;
      let one: Promise<GenerationResult>;
      let two: Promise<GenerationResult>;
      let pid: number;
      try {
        one = run(local, undefined, first.signal);
        two = run(local, undefined, second.signal);
        await until(() => local.processId !== undefined, 'the process to start');
        pid = local.processId!;
      } finally {
        delete process.env.PROMPT_LAB_TEST_READY;
      }
      await until(() => existsSync(`${ready}.${pid}`), 'the stand-in to ignore SIGTERM', 30_000);
      first.abort();
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(local.processId, pid, 'another request still waits for the model');
      assert.ok(alive(pid));
      second.abort();
      const [a, b] = await Promise.all([one, two]);
      assert.equal(a.finishReason, 'abort');
      assert.equal(b.finishReason, 'abort');
      assert.equal(a.error, undefined);
      assert.equal(local.processId, undefined);
      await until(() => !alive(pid), 'the stuck process to be killed');
    });
  });

  describe('aborted requests in the host\'s queue (stories260K, one sequence)', () => {
    let host: ChildProcess | undefined;
    afterEach(() => {
      if (host && host.exitCode === null) host.kill('SIGKILL');
    });

    it('leave the queue when their abort arrives: answered at once, never evaluated, not delaying the next request', async () => {
      const options: HostModelOptions = { modelPath: STORIES_MODEL, threads: 1, sequences: 1 };
      host = fork(HOST, [JSON.stringify(options)], { execArgv: [], stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'json' });
      const replies: HostReply[] = [];
      const waiters: (() => void)[] = [];
      host.on('message', (reply: HostReply) => { replies.push(reply); for (const wake of waiters.splice(0)) wake(); });
      const send = (request: HostRequest) => host!.send(request);
      const seen = async (test: (reply: HostReply) => boolean) => {
        while (!replies.some(test)) await new Promise<void>((resolve) => waiters.push(resolve));
      };
      const generate = (id: number, maxOutputTokens: number) =>
        send({ type: 'generate', id, request: { messages: [], prompt: OPENING, config: { temperature: 1, seed: id, maxOutputTokens } } });
      const done = (id: number) => replies.findIndex((reply) => reply.type === 'done' && reply.id === id);
      const outcome = (id: number) => (replies[done(id)] as Extract<HostReply, { type: 'done' }>).outcome;
      const firstToken = (id: number) => replies.findIndex((reply) => reply.type === 'token' && reply.id === id);

      // 1 runs (long); 2, 3 and 4 queue behind it and are abandoned; 5 is short and comes last.
      generate(1, 1500);
      await seen((reply) => reply.type === 'token' && reply.id === 1);
      for (const id of [2, 3, 4]) generate(id, 1500);
      for (const id of [2, 3, 4]) send({ type: 'abort', id });
      generate(5, 4);
      await seen((reply) => reply.type === 'done' && reply.id === 5);

      for (const id of [2, 3, 4]) {
        assert.ok(done(id) !== -1 && done(id) < done(1), `request ${id} was answered before the running request ended`);
        assert.equal(outcome(id).finishReason, 'abort');
        assert.equal(outcome(id).promptTokens, 0, `request ${id} never evaluated its prompt`);
        assert.equal(outcome(id).completionTokens, 0);
        assert.equal(firstToken(id), -1, `request ${id} streamed nothing`);
      }
      assert.equal(outcome(1).completionTokens, 1500, 'the running request was not disturbed');
      // With one sequence, 5 runs next after 1: nothing of the abandoned requests ran in between.
      assert.ok(firstToken(5) > done(1));
      assert.deepEqual(replies.slice(done(1) + 1).map((reply) => reply.type === 'loaded' ? 'loaded' : `${reply.type} ${reply.id}`), ['token 5', 'token 5', 'token 5', 'token 5', 'done 5']);
      assert.equal(outcome(5).completionTokens, 4);
      assert.equal(outcome(5).finishReason, 'length');
    });
  });
});
