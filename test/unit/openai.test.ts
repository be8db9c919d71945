// The `openai` and `azure-openai` backends with the real `openai` client over real HTTP, against a
// local server that speaks the protocol and injects faults (test/support/faultServer.ts). Every
// fault must end in a clear error or a successful retry, keep the partial text, leave no unhandled
// rejection and never hang (short timeouts; mocha's timeout is the guard).
import * as assert from 'node:assert/strict';
import OpenAI, { APIConnectionError } from 'openai';
import type { Backend, GenerationRequest, StreamedToken } from '../../src/backends/backend';
import type { BackendConfig } from '../../src/backends/backendConfig';
import { createAzureOpenAIBackend, createOpenAIBackend, DEFAULT_AZURE_API_VERSION } from '../../src/backends/openai';
import { chatCompletionParams } from '../../src/backends/openai/requestParams';
import { retryAfterMs, retryDelayMs } from '../../src/backends/openai/transport';
import type { BackendServices } from '../../src/backends/registry';
import { runPrompt } from '../../src/backends/runPrompt';
import type { RenderResult } from '../../src/core/render';
import { DEFAULT_TOKENS, startFaultServer, type FaultServer } from '../support/faultServer';

const KEY = 'sk-test-0123456789abcdefghij';
const FULL_TEXT = DEFAULT_TOKENS.join('');

function services(log: string[] = [], key: string | undefined = KEY): BackendServices {
  return { apiKey: async () => key, log: (message) => log.push(message) };
}

function request(config: GenerationRequest['config'] = {}, model = 'gpt-test'): GenerationRequest {
  return {
    model,
    messages: [{ role: 'system', content: 'Be brief.' }, { role: 'user', content: 'Hi' }, { role: 'model', content: 'Hello.' }, { role: 'user', content: 'Again' }],
    config,
  };
}

describe('openai backend: against a fault-injecting OpenAI-protocol server', function () {
  this.timeout(15000);
  let server: FaultServer;
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => { unhandled.push(reason); };

  before(async () => {
    server = await startFaultServer();
    process.on('unhandledRejection', onUnhandled);
  });
  after(async () => {
    process.off('unhandledRejection', onUnhandled);
    await server.close();
  });
  beforeEach(() => server.reset());
  afterEach(async () => {
    // Give stray promises a turn to reject before checking.
    await new Promise((resolve) => setImmediate(resolve));
    assert.deepEqual(unhandled, [], 'no unhandled rejection');
  });

  const backend = (extra: Partial<BackendConfig> = {}, log: string[] = []): Backend =>
    createOpenAIBackend({ id: 'openai', kind: 'openai', baseURL: server.url, timeoutMs: 2000, maxRetries: 2, ...extra }, services(log));

  it('streams the reply token by token, and the tokens make the final text', async () => {
    const tokens: StreamedToken[] = [];
    const result = await backend().generate(request(), { onToken: (token) => tokens.push(token) });
    assert.equal(result.error, undefined);
    assert.deepEqual(tokens.map((t) => t.text), DEFAULT_TOKENS);
    assert.equal(result.text, FULL_TEXT);
    assert.equal(result.finishReason, 'stop');
    assert.deepEqual(result.usage, { promptTokens: 11, completionTokens: DEFAULT_TOKENS.length, estimated: false });
    assert.equal(result.backend, 'openai');
    assert.equal(result.model, 'gpt-test');
    assert.ok(result.timeToFirstTokenMs !== undefined && result.timeToFirstTokenMs <= result.latencyMs);
    assert.ok(result.tokensPerSecond !== undefined && result.tokensPerSecond > 0);
    const sent = server.requests[0]!;
    assert.equal(sent.path, '/v1/chat/completions');
    assert.equal(sent.headers.authorization, `Bearer ${KEY}`);
    assert.deepEqual(sent.body!.stream_options, { include_usage: true });
    assert.deepEqual((sent.body!.messages as { role: string }[]).map((m) => m.role), ['system', 'user', 'assistant', 'user']);
  });

  it('returns each token\'s log-probability with the top alternatives', async () => {
    const tokens: StreamedToken[] = [];
    const result = await backend().generate(request({ logprobs: 3 }), { onToken: (token) => tokens.push(token) });
    assert.equal(server.requests[0]!.body!.logprobs, true);
    assert.equal(server.requests[0]!.body!.top_logprobs, 3);
    assert.equal(result.logprobs?.length, DEFAULT_TOKENS.length);
    const first = result.logprobs![0]!;
    assert.equal(first.token, 'Hello');
    assert.ok(first.logprob < 0);
    assert.equal(first.top.length, 3);
    assert.deepEqual(first.top[0], { token: 'Hello', logprob: first.logprob });
    assert.ok(tokens.every((t, i) => t.logprob?.token === DEFAULT_TOKENS[i]), 'every streamed token carries its logprob');
  });

  it('sends seed, temperature, top_p, stop, max_tokens and penalties as mapped; parameters record exactly that, never the key', async () => {
    const config = { seed: 42, temperature: 0.7, topP: 0.9, stopSequences: ['\n\n', 'END'], maxOutputTokens: 3, presencePenalty: 0.5, frequencyPenalty: -0.5 };
    const result = await backend().generate(request(config));
    const body = server.requests[0]!.body!;
    const sent = { ...body };
    delete sent.messages;
    assert.deepEqual(sent, {
      model: 'gpt-test', stream: true, stream_options: { include_usage: true },
      seed: 42, temperature: 0.7, top_p: 0.9, stop: ['\n\n', 'END'], max_tokens: 3, presence_penalty: 0.5, frequency_penalty: -0.5,
    });
    assert.deepEqual(result.parameters, sent);
    assert.equal(result.finishReason, 'length');
    assert.equal(result.text, DEFAULT_TOKENS.slice(0, 3).join(''));
    assert.ok(!JSON.stringify(result).includes(KEY));
  });

  it('greedy sampling is temperature 0', async () => {
    await backend().generate(request({ sampling: 'greedy', temperature: 1.2 }));
    assert.equal(server.requests[0]!.body!.temperature, 0);
  });

  it('OpenAI\'s own API gets max_completion_tokens and at most 4 stop sequences, with a warning for the rest', () => {
    const mapped = chatCompletionParams(request({ maxOutputTokens: 5, stopSequences: ['a', 'b', 'c', 'd', 'e'], logprobs: 25 }), { id: 'openai', officialApi: true });
    assert.equal(mapped.body.max_completion_tokens, 5);
    assert.equal(mapped.body.max_tokens, undefined);
    assert.deepEqual(mapped.body.stop, ['a', 'b', 'c', 'd']);
    assert.equal(mapped.body.top_logprobs, 20);
    assert.equal(mapped.warnings.length, 2);
    assert.match(mapped.warnings[0]!, /at most 4 stop sequences: "e" were not sent/);
    const compatible = chatCompletionParams(request({ stopSequences: ['a', 'b', 'c', 'd', 'e'] }), { id: 'vllm', officialApi: false });
    assert.equal((compatible.body.stop as string[]).length, 5);
    assert.deepEqual(compatible.warnings, []);
  });

  it('topK is not sent, and runPrompt warns about it', async () => {
    const rendered: RenderResult = { config: { topK: 40, temperature: 0.2 }, ext: {}, messages: [], text: [{ role: 'user', content: 'Hi' }], input: {} };
    const result = await runPrompt(backend(), { rendered, model: 'gpt-test' });
    const body = server.requests[0]!.body!;
    assert.equal(body.temperature, 0.2);
    assert.ok(!('top_k' in body) && !('topK' in body), JSON.stringify(body));
    assert.deepEqual(result.warnings, ["topK is not supported by backend 'openai': it was not sent"]);
  });

  it('401: a clear error naming the host and the Set API Key command, not retried', async () => {
    server.script({ kind: 'status', status: 401, type: 'invalid_request_error', code: 'invalid_api_key', message: 'Incorrect API key provided: sk-test-****ghij. You can find your API key at https://platform.openai.com/account/api-keys.' });
    const result = await backend({ apiKeyEnv: 'OPENAI_API_KEY' }).generate(request());
    assert.equal(result.finishReason, 'error');
    assert.equal(result.error?.status, 401);
    assert.equal(result.error?.retriable, false);
    assert.equal(result.error?.message, `401 from 127.0.0.1:${new URL(server.url).port}: the key for backend 'openai' was rejected — run "Prompt Lab: Set API Key" (CLI: set the environment variable OPENAI_API_KEY)`);
    assert.equal(server.requests.length, 1);
  });

  it('429 with Retry-After: 1 waits at least a second, then succeeds', async () => {
    const log: string[] = [];
    server.script({ kind: 'status', status: 429, headers: { 'retry-after': '1' }, type: 'rate_limit_error', message: 'Rate limit reached' });
    const result = await backend({}, log).generate(request());
    assert.equal(result.error, undefined);
    assert.equal(result.text, FULL_TEXT);
    assert.equal(server.requests.length, 2);
    const waited = server.requests[1]!.at - server.requests[0]!.at;
    assert.ok(waited >= 1000, `retried after ${waited} ms`);
    assert.ok(waited < 1800, `retried after ${waited} ms`);
    assert.ok(log.some((line) => /429 from 127\.0\.0\.1:\d+: retrying in 1\.0 s \(retry 1 of 2\)/.test(line)), log.join('\n'));
  });

  it('500 then success: retried with backoff', async () => {
    server.script({ kind: 'status', status: 500, message: 'The server had an error' });
    const result = await backend().generate(request());
    assert.equal(result.error, undefined);
    assert.equal(result.text, FULL_TEXT);
    assert.equal(server.requests.length, 2);
    const waited = server.requests[1]!.at - server.requests[0]!.at;
    assert.ok(waited >= 350 && waited < 1000, `retried after ${waited} ms (0.5 s less up to 25 % jitter)`);
  });

  it('5xx every time: gives up after maxRetries with the status and the server\'s message', async () => {
    server.script(...Array.from({ length: 3 }, () => ({ kind: 'status' as const, status: 503, headers: { 'retry-after-ms': '20' }, message: 'overloaded' })));
    const result = await backend().generate(request());
    assert.equal(server.requests.length, 3);
    assert.equal(result.error?.status, 503);
    assert.equal(result.error?.retriable, true);
    assert.match(result.error!.message, /^503 from 127\.0\.0\.1:\d+: the server failed after 3 attempts \(overloaded\)$/);
  });

  it('a Retry-After longer than a minute is not waited for', async () => {
    server.script({ kind: 'status', status: 429, headers: { 'retry-after': '3600' }, message: 'slow down' });
    const started = Date.now();
    const result = await backend().generate(request());
    assert.ok(Date.now() - started < 1000);
    assert.equal(result.error?.status, 429);
    assert.equal(server.requests.length, 1);
  });

  it('a response that never starts: times out after timeoutMs, retried, then a clear error', async () => {
    server.script({ kind: 'hang' }, { kind: 'hang' });
    const started = Date.now();
    const result = await backend({ timeoutMs: 300, maxRetries: 1 }).generate(request());
    const took = Date.now() - started;
    assert.equal(server.requests.length, 2);
    assert.ok(took >= 600 && took < 3000, `${took} ms`);
    assert.equal(result.finishReason, 'error');
    assert.equal(result.error?.retriable, true);
    assert.match(result.error!.message, /^127\.0\.0\.1:\d+ did not answer within 300 ms after 2 attempts \(backend 'openai'; raise timeoutMs/);
  });

  it('a stream that stalls mid-way: given up after timeoutMs without a chunk, partial text kept', async () => {
    server.script({ kind: 'stall', afterChunks: 3 });
    const result = await backend({ timeoutMs: 300 }).generate(request());
    assert.equal(result.finishReason, 'error');
    assert.equal(result.text, DEFAULT_TOKENS.slice(0, 3).join(''));
    assert.match(result.error!.message, /stopped sending for 300 ms mid-stream/);
    assert.equal(server.requests.length, 1, 'a started stream is not retried');
  });

  it('a connection reset mid-stream: an error with the partial text, not retried', async () => {
    server.script({ kind: 'reset', afterChunks: 4 });
    const tokens: string[] = [];
    const result = await backend().generate(request(), { onToken: (t) => tokens.push(t.text) });
    assert.equal(result.finishReason, 'error');
    assert.equal(result.text, DEFAULT_TOKENS.slice(0, 4).join(''));
    assert.deepEqual(tokens, DEFAULT_TOKENS.slice(0, 4));
    assert.match(result.error!.message, /^The connection to 127\.0\.0\.1:\d+ was lost mid-stream after 13 characters: .*terminated.*the partial text is kept/);
    assert.equal(server.requests.length, 1);
    assert.equal(result.usage.estimated, true);
  });

  it('malformed SSE: garbage lines are skipped, an invalid JSON data line is an error with the partial text', async () => {
    server.script({ kind: 'malformed', afterChunks: 2, invalidJson: false }, { kind: 'malformed', afterChunks: 2 });
    const tolerated = await backend().generate(request());
    assert.equal(tolerated.error, undefined);
    assert.equal(tolerated.text, FULL_TEXT);
    const log: string[] = [];
    const broken = await backend({}, log).generate(request());
    assert.equal(broken.finishReason, 'error');
    assert.equal(broken.text, 'Hello,');
    assert.match(broken.error!.message, /^127\.0\.0\.1:\d+ sent a stream event that is not valid JSON/);
    assert.ok(log.some((line) => line.includes('Could not parse message into JSON')), 'the SDK\'s own complaint goes to services.log');
  });

  it('a JSON body that is not JSON (and not a stream): a clear error', async () => {
    server.script({ kind: 'invalidJson' });
    const result = await backend().generate(request());
    assert.equal(result.finishReason, 'error');
    assert.match(result.error!.message, /answered without any stream events/);
  });

  it('an error status with a non-JSON body keeps the body text in the message', async () => {
    server.script({ kind: 'status', status: 502, rawBody: 'Bad gateway from the proxy' });
    const result = await backend({ maxRetries: 0 }).generate(request());
    assert.match(result.error!.message, /^502 from 127\.0\.0\.1:\d+: the server failed \(Bad gateway from the proxy\)$/);
  });

  it('no usage from the server: counted locally and marked estimated', async function () {
    this.timeout(30000); // the first tokenizer load
    server.script({ kind: 'ok', usage: false });
    const result = await backend().generate(request({}, 'gpt-4o-mini'));
    assert.equal(result.usage.estimated, true);
    assert.ok(result.usage.completionTokens >= 6 && result.usage.completionTokens <= 10, JSON.stringify(result.usage));
    assert.ok(result.usage.promptTokens > 10, JSON.stringify(result.usage));
    assert.deepEqual(result.warnings.filter((w) => /no token usage/.test(w)).length, 1, result.warnings.join('\n'));
    assert.match(result.warnings[0]!, /^the server reported no token usage: counted locally \(.*o200k_base/);
  });

  it('abort mid-stream: finishReason abort, partial text kept, promptly', async () => {
    const controller = new AbortController();
    const tokens: string[] = [];
    const result = await backend().generate(request(), {
      signal: controller.signal,
      onToken: (t) => { tokens.push(t.text); if (tokens.length === 3) controller.abort(); },
    });
    assert.equal(result.finishReason, 'abort');
    assert.equal(result.error, undefined);
    assert.equal(result.text, DEFAULT_TOKENS.slice(0, 3).join(''));
  });

  it('abort while waiting to retry stops at once', async () => {
    server.script({ kind: 'status', status: 429, headers: { 'retry-after': '30' } });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    const started = Date.now();
    const result = await backend().generate(request(), { signal: controller.signal });
    assert.ok(Date.now() - started < 1000);
    assert.equal(result.finishReason, 'abort');
    assert.equal(server.requests.length, 1);
  });

  it('a server that is not there: a clear connection error', async () => {
    const gone = await startFaultServer();
    const url = gone.url;
    await gone.close();
    const result = await createOpenAIBackend({ id: 'ollama', kind: 'openai', baseURL: url, maxRetries: 0 }, services()).generate(request());
    assert.match(result.error!.message, /^Could not reach 127\.0\.0\.1:\d+ for backend 'ollama': .*ECONNREFUSED.* is the server running and the URL right\?$/);
  });

  it('no key for a remote origin: a clear error before any request', async () => {
    let fetched = 0;
    const counting: BackendServices = { apiKey: async () => undefined, fetch: async () => { fetched++; throw new Error('unreachable'); } };
    const result = await createOpenAIBackend({ id: 'openai', kind: 'openai', apiKeyEnv: 'OPENAI_API_KEY' }, counting).generate(request());
    assert.equal(fetched, 0);
    assert.equal(result.error?.message, 'No API key for backend \'openai\' (api.openai.com) — run "Prompt Lab: Set API Key" (CLI: set the environment variable OPENAI_API_KEY)');
  });

  it('no key for a loopback server (Ollama, llama.cpp, prompt-lab serve): sent without Authorization', async () => {
    const result = await createOpenAIBackend({ id: 'local-server', kind: 'openai', baseURL: server.url }, { apiKey: async () => undefined }).generate(request());
    assert.equal(result.error, undefined);
    assert.equal(server.requests[0]!.headers.authorization, undefined);
  });

  it('the injected fetch is the one used', async () => {
    let calls = 0;
    const counted: BackendServices = { ...services(), fetch: (input, init) => { calls++; return fetch(input, init); } };
    await createOpenAIBackend({ id: 'openai', kind: 'openai', baseURL: server.url }, counted).generate(request());
    assert.equal(calls, 1);
  });

  it('the fault server also answers non-streaming requests as OpenAI does (checked with the SDK itself)', async () => {
    const client = new OpenAI({ apiKey: KEY, baseURL: server.url, maxRetries: 0 });
    const completion = await client.chat.completions.create({ model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }], logprobs: true, top_logprobs: 2 });
    assert.equal(completion.choices[0]!.message.content, FULL_TEXT);
    assert.equal(completion.choices[0]!.logprobs?.content?.[1]?.top_logprobs.length, 2);
    assert.equal(completion.usage?.completion_tokens, DEFAULT_TOKENS.length);
  });

  describe('azure-openai', () => {
    it('puts the deployment in the path, api-version in the query, the key in api-key', async () => {
      const azure = createAzureOpenAIBackend({ id: 'azure', kind: 'azure-openai', endpoint: server.origin, deployment: 'gpt4o-prod' }, services());
      const result = await azure.generate({ ...request({ maxOutputTokens: 50 }), model: '' });
      assert.equal(result.error, undefined, result.error?.message);
      assert.equal(result.text, FULL_TEXT);
      const sent = server.requests[0]!;
      assert.equal(sent.path, '/openai/deployments/gpt4o-prod/chat/completions');
      assert.equal(sent.query.get('api-version'), DEFAULT_AZURE_API_VERSION);
      assert.equal(sent.headers['api-key'], KEY);
      assert.equal(sent.headers.authorization, undefined);
      assert.equal(sent.body!.max_completion_tokens, 50);
      assert.equal(result.model, 'gpt4o-prod');
    });

    it('a prompt\'s model names the deployment; apiVersion from the config', async () => {
      const azure = createAzureOpenAIBackend({ id: 'azure', kind: 'azure-openai', endpoint: `${server.origin}/`, deployment: 'default-dep', apiVersion: '2025-01-01-preview' }, services());
      await azure.generate(request({}, 'other-dep'));
      assert.equal(server.requests[0]!.path, '/openai/deployments/other-dep/chat/completions');
      assert.equal(server.requests[0]!.query.get('api-version'), '2025-01-01-preview');
    });

    it('401 from Azure names the backend and the command', async () => {
      server.script({ kind: 'status', status: 401, message: 'Access denied due to invalid subscription key or wrong API endpoint.' });
      const azure = createAzureOpenAIBackend({ id: 'azure', kind: 'azure-openai', endpoint: server.origin, deployment: 'd' }, services());
      const result = await azure.generate(request());
      assert.match(result.error!.message, /^401 from 127\.0\.0\.1:\d+: the key for backend 'azure' was rejected — run "Prompt Lab: Set API Key"$/);
    });
  });
});

describe('openai backend: retry timing rules', () => {
  const headers = (entries: Record<string, string>) => new Headers(entries);

  it('reads retry-after-ms, Retry-After seconds and Retry-After dates', () => {
    assert.equal(retryAfterMs(headers({ 'retry-after-ms': '250' })), 250);
    assert.equal(retryAfterMs(headers({ 'retry-after': '2' })), 2000);
    const date = retryAfterMs(headers({ 'retry-after': new Date(Date.now() + 5000).toUTCString() }))!;
    assert.ok(date > 3000 && date <= 5000, String(date));
    assert.equal(retryAfterMs(headers({})), undefined);
  });

  it('backs off 0.5 s, 1 s, 2 s … up to 8 s, less up to 25 % jitter', () => {
    const connection = new APIConnectionError({ message: 'x' });
    assert.equal(retryDelayMs(connection, 0, () => 0), 500);
    assert.equal(retryDelayMs(connection, 1, () => 0), 1000);
    assert.equal(retryDelayMs(connection, 10, () => 0), 8000);
    assert.equal(retryDelayMs(connection, 0, () => 1), 375);
  });
});

