// prompt-lab serve's defences, over real HTTP against a backend that generates on command: who may
// call it (Host, Origin, Content-Type, API key), slow and numerous clients (timeouts, connection
// cap), floods (bounded admission, 429), prompts over the context (400) and malformed input.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { networkInterfaces } from 'node:os';
import OpenAI from 'openai';
import { runCli } from '../../src/cli/main';
import { checkContextLength } from '../../src/serve/contextLimit';
import { startOpenAIServer, type StartedServer } from '../../src/serve/openaiServer';
import { errorOf, FakeBackend, postJson, rawSocket, request, sleep } from '../support/serveClient';

const MODEL = 'fake-model';
const chat = (extra: Record<string, unknown> = {}) => ({ model: MODEL, messages: [{ role: 'user', content: 'Hello' }], max_tokens: 3, ...extra });
type Options = Partial<Parameters<typeof startOpenAIServer>[0]>;

describe('prompt-lab serve: hardening', function () {
  this.timeout(20_000);
  let backend: FakeBackend;
  let started: StartedServer | undefined;
  let port: number;

  async function serve(options: Options = {}): Promise<void> {
    backend = new FakeBackend();
    started = await startOpenAIServer({ backend, model: MODEL, port: 0, ...options });
    port = Number(new URL(started.url).port);
  }
  afterEach(async () => {
    backend?.release();
    await started?.close();
    started = undefined;
  });

  describe('web pages and DNS rebinding', () => {
    it('refuses the simple request a page sends (foreign Host, Origin, text/plain body) before touching the model', async () => {
      await serve();
      const response = await request(port, {
        method: 'POST', path: '/v1/chat/completions', body: JSON.stringify(chat()),
        headers: { host: `evil.example:${port}`, origin: 'http://evil.example', 'content-type': 'text/plain;charset=UTF-8' },
      });
      assert.equal(response.status, 403);
      assert.equal(errorOf(response).code, 'forbidden');
      assert.equal(response.headers['access-control-allow-origin'], undefined);
      assert.equal(backend.calls.length, 0);
    });

    it('answers only its own names with its own port in Host', async () => {
      await serve({ allowHosts: ['box.lan:9999'] });
      const status = async (host: string) => (await request(port, { headers: { host } })).status;
      for (const host of [`127.0.0.1:${port}`, `localhost:${port}`, `LocalHost:${port}`, `[::1]:${port}`, 'box.lan:9999']) assert.equal(await status(host), 200, host);
      // A rebinding page's own name, the right name on another port, a name without the port.
      for (const host of [`evil.example:${port}`, 'localhost:1', 'localhost', `localhost.evil.example:${port}`, `127.0.0.1:${port}.evil`]) {
        const response = await request(port, { headers: { host } });
        assert.equal(response.status, 403, host);
        assert.ok(!errorOf(response).message.includes('evil'), 'the Host given is not echoed');
      }
      // HTTP/1.0 may leave Host out: refused too.
      const raw = await rawSocket(port);
      raw.socket.write('GET /v1/models HTTP/1.0\r\n\r\n');
      await raw.closed;
      assert.match(raw.received(), /^HTTP\/1\.1 403 /);
    });

    it('bound beyond loopback, also answers to the address it listens on and the one a client reached it by', async function () {
      await serve({ host: '0.0.0.0' });
      assert.equal((await request(port, { headers: { host: `0.0.0.0:${port}` } })).status, 200, 'the printed URL works');
      const lan = Object.values(networkInterfaces()).flat().find((entry) => entry && entry.family === 'IPv4' && !entry.internal);
      if (!lan) this.skip();
      const reached = await new Promise<number>((resolve, reject) => {
        http.get({ host: lan.address, port, path: '/v1/models', agent: false }, (res) => { res.resume(); resolve(res.statusCode!); }).on('error', reject);
      });
      assert.equal(reached, 200, `Host ${lan.address}:${port}`);
      assert.equal((await request(port, { headers: { host: `${lan.address}:${port + 1}` } })).status, 403, 'not on another port');
    });

    it('refuses any Origin not allowed by name, and serves allowed ones with CORS headers and preflights', async () => {
      await serve({ allowOrigins: ['http://localhost:5173'] });
      const refused = await postJson(port, '/v1/chat/completions', chat(), { origin: 'http://localhost:5174' });
      assert.equal(refused.status, 403);
      assert.equal(backend.calls.length, 0);
      assert.equal((await request(port, { headers: { origin: 'null' } })).status, 403);
      const preflightRefused = await request(port, { method: 'OPTIONS', path: '/v1/chat/completions', headers: { origin: 'http://evil.example', 'access-control-request-method': 'POST' } });
      assert.equal(preflightRefused.status, 403);
      assert.equal(preflightRefused.headers['access-control-allow-origin'], undefined);

      const preflight = await request(port, {
        method: 'OPTIONS', path: '/v1/chat/completions',
        headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
      });
      assert.equal(preflight.status, 204);
      assert.equal(preflight.headers['access-control-allow-origin'], 'http://localhost:5173');
      assert.match(String(preflight.headers['access-control-allow-methods']), /POST/);
      assert.equal(preflight.headers['access-control-allow-headers'], 'authorization, content-type');
      const allowed = await postJson(port, '/v1/chat/completions', chat(), { origin: 'http://localhost:5173' });
      assert.equal(allowed.status, 200);
      assert.equal(allowed.headers['access-control-allow-origin'], 'http://localhost:5173');
      assert.equal(allowed.headers.vary, 'Origin');
    });

    it('takes POST bodies as application/json only (415 otherwise)', async () => {
      await serve();
      const send = (type: string | undefined) => request(port, { method: 'POST', path: '/v1/chat/completions', body: JSON.stringify(chat()), headers: type ? { 'content-type': type } : {} });
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', undefined, 'application/json; charset=latin1', 'application/jsonp']) {
        const response = await send(type);
        assert.equal(response.status, 415, String(type));
        assert.equal(errorOf(response).code, 'unsupported_media_type');
      }
      assert.equal(backend.calls.length, 0);
      for (const type of ['application/json', 'application/json; charset=utf-8', 'Application/JSON;charset="UTF-8"']) assert.equal((await send(type)).status, 200, type);
    });
  });

  describe('API key', () => {
    const KEY = 'sk-local-5f3a9c';

    it('requires Authorization: Bearer <key> on every route, never echoing what was sent', async () => {
      await serve({ apiKey: KEY, allowOrigins: ['http://localhost:5173'] });
      const missing = await request(port, {});
      assert.equal(missing.status, 401);
      assert.equal(errorOf(missing).code, 'invalid_api_key');
      for (const authorization of ['Bearer sk-local-5f3a9', `Bearer ${KEY}x`, `Basic ${KEY}`, KEY, 'Bearer ']) {
        const response = await postJson(port, '/v1/chat/completions', chat(), { authorization });
        assert.equal(response.status, 401, authorization);
        assert.equal(errorOf(response).code, 'invalid_api_key');
        assert.ok(!response.text.includes('sk-local'), 'neither key appears in the answer');
      }
      assert.equal(backend.calls.length, 0);
      assert.equal((await request(port, { headers: { authorization: `Bearer ${KEY}` } })).status, 200);
      assert.equal((await postJson(port, '/v1/chat/completions', chat(), { authorization: `bearer ${KEY}` })).status, 200);
      // A preflight carries no credentials; the request after it does.
      const preflight = await request(port, { method: 'OPTIONS', path: '/v1/chat/completions', headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' } });
      assert.equal(preflight.status, 204);
    });

    it('is what the openai SDK sends as its apiKey', async () => {
      await serve({ apiKey: KEY });
      const wrong = new OpenAI({ apiKey: 'sk-wrong', baseURL: started!.url, maxRetries: 0 });
      await assert.rejects(wrong.models.list(), (error: unknown) => error instanceof OpenAI.AuthenticationError && error.code === 'invalid_api_key');
      const right = new OpenAI({ apiKey: KEY, baseURL: started!.url, maxRetries: 0 });
      const completion = await right.chat.completions.create({ model: MODEL, messages: [{ role: 'user', content: 'Hi' }], max_tokens: 3 });
      assert.equal(completion.choices[0]!.message.content, 't0 t1 t2 ');
    });
  });

  describe('slow and numerous clients', () => {
    const limits = { headersTimeoutMs: 300, requestTimeoutMs: 600, keepAliveTimeoutMs: 300 };

    it('cuts off a client that trickles its headers, or its body (slowloris), with 408', async () => {
      await serve(limits);
      const headers = await rawSocket(port);
      headers.socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`);
      const dripHeaders = setInterval(() => headers.socket.write('X-A: b\r\n'), 50);
      void headers.closed.then(() => clearInterval(dripHeaders));
      const body = await rawSocket(port);
      const text = JSON.stringify(chat());
      body.socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nContent-Type: application/json\r\nContent-Length: ${text.length}\r\n\r\n`);
      let sent = 0;
      const dripBody = setInterval(() => { if (sent < text.length - 1) body.socket.write(text[sent++]!); }, 50);
      void body.closed.then(() => clearInterval(dripBody));
      try {
        const [headersClosed, bodyClosed] = await Promise.all([headers.closed, body.closed]);
        assert.ok(headersClosed < 2_000, `headers cut off after ${Math.round(headersClosed)} ms`);
        assert.ok(bodyClosed < 2_000, `body cut off after ${Math.round(bodyClosed)} ms`);
        assert.match(headers.received(), /^HTTP\/1\.1 408 /);
        assert.match(body.received(), /^HTTP\/1\.1 408 /);
      } finally {
        clearInterval(dripHeaders);
        clearInterval(dripBody);
      }
      assert.equal(backend.calls.length, 0);
    });

    it('does not limit the time an answer takes: streamed or waited for past the request timeout', async () => {
      await serve(limits);
      backend.tokens = 8;
      backend.tokenMs = 150;
      const [streamed, whole] = await Promise.all([
        postJson(port, '/v1/chat/completions', chat({ stream: true, max_tokens: 8 })),
        postJson(port, '/v1/completions', { model: MODEL, prompt: 'x', max_tokens: 8 }),
      ]);
      assert.equal(streamed.status, 200);
      assert.match(streamed.text, /t7 [\s\S]*data: \[DONE\]\n\n$/);
      assert.equal(whole.status, 200);
      assert.equal(JSON.parse(whole.text).choices[0].text, 't0 t1 t2 t3 t4 t5 t6 t7 ');
    });

    it('closes idle kept-alive connections, and refuses connections over the cap', async () => {
      await serve({ ...limits, maxConnections: 2 });
      const idle = await rawSocket(port);
      idle.socket.write(`GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
      const idleFor = await idle.closed;
      assert.match(idle.received(), /^HTTP\/1\.1 200 /);
      assert.ok(idleFor < 1_500, `closed after ${Math.round(idleFor)} ms`);

      const first = await rawSocket(port);
      const second = await rawSocket(port);
      const third = await rawSocket(port);
      third.socket.write(`GET /v1/models HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
      await third.closed;
      assert.equal(third.received(), '', 'the connection over the cap was closed unanswered');
      first.socket.destroy();
      second.socket.destroy();
      await Promise.all([first.closed, second.closed]);
      await sleep(50);
      assert.equal((await request(port, {})).status, 200, 'room again once others closed');
    });
  });

  describe('admission', () => {
    it('admits concurrency + maxQueue requests; more get 429 with retry-after', async () => {
      await serve({ concurrency: 1, maxQueue: 1 });
      backend.holdAll();
      const admitted = [postJson(port, '/v1/chat/completions', chat()), postJson(port, '/v1/chat/completions', chat())];
      while (backend.calls.length < 2) await sleep(10);
      const refused = await postJson(port, '/v1/chat/completions', chat());
      assert.equal(refused.status, 429);
      assert.equal(refused.headers['retry-after'], '1');
      const error = errorOf(refused);
      assert.equal(error.code, 'rate_limit_exceeded');
      assert.equal(error.type, 'requests');
      assert.equal(backend.calls.length, 2);
      backend.release();
      for (const response of await Promise.all(admitted)) assert.equal(response.status, 200);
      assert.equal((await postJson(port, '/v1/chat/completions', chat())).status, 200, 'slots come back when answered');
    });

    it('without a concurrency of its own, admits as many at once as the backend generates (a batched local model: its sequences)', async () => {
      backend = new FakeBackend();
      backend.concurrency = 3;
      started = await startOpenAIServer({ backend, model: MODEL, port: 0, maxQueue: 0 });
      port = Number(new URL(started.url).port);
      backend.holdAll();
      const admitted = [1, 2, 3].map(() => postJson(port, '/v1/chat/completions', chat()));
      while (backend.calls.length < 3) await sleep(10);
      assert.equal((await postJson(port, '/v1/chat/completions', chat())).status, 429, 'a fourth is over the backend\'s 3');
      backend.release();
      for (const response of await Promise.all(admitted)) assert.equal(response.status, 200);
    });

    it('gives a slot back at once when its client leaves, and aborts that generation', async () => {
      await serve({ concurrency: 1, maxQueue: 1 });
      backend.holdAll();
      backend.stopsLate = true;
      const first = postJson(port, '/v1/chat/completions', chat());
      const leaving = new AbortController();
      const second = postJson(port, '/v1/chat/completions', chat(), {}, leaving.signal).catch((error: Error) => error);
      while (backend.calls.length < 2) await sleep(10);
      leaving.abort();
      assert.ok(await second instanceof Error);
      for (let i = 0; i < 100 && !backend.calls[1]!.signal!.aborted; i++) await sleep(10);
      assert.equal(backend.calls[1]!.signal!.aborted, true, "the client's generation was aborted");
      // The backend has not returned for the one that left (it stops late), yet the slot is free.
      const third = postJson(port, '/v1/chat/completions', chat());
      for (let i = 0; i < 100 && backend.calls.length < 3; i++) await sleep(10);
      assert.equal(backend.calls.length, 3, 'a new request was admitted in the freed slot');
      backend.release();
      assert.equal((await first).status, 200);
      assert.equal((await third).status, 200);
      assert.equal(backend.calls[1]!.finishReason, 'abort');
    });
  });

  describe('prompts over the context', () => {
    const measure = async ({ messages, prompt }: { messages: readonly { content: string }[]; prompt?: string }) => ({
      promptTokens: (prompt ?? messages.map((m) => m.content).join(' ')).split(' ').length, contextSize: 100,
    });

    it('answers 400 context_length_exceeded before queueing, counting max_tokens', async () => {
      await serve({ measure });
      const words = (count: number) => Array.from({ length: count }, () => 'w').join(' ');
      const long = await postJson(port, '/v1/chat/completions', { model: MODEL, messages: [{ role: 'user', content: words(120) }] });
      assert.equal(long.status, 400);
      assert.deepEqual(JSON.parse(long.text), { error: {
        message: "This model's maximum context length is 100 tokens. However, your messages resulted in 120 tokens. Please reduce the length of the messages.",
        type: 'invalid_request_error', param: 'messages', code: 'context_length_exceeded',
      } });
      const withMax = await postJson(port, '/v1/completions', { model: MODEL, prompt: words(60), max_tokens: 50 });
      assert.equal(withMax.status, 400);
      const error = errorOf(withMax);
      assert.equal(error.code, 'context_length_exceeded');
      assert.equal(error.param, 'prompt');
      assert.match(error.message, /you requested 110 tokens \(60 in the prompt, 50 in the completion\)/);
      assert.equal((await postJson(port, '/v1/chat/completions', { model: MODEL, messages: [{ role: 'user', content: words(100) }] })).status, 400, 'no room for one token');
      assert.equal(backend.calls.length, 0);
      assert.equal((await postJson(port, '/v1/completions', { model: MODEL, prompt: words(60), max_tokens: 40 })).status, 200, 'exactly full is fine');
    });

    it('answers 500 with a clear message when the prompt cannot be measured', async () => {
      await serve({ measure: () => Promise.reject(new Error('the model file is damaged')) });
      const response = await postJson(port, '/v1/chat/completions', chat());
      assert.equal(response.status, 500);
      assert.equal(errorOf(response).message, 'The model could not measure the prompt: the model file is damaged');
      assert.equal(backend.calls.length, 0);
    });

    it('checks without a server too', () => {
      const request = { model: MODEL, messages: [], config: { maxOutputTokens: 10 }, n: 1, stream: false, includeUsage: false };
      assert.doesNotThrow(() => checkContextLength('chat', request, { promptTokens: 90, contextSize: 100 }));
      assert.throws(() => checkContextLength('chat', request, { promptTokens: 91, contextSize: 100 }), /you requested 101 tokens/);
    });
  });

  describe('malformed requests', () => {
    it('answers bad URLs and odd request targets with clean errors, never a stack trace', async () => {
      const log: string[] = [];
      await serve({ log: (line) => log.push(line) });
      const cases: [string, string, number][] = [
        ['GET', '/v1/models/%E0%A4%A', 400],
        ['GET', '/v1/models/%', 400],
        ['GET', '/v1/models/%E0%A4%A8', 404],
        ['GET', `http://127.0.0.1:${port}/v1/models`, 404],
        ['GET', '//evil.example/v1/models', 404],
        ['OPTIONS', '*', 404],
        ['GET', '/v1/models?x=%ZZ', 200],
        ['DELETE', '/v1/chat/completions', 405],
      ];
      for (const [method, path, status] of cases) {
        const raw = await rawSocket(port);
        raw.socket.write(`${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nConnection: close\r\n\r\n`);
        await raw.closed;
        const [head, body = ''] = raw.received().split('\r\n\r\n');
        assert.match(head!, new RegExp(`^HTTP/1\\.1 ${status} `), `${method} ${path}`);
        if (status !== 200) assert.equal(Object.keys(JSON.parse(body).error).length, 4, `${method} ${path}`);
        assert.doesNotMatch(body, /\n\s+at |Error:|node:/, `${method} ${path}`);
      }
      const huge = await request(port, { headers: { 'x-pad': 'x'.repeat(20_000) } }).catch((error: Error) => error);
      assert.ok(huge instanceof Error || huge.status === 431, 'oversized headers are refused');
      assert.equal((await request(port, {})).status, 200, 'the server still answers');
      assert.ok(!log.some((line) => line.startsWith('internal error')), log.join('\n'));
    });

    it('reads own properties of the body only: "__proto__" pollutes nothing, inherited values are not read', async () => {
      await serve();
      const text = `{"model": "${MODEL}", "messages": [{"role": "user", "content": "Hi"}], "__proto__": {"polluted": 1, "stream": true}}`;
      const response = await request(port, { method: 'POST', path: '/v1/chat/completions', headers: { 'content-type': 'application/json' }, body: text });
      assert.equal(response.status, 200);
      assert.equal(JSON.parse(response.text).object, 'chat.completion', 'the "__proto__" key did not turn streaming on');
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
      assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);

      for (const role of ['__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
        const bad = await postJson(port, '/v1/chat/completions', { model: MODEL, messages: [{ role, content: 'x' }] });
        assert.equal(bad.status, 400, role);
        assert.equal(errorOf(bad).param, 'messages[0].role');
      }
      // Even with a prototype polluted elsewhere in the process, the body's own fields are all that count.
      Object.defineProperty(Object.prototype, 'presence_penalty', { value: 99, configurable: true, enumerable: false });
      try {
        assert.equal((await postJson(port, '/v1/chat/completions', chat())).status, 200);
        const missing = await postJson(port, '/v1/chat/completions', { messages: [{ role: 'user', content: 'x' }], ['__proto__']: { model: MODEL } });
        assert.equal(errorOf(missing).code, 'missing_required_parameter');
      } finally {
        delete (Object.prototype as Record<string, unknown>).presence_penalty;
      }
    });
  });

  describe('its command-line flags', () => {
    async function cli(...argv: string[]) {
      let stderr = '';
      const code = await runCli(['serve', ...argv], { stdout: () => undefined, stderr: (t) => { stderr += t; } }, 'test');
      return { code, stderr };
    }

    it('are bad usage (exit 2) when malformed, naming the flag, never echoing a key', async () => {
      const cases: [string[], RegExp][] = [
        [['--allow-origin', 'http://localhost:5173/'], /--allow-origin must be an origin/],
        [['--allow-origin', 'localhost:5173'], /--allow-origin must be an origin/],
        [['--allow-origin', 'file:///tmp'], /--allow-origin must be an origin/],
        [['--allow-host', 'http://box.lan'], /--allow-host must be a Host header value/],
        [['--max-queue', '-1'], /--max-queue must be a whole number/],
        [['--max-connections', '0'], /--max-connections must be a whole number/],
        [['--api-key', ''], /API key \(--api-key\) must be one word/],
        [['--api-key', 'sk-secret with-space'], /API key \(--api-key\) must be one word/],
      ];
      for (const [argv, message] of cases) {
        const { code, stderr } = await cli(...argv);
        assert.equal(code, 2, argv.join(' '));
        assert.match(stderr, message, argv.join(' '));
        assert.ok(!stderr.includes('sk-secret'));
      }
    });

    it('are described in the usage text', async () => {
      let usage = '';
      await runCli(['serve', '--help'], { stdout: (t) => { usage += t; }, stderr: (t) => { usage += t; } }, 'test');
      for (const flag of ['--api-key', '--allow-origin', '--allow-host', '--max-queue', '--max-connections', 'PROMPT_LAB_SERVE_API_KEY']) assert.ok(usage.includes(flag), flag);
    });
  });
});
