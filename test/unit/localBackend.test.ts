// The local backend on a real model (../shared/models/stories260K.gguf) in a real child process: the
// tsc-compiled host in out/. Sampling, limits, stop sequences, probabilities, abort, a missing model
// and a child that dies mid-generation.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { GenerationConfig, GenerationResult, StreamedToken } from '../../src/backends/backend';
import { BUNDLED_MODEL_ENV } from '../../src/backends/local/bundledModel';
import { LocalBackend, resolveModelPath } from '../../src/backends/local/localBackend';

const root = path.resolve(__dirname, '../../..');
const STORIES_MODEL = path.resolve(root, '../shared/models/stories260K.gguf');
const OPENING = 'Once upon a time, there was a little cat who lived in a big garden. One day,';

describe('local backend (stories260K in a child process)', function () {
  // The first request loads the model (~1 s); a long generation takes a few seconds on 1 thread.
  this.timeout(60000);
  const backends: LocalBackend[] = [];
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => { unhandled.push(reason); };
  let local: LocalBackend;

  const backend = (extra: Partial<ConstructorParameters<typeof LocalBackend>[0]> = {}, options: ConstructorParameters<typeof LocalBackend>[2] = {}) => {
    const created = new LocalBackend({ id: 'local', kind: 'local', modelPath: STORIES_MODEL, ...extra }, {}, { env: {}, ...options });
    backends.push(created);
    return created;
  };
  const run = (config: GenerationConfig, onToken?: (token: StreamedToken) => void, signal?: AbortSignal, on: LocalBackend = local): Promise<GenerationResult> =>
    on.generate({ model: '', messages: [{ role: 'user', content: OPENING }], config }, { ...(onToken ? { onToken } : {}), ...(signal ? { signal } : {}) });

  before(() => {
    process.on('unhandledRejection', onUnhandled);
    local = backend();
  });
  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    await Promise.all(backends.map((b) => b.dispose()));
    assert.deepEqual(unhandled, [], 'unhandled rejections');
  });

  it('is deterministic at temperature 0, streams what it returns, and reports usage and timings', async () => {
    let streamed = '';
    const first = await run({ temperature: 0, maxOutputTokens: 30 }, (token) => { streamed += token.text; });
    const second = await run({ sampling: 'greedy', maxOutputTokens: 30 });
    assert.equal(first.error, undefined);
    assert.ok(first.text.length > 20, first.text);
    assert.equal(second.text, first.text);
    assert.equal(streamed, first.text);
    assert.equal(first.usage.estimated, false);
    assert.equal(first.usage.completionTokens, 30);
    assert.ok(first.usage.promptTokens > 10);
    assert.ok(first.latencyMs > 0 && first.timeToFirstTokenMs! > 0 && first.tokensPerSecond! > 0);
    assert.equal(first.parameters.temperature, 0);
    assert.equal(first.parameters.seed, undefined, 'greedy sampling needs no seed');
    assert.equal(first.backend, 'local');
    assert.equal(first.model, 'stories260K');
  });

  it('reproduces a sample with the same seed at temperature 1; other seeds, or none, differ', async () => {
    // Side by side (two requests at once, each decoded alone by default) and alone: a sample does
    // not depend on its neighbours (localBatching.test.ts checks a whole grid).
    const [a, b, c] = await Promise.all([7, 7, 8].map((seed) => run({ temperature: 1, seed, maxOutputTokens: 40 })));
    const alone = await run({ temperature: 1, seed: 7, maxOutputTokens: 40 });
    assert.equal(a!.text, b!.text);
    assert.equal(alone.text, a!.text);
    assert.notEqual(a!.text, c!.text);
    assert.equal(a!.parameters.seed, 7);
    // No seed: each request draws its own (node-llama-cpp would seed from the clock's second). The
    // seeds are random, so only what holds for every draw is asserted: they differ, and each
    // recorded seed reproduces its sample (two random seeds could, rarely, give one text).
    const x = await run({ temperature: 1, maxOutputTokens: 40 });
    const y = await run({ temperature: 1, maxOutputTokens: 40 });
    assert.equal(typeof x.parameters.seed, 'number');
    assert.notEqual(x.parameters.seed, y.parameters.seed);
    for (const sample of [x, y]) {
      const again = await run({ temperature: 1, maxOutputTokens: 40, seed: sample.parameters.seed as number });
      assert.equal(again.text, sample.text, 'the recorded seed reproduces the sample');
    }
  });

  it('stops after exactly maxOutputTokens', async () => {
    for (const max of [1, 17]) {
      const result = await run({ temperature: 0.8, seed: 1, maxOutputTokens: max });
      assert.equal(result.usage.completionTokens, max);
      assert.equal(result.finishReason, 'length');
      assert.equal(result.parameters.maxTokens, max);
    }
  });

  it('applies presence and frequency penalties', async () => {
    const plain = await run({ temperature: 0, maxOutputTokens: 60 });
    const penalised = await run({ temperature: 0, maxOutputTokens: 60, frequencyPenalty: 1.5, presencePenalty: 1 });
    assert.notEqual(penalised.text, plain.text);
    assert.equal(penalised.parameters.frequencyPenalty, 1.5);
    assert.equal(penalised.parameters.presencePenalty, 1);
  });

  it('stops at a stop sequence and cuts it from the text', async () => {
    const free = await run({ temperature: 0, maxOutputTokens: 40 });
    const stop = free.text.slice(15, 21);
    const cut = free.text.indexOf(stop);
    let streamed = '';
    const stopped = await run({ temperature: 0, maxOutputTokens: 40, stopSequences: ['@@never@@', stop] }, (token) => { streamed += token.text; });
    assert.equal(stopped.finishReason, 'stop');
    assert.equal(stopped.text, free.text.slice(0, cut));
    assert.equal(streamed, stopped.text, 'no part of the stop sequence was streamed');
    assert.ok(stopped.usage.completionTokens < 40);
  });

  it('returns log-probabilities with the top alternatives, most probable first', async () => {
    const streamedLogprobs: number[] = [];
    const result = await run({ temperature: 0, maxOutputTokens: 12, logprobs: 5 }, (token) => { if (token.logprob) streamedLogprobs.push(token.logprob.logprob); });
    assert.equal(result.logprobs?.length, 12);
    for (const entry of result.logprobs!) {
      assert.equal(entry.top.length, 5);
      assert.ok(entry.logprob <= 0);
      for (let i = 1; i < entry.top.length; i++) assert.ok(entry.top[i - 1]!.logprob >= entry.top[i]!.logprob, 'sorted');
      // Greedy: the chosen token is the most probable one.
      assert.equal(entry.token, entry.top[0]!.token);
      assert.equal(entry.logprob, entry.top[0]!.logprob);
    }
    assert.equal(result.logprobs!.map((e) => e.token).join(''), result.text);
    assert.deepEqual(streamedLogprobs, result.logprobs!.map((e) => e.logprob));
    const none = await run({ temperature: 0, maxOutputTokens: 3, logprobs: 0 });
    assert.deepEqual(none.logprobs!.map((e) => e.top), [[], [], []]);
  });

  it('stops promptly on abort and keeps the partial text', async () => {
    const full = 500;
    const t0 = performance.now();
    const unaborted = await run({ temperature: 1, seed: 3, maxOutputTokens: full });
    const fullMs = performance.now() - t0;
    assert.equal(unaborted.usage.completionTokens, full);
    const controller = new AbortController();
    let tokens = 0;
    let abortedAt = 0;
    const aborted = await run({ temperature: 1, seed: 3, maxOutputTokens: full }, () => {
      if (++tokens === 10) { abortedAt = performance.now(); controller.abort(); }
    }, controller.signal);
    const afterAbortMs = performance.now() - abortedAt;
    assert.equal(aborted.finishReason, 'abort');
    assert.ok(aborted.text.length > 0 && unaborted.text.startsWith(aborted.text), 'the partial text is the start of the same sample');
    assert.ok(aborted.usage.completionTokens < full / 2, `${aborted.usage.completionTokens} tokens`);
    assert.ok(afterAbortMs < fullMs / 2, `finished ${afterAbortMs.toFixed(0)} ms after the abort; the whole run took ${fullMs.toFixed(0)} ms`);
    const before = await run({ temperature: 0, maxOutputTokens: 5 }, undefined, AbortSignal.abort());
    assert.equal(before.finishReason, 'abort');
    assert.equal(before.text, '');
  });

  it('runs the model in the box when no model is configured, and says so once', async () => {
    const notes: string[] = [];
    const boxed = new LocalBackend({ id: 'local', kind: 'local' }, { log: (line) => notes.push(line) }, { env: {} });
    backends.push(boxed);
    const result = await run({ temperature: 0, maxOutputTokens: 12 }, undefined, undefined, boxed);
    assert.equal(result.error, undefined);
    assert.equal(result.model, 'stories260K');
    assert.equal(result.usage.completionTokens, 12);
    assert.equal((await run({ temperature: 0, maxOutputTokens: 12 }, undefined, undefined, boxed)).text, result.text);
    const boxNotes = notes.filter((line) => /in the box/.test(line));
    assert.equal(boxNotes.length, 1, notes.join('\n'));
    assert.match(boxNotes[0]!, /no model configured, running the model in the box, stories260K\.gguf \(.*models[\\/]stories260K\.gguf\)/);
    assert.equal('bundled' in resolveModelPath({ id: 'local', kind: 'local' }, {}), true);
    assert.deepEqual(resolveModelPath({ id: 'local', kind: 'local' }, { PROMPT_LAB_MODEL: STORIES_MODEL }), { path: STORIES_MODEL }, 'a configured model wins');
  });

  it('fails fast with how to set a model when there is none (not even in the box) or the file is missing', async () => {
    const none = new LocalBackend({ id: 'local', kind: 'local' }, {}, { env: { [BUNDLED_MODEL_ENV]: '' } });
    const result = await run({}, undefined, undefined, none);
    assert.equal(result.finishReason, 'error');
    assert.match(result.error!.message, /No model file for the local backend 'local'/);
    assert.match(result.error!.message, /promptLab\.backends.*modelPath.*--model-path.*PROMPT_LAB_MODEL/);
    assert.equal(none.processId, undefined, 'no process was started');
    const missing = new LocalBackend({ id: 'mine', kind: 'local' }, {}, { env: { PROMPT_LAB_MODEL: '/nowhere/model.gguf' } });
    const gone = await run({}, undefined, undefined, missing);
    assert.match(gone.error!.message, /\/nowhere\/model\.gguf \(from PROMPT_LAB_MODEL\) does not exist/);
    await assert.rejects(missing.countTokens(['x']), /does not exist/);
  });

  it('says so when the file is not a model', async () => {
    const notAModel = path.join(__dirname, 'localBackend.test.js');
    const wrong = backend({ modelPath: notAModel });
    const result = await run({}, undefined, undefined, wrong);
    assert.equal(result.finishReason, 'error');
    assert.match(result.error!.message, /^the model .*localBackend\.test\.js did not load: .*GGUF/);
    assert.equal(wrong.processId, undefined, 'the header was checked before a process was started');
  });

  it('ends with a clear error when the child dies mid-generation, and the next request works', async () => {
    const victim = backend();
    let killed = false;
    const result = await run({ temperature: 1, maxOutputTokens: 1500 }, () => {
      if (!killed) { killed = true; process.kill(victim.processId!, 'SIGKILL'); }
    }, undefined, victim);
    assert.equal(result.finishReason, 'error');
    assert.match(result.error!.message, /local model process exited unexpectedly \(signal SIGKILL\)/);
    assert.ok(result.text.length > 0, 'the partial text is kept');
    const next = await run({ temperature: 0, maxOutputTokens: 5 }, undefined, undefined, victim);
    assert.equal(next.error, undefined);
    assert.equal(next.usage.completionTokens, 5);
  });

  it('runs raw text for a model without a chat template, and counts with its own tokenizer', async () => {
    const [count] = await local.countTokens([OPENING]);
    const result = await run({ temperature: 0, maxOutputTokens: 1 });
    // The prompt is the text after a BOS token: no Llama-2 [INST] wrapper, no default system prompt.
    assert.equal(result.usage.promptTokens, count! + 1);
    assert.equal(result.parameters.mode, 'completion');
    const [empty, catTokens] = await local.countTokens(['', 'a cat']);
    assert.equal(empty, 0);
    assert.ok(catTokens! > 0);
  });

  it('measures a prompt as the model sees it: the same tokens a generation reports, and the context size', async () => {
    const messages = [{ role: 'user' as const, content: OPENING }];
    const measure = await local.measurePrompt(messages);
    const result = await run({ temperature: 0, maxOutputTokens: 1 });
    assert.equal(measure.promptTokens, result.usage.promptTokens);
    assert.equal(measure.mode, 'completion');
    assert.equal(measure.contextSize, 2048, "stories260K's own context length (the default, up to 4,096)");
    assert.equal((await backend({ contextSize: 256 }).measurePrompt(messages)).contextSize, 256, 'or the configured one');
    const two = await local.measurePrompt([...messages, { role: 'user', content: 'The end.' }]);
    const [joined] = await local.countTokens([`${OPENING}\nThe end.`]);
    assert.equal(two.promptTokens, joined! + 1, 'messages one after another on lines, after a BOS token');
  });

  it('stops the child after the idle period and starts it again when needed', async () => {
    const idle = backend({}, { idleMs: 100 });
    await run({ temperature: 0, maxOutputTokens: 2 }, undefined, undefined, idle);
    const pid = idle.processId;
    assert.ok(pid);
    for (let i = 0; i < 50 && idle.processId !== undefined; i++) await new Promise((r) => setTimeout(r, 50));
    assert.equal(idle.processId, undefined);
    const again = await run({ temperature: 0, maxOutputTokens: 2 }, undefined, undefined, idle);
    assert.equal(again.usage.completionTokens, 2);
    assert.notEqual(idle.processId, pid);
  });
});
