// An API key goes to its own origin and nowhere else: not into a log line (services.log or the
// console), an error message, a result record, nor a request to another server, whatever the
// server answers (errors that quote the key, redirects elsewhere) and however the backend is set up.
import * as assert from 'node:assert/strict';
import type { Backend, GenerationRequest, GenerationResult } from '../../src/backends/backend';
import { backendOrigin, type BackendConfig } from '../../src/backends/backendConfig';
import { createAzureOpenAIBackend, createOpenAIBackend } from '../../src/backends/openai';
import { KeyOriginError, scrubSecrets } from '../../src/backends/openai/failures';
import { originGuardedFetch } from '../../src/backends/openai/transport';
import type { BackendServices } from '../../src/backends/registry';
import { startFaultServer, type Fault, type FaultServer } from '../support/faultServer';

const KEY = 'sk-proj-SECRET-abcdefghijklmnopqrstuvwxyz0123';
const CONSOLE_METHODS = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;

const request: GenerationRequest = { model: 'gpt-test', messages: [{ role: 'user', content: 'Hi' }], config: { logprobs: 2, seed: 1 } };

/** Everything a key could leak into, gathered as text. */
interface Capture { logs: string[]; console: string[] }

function assertClean(capture: Capture, results: GenerationResult[]): void {
  const everything = [...capture.logs, ...capture.console, ...results.map((result) => JSON.stringify(result))];
  for (const text of everything) {
    assert.ok(!text.includes(KEY), `the key leaked into: ${text}`);
    assert.ok(!text.includes('SECRET'), `part of the key leaked into: ${text}`);
  }
}

describe('secret hygiene: the API key', function () {
  this.timeout(20000);
  let a: FaultServer;
  let b: FaultServer;
  let capture: Capture;
  const saved: Partial<Record<(typeof CONSOLE_METHODS)[number], (...args: unknown[]) => void>> = {};
  const savedLogEnv = process.env.OPENAI_LOG;

  before(async () => {
    [a, b] = await Promise.all([startFaultServer(), startFaultServer()]);
  });
  after(async () => {
    await Promise.all([a.close(), b.close()]);
  });
  beforeEach(() => {
    a.reset();
    b.reset();
    capture = { logs: [], console: [] };
    for (const method of CONSOLE_METHODS) {
      saved[method] = console[method];
      console[method] = (...args: unknown[]) => { capture.console.push(args.map(String).join(' ')); };
    }
    // The SDK would log request details (headers included) at debug level.
    process.env.OPENAI_LOG = 'debug';
  });
  afterEach(() => {
    for (const method of CONSOLE_METHODS) console[method] = saved[method]!;
    if (savedLogEnv === undefined) delete process.env.OPENAI_LOG;
    else process.env.OPENAI_LOG = savedLogEnv;
  });

  const services = (): BackendServices => ({ apiKey: async () => KEY, log: (line) => capture.logs.push(line) });
  const openai = (extra: Partial<BackendConfig> = {}): Backend =>
    createOpenAIBackend({ id: 'openai', kind: 'openai', baseURL: a.url, timeoutMs: 400, maxRetries: 1, apiKeyEnv: 'OPENAI_API_KEY', ...extra }, services());

  const faults: [string, Fault[]][] = [
    ['success', []],
    ['401 quoting the key', [{ kind: 'status', status: 401, echoCredentials: true, message: `Incorrect API key provided: ${KEY.slice(0, 8)}****${KEY.slice(-4)}.` }]],
    ['400 quoting the key', [{ kind: 'status', status: 400, echoCredentials: true, message: 'Bad request' }]],
    ['500 quoting the key, twice', [{ kind: 'status', status: 500, echoCredentials: true, headers: { 'retry-after-ms': '10' } }, { kind: 'status', status: 500, echoCredentials: true }]],
    ['429 then success', [{ kind: 'status', status: 429, headers: { 'retry-after-ms': '10' }, echoCredentials: true }]],
    ['a timeout', [{ kind: 'hang' }, { kind: 'hang' }]],
    ['a reset mid-stream', [{ kind: 'reset', afterChunks: 2 }]],
    ['malformed SSE', [{ kind: 'malformed', afterChunks: 2 }]],
    ['invalid JSON', [{ kind: 'invalidJson' }]],
  ];
  for (const [name, script] of faults) {
    it(`never appears in a log line, the console, an error or the result: ${name}`, async () => {
      a.script(...script);
      const result = await openai().generate(request);
      assertClean(capture, [result]);
      assert.ok(a.requests.length >= 1);
      for (const sent of a.requests) assert.equal(sent.headers.authorization, `Bearer ${KEY}`, 'the key does reach its own origin');
    });
  }

  it('an Azure key quoted back is scrubbed too', async () => {
    a.script({ kind: 'status', status: 403, echoCredentials: true, message: 'Forbidden' });
    const azure = createAzureOpenAIBackend({ id: 'azure', kind: 'azure-openai', endpoint: a.origin, deployment: 'd', maxRetries: 0 }, services());
    const result = await azure.generate(request);
    assert.equal(a.requests[0]!.headers['api-key'], KEY);
    assert.match(result.error!.message, /^403 from/);
    assertClean(capture, [result]);
  });

  it('a key store that fails with the key in its message does not leak it', async () => {
    const failing: BackendServices = { apiKey: async () => { throw new Error(`keychain locked while reading ${KEY}`); }, log: (line) => capture.logs.push(line) };
    const result = await createOpenAIBackend({ id: 'openai', kind: 'openai', baseURL: a.url }, failing).generate(request);
    assert.match(result.error!.message, /^Could not read the key for backend 'openai'/);
    assert.equal(a.requests.length, 0);
    assertClean(capture, [result]);
  });

  for (const status of [301, 302, 307, 308]) {
    it(`a ${status} redirect to another origin is not followed: that server receives nothing`, async () => {
      a.script({ kind: 'redirect', status, location: `${b.url}/chat/completions` });
      const result = await openai().generate(request);
      assert.equal(b.requests.length, 0, 'server B was never contacted');
      assert.equal(a.requests.length, 1, 'and the redirect was not retried');
      assert.equal(result.finishReason, 'error');
      assert.equal(result.error?.status, status);
      assert.equal(result.error?.message,
        `${status} from 127.0.0.1:${new URL(a.origin).port}: a redirect to ${b.url}/chat/completions was not followed — the key for backend 'openai' is only sent to ${a.origin}; set the backend's URL to where the API really is`);
      assertClean(capture, [result]);
    });
  }

  it('a backend pointed at another origin does not get the key bound to the first', async () => {
    // As the extension's SecretStorage answers: the key is bound to the origin it was stored for.
    const bound: BackendServices = {
      apiKey: async (config) => (backendOrigin(config) === a.origin ? KEY : undefined),
      log: (line) => capture.logs.push(line),
    };
    // B is loopback, so it is tried without a key (as for Ollama or `prompt-lab serve`) …
    const moved = await createOpenAIBackend({ id: 'openai', kind: 'openai', baseURL: b.url }, bound).generate(request);
    assert.equal(b.requests.length, 1);
    assert.equal(b.requests[0]!.headers.authorization, undefined);
    assert.equal(b.requests[0]!.headers['api-key'], undefined);
    assert.ok(!b.requests[0]!.rawBody.includes(KEY));
    // … and a remote origin is refused before any request.
    let fetched = 0;
    const remote = await createOpenAIBackend({ id: 'openai', kind: 'openai', baseURL: 'https://elsewhere.example/v1' }, { ...bound, fetch: async () => { fetched++; throw new Error('no'); } }).generate(request);
    assert.equal(fetched, 0);
    assert.match(remote.error!.message, /^No API key for backend 'openai' \(elsewhere\.example\)/);
    assertClean(capture, [moved, remote]);
  });

  it('the transport refuses a request to any origin but the backend\'s own', async () => {
    let calls = 0;
    const inner: typeof fetch = async () => { calls++; return new Response('{}'); };
    const guarded = originGuardedFetch(inner, { origin: a.origin, backendId: 'openai', keyless: false });
    await assert.rejects(guarded(`${b.url}/chat/completions`, { headers: { authorization: `Bearer ${KEY}` } }), (error: Error) => {
      assert.ok(error instanceof KeyOriginError);
      assert.ok(!error.message.includes(KEY));
      return true;
    });
    await assert.rejects(guarded(`http://127.0.0.1:${new URL(a.origin).port}@${new URL(b.origin).host}/v1`), KeyOriginError);
    assert.equal(calls, 0);
    await guarded(`${a.url}/chat/completions`);
    assert.equal(calls, 1);
  });

  it('the environment cannot redirect requests: OPENAI_BASE_URL and OPENAI_API_KEY are not read', async () => {
    const saved = { url: process.env.OPENAI_BASE_URL, key: process.env.OPENAI_API_KEY };
    process.env.OPENAI_BASE_URL = b.url;
    process.env.OPENAI_API_KEY = 'sk-from-the-environment-xxxxxxxx';
    try {
      const result = await openai().generate(request);
      assert.equal(result.error, undefined);
      assert.equal(b.requests.length, 0);
      assert.equal(a.requests[0]!.headers.authorization, `Bearer ${KEY}`);
      // Without a baseURL the backend goes to api.openai.com, never to OPENAI_BASE_URL.
      assert.equal(backendOrigin({ id: 'openai', kind: 'openai' }), 'https://api.openai.com');
    } finally {
      if (saved.url === undefined) delete process.env.OPENAI_BASE_URL; else process.env.OPENAI_BASE_URL = saved.url;
      if (saved.key === undefined) delete process.env.OPENAI_API_KEY; else process.env.OPENAI_API_KEY = saved.key;
    }
  });

  it('scrubSecrets removes the key and anything shaped like an OpenAI key', () => {
    assert.equal(scrubSecrets(`a ${KEY} b`, KEY), 'a [key] b');
    assert.equal(scrubSecrets('Incorrect API key provided: sk-proj-****abcd.', undefined), 'Incorrect API key provided: [key].');
  });
});
