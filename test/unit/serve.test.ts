// The OpenAI-compatible server over the local backend and the real model, through real HTTP with
// plain fetch: what an OpenAI client sends and reads, field for field.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Backend, GenerationResult } from '../../src/backends/backend';
import { LocalBackend } from '../../src/backends/local/localBackend';
import { measureWithModel } from '../../src/serve/contextLimit';
import { startOpenAIServer, type StartedServer } from '../../src/serve/openaiServer';
const root = path.resolve(__dirname, '../../..');
const STORIES_MODEL = path.resolve(root, '../shared/models/stories260K.gguf');
const MODEL = 'stories260K';
const OPENING = 'Once upon a time, there was a little cat who lived in a big garden. One day,';

/** A stream chunk, as much of it as the tests read. */
interface Chunk {
  object: string;
  choices: { index: number; delta: { role?: string; content?: string }; text: string; finish_reason: string | null; logprobs: { content?: { token: string }[] } | null }[];
  usage?: unknown;
}
interface SseResult { chunks: Chunk[]; done: boolean }

/** Reads an SSE body: `data: {...}` events, ending with `data: [DONE]`. */
async function readSse(response: Response): Promise<SseResult> {
  assert.match(response.headers.get('content-type') ?? '', /^text\/event-stream/);
  const text = await response.text();
  const events = text.split('\n\n').filter((event) => event.length > 0);
  for (const event of events) assert.match(event, /^data: /, 'every event is a data line');
  const data = events.map((event) => event.slice('data: '.length));
  const done = data.at(-1) === '[DONE]';
  return { chunks: data.filter((d) => d !== '[DONE]').map((d) => JSON.parse(d) as Chunk), done };
}

describe('prompt-lab serve: the OpenAI API over the local model', function () {
  this.timeout(60000);
  let local: LocalBackend;
  let started: StartedServer;
  /** Every result the server's backend returned, to see what happened on the server side. */
  const results: GenerationResult[] = [];

  const post = (route: string, body: unknown, init: RequestInit = {}) => fetch(`${started.url}${route}`, {
    method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body), ...init,
  });
  const chat = (extra: Record<string, unknown> = {}) => ({ model: MODEL, messages: [{ role: 'user', content: OPENING }], temperature: 0, max_tokens: 12, ...extra });

  before(async () => {
    local = new LocalBackend({ id: 'local', kind: 'local', modelPath: STORIES_MODEL }, {}, { env: {} });
    const recording: Backend = {
      id: local.id, kind: local.kind, supports: local.supports,
      generate: async (request, options) => {
        const result = await local.generate(request, options);
        results.push(result);
        return result;
      },
    };
    started = await startOpenAIServer({ backend: recording, model: MODEL, port: 0, maxBodyBytes: 64 * 1024 });
  });
  after(async () => {
    await started.close();
    await local.dispose();
  });

  it('binds to loopback by default and lists its model', async () => {
    assert.equal((started.server.address() as { address: string }).address, '127.0.0.1');
    assert.match(started.url, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    const list = await (await fetch(`${started.url}/models`)).json();
    assert.deepEqual(list, { object: 'list', data: [{ id: MODEL, object: 'model', created: 0, owned_by: 'prompt-lab' }] });
    assert.equal((await fetch(`${started.url}/models/${MODEL}`)).status, 200);
  });

  it('answers chat completions, streamed and not, with the same text at temperature 0', async () => {
    const response = await post('/chat/completions', chat());
    assert.equal(response.status, 200);
    const body = await response.json();
    assert.equal(body.object, 'chat.completion');
    assert.match(body.id, /^chatcmpl-/);
    assert.equal(body.model, MODEL);
    assert.equal(body.choices.length, 1);
    assert.equal(body.choices[0].message.role, 'assistant');
    assert.equal(body.choices[0].finish_reason, 'length');
    assert.equal(body.choices[0].logprobs, null);
    assert.ok(body.choices[0].message.content.length > 0);
    assert.equal(body.usage.completion_tokens, 12);
    assert.equal(body.usage.total_tokens, body.usage.prompt_tokens + 12);

    const stream = await readSse(await post('/chat/completions', chat({ stream: true })));
    assert.ok(stream.done);
    assert.equal(stream.chunks[0]!.choices[0].delta.role, 'assistant');
    for (const chunk of stream.chunks) assert.equal(chunk.object, 'chat.completion.chunk');
    const text = stream.chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    assert.equal(text, body.choices[0].message.content);
    assert.equal(stream.chunks.at(-1)!.choices[0].finish_reason, 'length');
    assert.ok(!('usage' in stream.chunks[0]!), 'no usage field unless asked for');
  });

  it('answers legacy completions, streamed with usage when include_usage is set', async () => {
    const body = await (await post('/completions', { model: MODEL, prompt: OPENING, temperature: 0, max_tokens: 10, stop: ['\n'] })).json();
    assert.equal(body.object, 'text_completion');
    assert.ok(body.choices[0].text.length > 0);
    assert.ok(!body.choices[0].text.includes('\n'));
    const stream = await readSse(await post('/completions', { model: MODEL, prompt: OPENING, temperature: 0, max_tokens: 10, stop: ['\n'], stream: true, stream_options: { include_usage: true } }));
    assert.ok(stream.done);
    const last = stream.chunks.at(-1)!;
    assert.deepEqual(last.choices, []);
    assert.deepEqual(last.usage, body.usage);
    for (const chunk of stream.chunks.slice(0, -1)) assert.equal(chunk.usage, null);
    assert.equal(stream.chunks.slice(0, -1).map((c) => c.choices[0].text).join(''), body.choices[0].text);
  });

  it('samples n choices, each with its own seed', async () => {
    const body = await (await post('/chat/completions', chat({ temperature: 1, n: 2, max_tokens: 20 }))).json();
    assert.deepEqual(body.choices.map((c: { index: number }) => c.index), [0, 1]);
    assert.notEqual(body.choices[0].message.content, body.choices[1].message.content);
    assert.equal(body.usage.completion_tokens, 40);
    const seeded = await (await post('/chat/completions', chat({ temperature: 1, n: 2, max_tokens: 20, seed: 5 }))).json();
    const again = await (await post('/chat/completions', chat({ temperature: 1, n: 2, max_tokens: 20, seed: 5 }))).json();
    assert.notEqual(seeded.choices[0].message.content, seeded.choices[1].message.content, 'choice i samples with seed + i');
    assert.deepEqual(again.choices, seeded.choices, 'a seed reproduces all n choices');
    const stream = await readSse(await post('/completions', { model: MODEL, prompt: OPENING, max_tokens: 5, n: 2, stream: true }));
    assert.deepEqual([...new Set(stream.chunks.map((c) => c.choices[0].index))].sort(), [0, 1]);
  });

  it('returns log-probabilities in the chat shape and the legacy completions shape', async () => {
    const chatBody = await (await post('/chat/completions', chat({ max_tokens: 4, logprobs: true, top_logprobs: 3 }))).json();
    const content = chatBody.choices[0].logprobs.content;
    assert.equal(content.length, 4);
    for (const entry of content) {
      assert.deepEqual(Object.keys(entry).sort(), ['bytes', 'logprob', 'token', 'top_logprobs']);
      assert.deepEqual(entry.bytes, [...Buffer.from(entry.token)]);
      assert.equal(entry.top_logprobs.length, 3);
      assert.ok(entry.logprob <= 0);
    }
    assert.equal(content.map((e: { token: string }) => e.token).join(''), chatBody.choices[0].message.content);
    const streamed = await readSse(await post('/chat/completions', chat({ max_tokens: 4, logprobs: true, stream: true })));
    const streamedContent = streamed.chunks.flatMap((c) => c.choices[0]?.logprobs?.content ?? []);
    assert.deepEqual(streamedContent.map((e) => e.token), content.map((e: { token: string }) => e.token));

    const legacy = (await (await post('/completions', { model: MODEL, prompt: OPENING, temperature: 0, max_tokens: 4, logprobs: 2 })).json()).choices[0].logprobs;
    assert.equal(legacy.tokens.length, 4);
    assert.equal(legacy.token_logprobs.length, 4);
    assert.equal(Object.keys(legacy.top_logprobs[0]).length, 2);
    assert.equal(legacy.text_offset[0], OPENING.length);
    assert.equal(legacy.text_offset[1], OPENING.length + legacy.tokens[0].length);
  });

  it('refuses bad requests with OpenAI-shaped errors', async () => {
    const cases: [string, unknown, number, string | null, string?][] = [
      ['/chat/completions', '{"model": ', 400, null, 'invalid_json'],
      ['/chat/completions', [1, 2], 400, null],
      ['/chat/completions', { messages: [] }, 400, 'model'],
      ['/chat/completions', { model: MODEL }, 400, 'messages', 'missing_required_parameter'],
      ['/chat/completions', { model: MODEL, messages: 'hi' }, 400, 'messages'],
      ['/chat/completions', { model: MODEL, messages: [] }, 400, 'messages'],
      ['/chat/completions', { model: MODEL, messages: [{ role: 'wizard', content: 'x' }] }, 400, 'messages[0].role'],
      ['/chat/completions', chat({ temperature: 3 }), 400, 'temperature'],
      ['/chat/completions', chat({ temperature: 'hot' }), 400, 'temperature'],
      ['/chat/completions', chat({ top_p: 1.5 }), 400, 'top_p'],
      ['/chat/completions', chat({ max_tokens: 0 }), 400, 'max_tokens'],
      ['/chat/completions', chat({ n: 0 }), 400, 'n'],
      ['/chat/completions', chat({ seed: 1.5 }), 400, 'seed'],
      ['/chat/completions', chat({ stop: ['a', 'b', 'c', 'd', 'e'] }), 400, 'stop'],
      ['/chat/completions', chat({ top_logprobs: 2 }), 400, 'top_logprobs'],
      ['/chat/completions', chat({ stream_options: { include_usage: true } }), 400, 'stream_options'],
      ['/completions', { model: MODEL }, 400, 'prompt'],
      ['/completions', { model: MODEL, prompt: 'x', logprobs: 6 }, 400, 'logprobs'],
      ['/chat/completions', chat({ model: 'gpt-4o' }), 404, 'model', 'model_not_found'],
      ['/chat/completions', JSON.stringify(chat({ pad: 'x'.repeat(70 * 1024) })), 413, null],
    ];
    for (const [route, body, status, param, code] of cases) {
      const response = await post(route, body);
      const what = `${route} ${typeof body === 'string' ? body.slice(0, 40) : JSON.stringify(body).slice(0, 80)}`;
      assert.equal(response.status, status, what);
      const { error } = await response.json();
      assert.deepEqual(Object.keys(error).sort(), ['code', 'message', 'param', 'type'], what);
      assert.equal(error.type, 'invalid_request_error', what);
      assert.equal(error.param, param, what);
      if (code) assert.equal(error.code, code, what);
      assert.ok(error.message.length > 0);
    }
    assert.equal((await fetch(`${started.url}/nowhere`)).status, 404);
    assert.equal((await fetch(`${started.url}/chat/completions`)).status, 405);
  });

  it('stops generating when the client disconnects', async () => {
    results.length = 0;
    const controller = new AbortController();
    const response = await post('/completions', { model: MODEL, prompt: OPENING, temperature: 1, max_tokens: 1500, stream: true }, { signal: controller.signal });
    const reader = response.body!.getReader();
    await reader.read();
    controller.abort();
    for (let i = 0; i < 100 && results.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    assert.equal(results.length, 1, 'the generation ended soon after the client left');
    assert.equal(results[0]!.finishReason, 'abort');
    assert.ok(results[0]!.usage.completionTokens < 1500);
  });

  it('refuses a prompt over the context with 400 context_length_exceeded, measured by the model, before generating', async () => {
    const measured = await startOpenAIServer({ backend: local, model: MODEL, port: 0, measure: measureWithModel(local) });
    try {
      const long = Array.from({ length: 110 }, () => OPENING).join(' ');
      const [tokens] = await local.countTokens([long]);
      assert.ok(tokens! > 2_048 && tokens! < 4_000, `${tokens} tokens`);
      results.length = 0;
      const post = (route: string, body: unknown) => fetch(`${measured.url}${route}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const startedAt = performance.now();
      const response = await post('/chat/completions', { model: MODEL, messages: [{ role: 'user', content: long }] });
      const elapsed = performance.now() - startedAt;
      assert.equal(response.status, 400);
      const { error } = await response.json();
      assert.equal(error.code, 'context_length_exceeded');
      assert.equal(error.param, 'messages');
      assert.match(error.message, new RegExp(`^This model's maximum context length is 2048 tokens\\. However, your messages resulted in ${tokens! + 1} tokens\\.`));
      assert.ok(elapsed < 2_000, `answered in ${Math.round(elapsed)} ms`);
      // Completions: the prompt fits, the prompt and max_tokens do not.
      const half = Array.from({ length: 60 }, () => OPENING).join(' ');
      const [halfTokens] = await local.countTokens([half]);
      const over = await post('/completions', { model: MODEL, prompt: half, max_tokens: 2_048 - halfTokens! });
      assert.equal(over.status, 400);
      assert.match((await over.json()).error.message, new RegExp(`you requested 2049 tokens \\(${halfTokens! + 1} in the prompt, ${2_048 - halfTokens!} in the completion\\)`));
      const fits = await post('/completions', { model: MODEL, prompt: half, max_tokens: 3 });
      assert.equal(fits.status, 200);
      assert.equal((await fits.json()).usage.prompt_tokens, halfTokens! + 1, 'the measure counted the prompt as the generation did');
    } finally {
      await measured.close();
    }
  });

  it('runs from the command line on a free port it prints, and stops on SIGINT', async function () {
    const cli = path.join(root, 'dist/cli.js');
    if (!existsSync(cli)) this.skip();
    const child = spawn(process.execPath, [cli, 'serve', '--model', STORIES_MODEL, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        stdout += chunk;
        const match = /Serving stories260K at (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(stdout);
        if (match) resolve(match[1]!);
      });
      child.on('exit', (code) => reject(new Error(`serve exited (${code}) before printing its URL: ${stdout}`)));
    });
    const body = await (await fetch(`${url}/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: MODEL, prompt: OPENING, max_tokens: 3 }) })).json();
    assert.equal(body.usage.completion_tokens, 3);
    // fetch's default body type, text/plain, is what a web page can send without asking: refused.
    assert.equal((await fetch(`${url}/completions`, { method: 'POST', body: JSON.stringify({ model: MODEL, prompt: OPENING, max_tokens: 3 }) })).status, 415);
    // The CLI measures prompts with the model: one over the context is a 400.
    const long = await fetch(`${url}/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: MODEL, prompt: OPENING.repeat(150) }) });
    assert.equal((await long.json()).error.code, 'context_length_exceeded');
    const exit = new Promise((resolve) => child.on('exit', resolve));
    child.kill('SIGINT');
    assert.equal(await exit, 0);
  });

  it('from the command line, decodes --sequences requests together and answers that many at once', async function () {
    const cli = path.join(root, 'dist/cli.js');
    if (!existsSync(cli)) this.skip();
    const child = spawn(process.execPath, [cli, 'serve', '--model', STORIES_MODEL, '--port', '0', '--sequences', '3'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stderr.on('data', (chunk) => { output += chunk; });
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (chunk) => {
        output += chunk;
        const match = /Serving stories260K at (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(output);
        if (match) resolve(match[1]!);
      });
      child.on('exit', (code) => reject(new Error(`serve exited (${code}) before printing its URL: ${output}`)));
    });
    try {
      assert.match(output, /3 sequences of \d+ tokens, decoded together 3 per context/);
      const answers = await Promise.all([1, 2, 3].map(async (seed) => (await fetch(`${url}/completions`, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: MODEL, prompt: OPENING, max_tokens: 8, temperature: 1, seed }),
      })).json()));
      for (const answer of answers) assert.equal(answer.usage.completion_tokens, 8);
    } finally {
      const exit = new Promise((resolve) => child.on('exit', resolve));
      child.kill('SIGINT');
      assert.equal(await exit, 0);
    }
  });

  it('from the command line, takes its API key from the environment without printing it, and warns when exposed without one', async function () {
    const cli = path.join(root, 'dist/cli.js');
    if (!existsSync(cli)) this.skip();
    const key = 'sk-serve-test-7d1e';
    const run = async (args: string[], env: NodeJS.ProcessEnv) => {
      const child = spawn(process.execPath, [cli, 'serve', '--model', STORIES_MODEL, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
      let stdout = '';
      let stderr = '';
      child.stderr.on('data', (chunk) => { stderr += chunk; });
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on('data', (chunk) => {
          stdout += chunk;
          const match = /Serving stories260K at http:\/\/[^:]+:(\d+)\/v1/.exec(stdout);
          if (match) resolve(`http://127.0.0.1:${match[1]}/v1`);
        });
        child.on('exit', (code) => reject(new Error(`serve exited (${code}) before printing its URL: ${stdout}${stderr}`)));
      });
      return { url, output: () => stdout + stderr, stop: () => { const exit = new Promise((resolve) => child.on('exit', resolve)); child.kill('SIGINT'); return exit; } };
    };
    const keyed = await run([], { PROMPT_LAB_SERVE_API_KEY: key });
    try {
      assert.equal((await fetch(`${keyed.url}/models`)).status, 401);
      assert.equal((await fetch(`${keyed.url}/models`, { headers: { authorization: `Bearer ${key}` } })).status, 200);
      assert.match(keyed.output(), /API key required/);
    } finally {
      assert.equal(await keyed.stop(), 0);
    }
    assert.ok(!keyed.output().includes(key), 'the key is never printed');
    assert.ok(!keyed.output().includes('warning'));

    const exposed = await run(['--host', '0.0.0.0'], {});
    try {
      assert.equal((await fetch(`${exposed.url}/models`)).status, 200);
      assert.match(exposed.output(), /warning: listening on 0\.0\.0\.0 without an API key/);
    } finally {
      assert.equal(await exposed.stop(), 0);
    }
  });
});
