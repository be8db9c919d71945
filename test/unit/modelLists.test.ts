// Model lists: the openai backend's GET /v1/models (the real openai client over real HTTP) against
// `prompt-lab serve`'s server and against small servers that misbehave, and the per-backend cache
// that Select Backend and the `model:` completions read.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { Backend, ModelInfo } from '../../src/backends/backend';
import type { BackendConfig } from '../../src/backends/backendConfig';
import { LocalBackend } from '../../src/backends/local/localBackend';
import { createOpenAIBackend } from '../../src/backends/openai';
import { listServerModels } from '../../src/backends/openai/listModels';
import type { BackendServices, KeyRequestOptions } from '../../src/backends/registry';
import { startOpenAIServer } from '../../src/serve/openaiServer';
import { FAILED_LIST_TTL_MS, MODEL_LIST_TTL_MS, ModelLists, type ModelListSource } from '../../src/extension/backends/modelLists';

const MODEL = path.resolve(__dirname, '../../../../shared/models/stories260K.gguf');

/** A plain HTTP server: `handle` answers; every request's path and headers are kept. */
async function server(handle: (req: http.IncomingMessage, res: http.ServerResponse) => void) {
  const seen: { url: string; authorization?: string }[] = [];
  const instance = http.createServer((req, res) => {
    seen.push({ url: req.url ?? '', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) });
    handle(req, res);
  });
  await new Promise<void>((resolve) => instance.listen(0, '127.0.0.1', resolve));
  const { port } = instance.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1`, seen,
    close: () => new Promise<void>((resolve) => { instance.closeAllConnections(); instance.close(() => resolve()); }),
  };
}

const json = (res: http.ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
};

describe('model lists', function () {
  this.timeout(30_000);
  let local: LocalBackend;
  let serve: Awaited<ReturnType<typeof startOpenAIServer>>;
  const served: string[] = [];

  before(async () => {
    // Lazy: nothing loads the model, GET /v1/models does not generate.
    local = new LocalBackend({ id: 'local', kind: 'local', modelPath: MODEL, threads: 1 });
    serve = await startOpenAIServer({ backend: local, model: 'stories260K', port: 0, log: (line) => served.push(line) });
  });
  after(async () => {
    await serve?.close();
    await local?.dispose();
  });

  describe('the openai backend lists GET /v1/models', () => {
    it('lists what prompt-lab serve offers, asking for a key without prompting, sending none to a keyless loopback server', async () => {
      const asked: (KeyRequestOptions | undefined)[] = [];
      const backend = createOpenAIBackend({ id: 'serve', kind: 'openai', baseURL: serve.url }, { apiKey: async (_config, options) => { asked.push(options); return undefined; } });
      const models = await backend.listModels!();
      assert.deepEqual(models, [{ id: 'stories260K', detail: 'owned by prompt-lab' }]);
      assert.deepEqual(asked, [{ interactive: false }], 'a listing never asks the user for a key');
      assert.ok(served.some((line) => /^GET \/v1\/models 200/.test(line)), served.join('\n'));
    });

    it('sends the stored key to the backend\'s own server, sorts the ids, and does not follow a redirect elsewhere', async () => {
      const other = await server((_req, res) => json(res, 200, { object: 'list', data: [{ id: 'elsewhere', object: 'model' }] }));
      const own = await server((req, res) => {
        if (req.url === '/v1/models') return json(res, 200, { object: 'list', data: [{ id: 'zeta', object: 'model' }, { id: 'alpha', object: 'model', owned_by: 'me' }] });
        res.writeHead(302, { location: `${other.url}/models` });
        res.end();
      });
      try {
        const services: BackendServices = { apiKey: async () => 'sk-own-0123456789' };
        const models = await createOpenAIBackend({ id: 'own', kind: 'openai', baseURL: own.url }, services).listModels!();
        assert.deepEqual(models.map((m) => m.id), ['alpha', 'zeta']);
        assert.equal(own.seen[0]!.authorization, 'Bearer sk-own-0123456789');

        const redirected = createOpenAIBackend({ id: 'moved', kind: 'openai', baseURL: `${own.url}/moved` }, services);
        await assert.rejects(redirected.listModels!(), (error: Error) => {
          assert.match(error.message, /Could not list the models of backend 'moved'.*302/);
          assert.doesNotMatch(error.message, /sk-own/);
          return true;
        });
        assert.equal(other.seen.length, 0, 'nothing reached the other origin');
      } finally {
        await own.close();
        await other.close();
      }
    });

    it('names the host and the status on 401, never the key', async () => {
      const refusing = await server((_req, res) => json(res, 401, { error: { message: 'Incorrect API key provided: sk-bad-0123456789', type: 'invalid_request_error' } }));
      try {
        const backend = createOpenAIBackend({ id: 'refusing', kind: 'openai', baseURL: refusing.url }, { apiKey: async () => 'sk-bad-0123456789' });
        await assert.rejects(backend.listModels!(), (error: Error) => {
          assert.match(error.message, /backend 'refusing'.*127\.0\.0\.1:\d+ answered 401.*API key/);
          assert.doesNotMatch(error.message, /sk-bad/);
          return true;
        });
      } finally {
        await refusing.close();
      }
    });

    it('does not contact a remote server for which no key is stored', async () => {
      let fetched = 0;
      const backend = createOpenAIBackend({ id: 'remote', kind: 'openai', baseURL: 'https://api.example.com/v1' }, {
        apiKey: async () => undefined,
        fetch: async () => { fetched++; return new Response('{}'); },
      });
      await assert.rejects(backend.listModels!(), /no API key stored for https:\/\/api\.example\.com.*Set API Key/);
      assert.equal(fetched, 0);
    });

    it('gives up on a server that does not answer, within its timeout', async () => {
      const silent = await server(() => { /* never answers */ });
      try {
        const started = Date.now();
        await assert.rejects(listServerModels({ config: { id: 'silent', kind: 'openai', baseURL: silent.url }, origin: new URL(silent.url).origin, key: undefined, timeoutMs: 300 }),
          /no answer from 127\.0\.0\.1:\d+ within 300 ms/);
        assert.ok(Date.now() - started < 3000, `${Date.now() - started} ms`);
      } finally {
        await silent.close();
      }
    });
  });

  describe('ModelLists, the per-backend cache', () => {
    function source(configs: BackendConfig[], backends: Record<string, Backend>, logged: string[]): ModelListSource {
      return { configs: () => configs, backend: (id) => backends[id], log: (message) => logged.push(message) };
    }
    const listRequests = () => served.filter((line) => line.startsWith('GET /v1/models')).length;

    it('fetches each backend once, serves the cache until refreshed or stale, and keys it by where the backend points', async () => {
      const config: BackendConfig = { id: 'serve', kind: 'openai', baseURL: serve.url };
      const backend = createOpenAIBackend(config, { apiKey: async () => undefined });
      let now = 1_000;
      const logged: string[] = [];
      const configs = [config, { id: 'local', kind: 'local' } as BackendConfig];
      const lists = new ModelLists(source(configs, { serve: backend, local }, logged), () => now);
      const before = listRequests();

      const first = await lists.get(5_000);
      assert.equal(first.complete, true);
      assert.deepEqual(first.lists.map((list) => [list.config.id, list.models.map((m: ModelInfo) => m.id)]), [['serve', ['stories260K']]], 'a backend that cannot list is left out');
      await lists.get(5_000);
      assert.equal(listRequests() - before, 1, 'the second ask is answered from the cache');

      now += MODEL_LIST_TTL_MS + 1;
      await lists.get(5_000);
      assert.equal(listRequests() - before, 2, 'a stale list is fetched again');
      lists.refresh();
      await lists.get(5_000);
      assert.equal(listRequests() - before, 3, 'refresh forgets the lists');

      // The same id pointed at another server is another list.
      configs[0] = { ...config, baseURL: serve.url.replace('127.0.0.1', 'localhost') };
      const moved = createOpenAIBackend(configs[0], { apiKey: async () => undefined });
      const lists2 = new ModelLists(source(configs, { serve: moved }, logged), () => now);
      await lists2.get(5_000);
      assert.equal(listRequests() - before, 4);
      assert.deepEqual(logged, []);
    });

    it('answers within the wait it is given, marked incomplete, and has the list on a later ask', async () => {
      let release!: () => void;
      const slow: Backend = {
        id: 'slow', kind: 'openai', supports: new Set(), generate: () => Promise.reject(new Error('not here')),
        listModels: () => new Promise<ModelInfo[]>((resolve) => { release = () => resolve([{ id: 'late-model' }]); }),
      };
      const lists = new ModelLists(source([{ id: 'slow', kind: 'openai' }], { slow }, []));
      const started = Date.now();
      const early = await lists.get(100);
      assert.ok(Date.now() - started < 1000);
      assert.equal(early.complete, false);
      assert.deepEqual(early.lists[0]!.models, []);
      release();
      const later = await lists.get(100);
      assert.equal(later.complete, true);
      assert.deepEqual(later.lists[0]!.models, [{ id: 'late-model' }]);
    });

    it('logs a failure once, keeps it briefly, and tries again after that', async () => {
      const silentPort = await server((_req, res) => json(res, 503, { error: { message: 'loading' } }));
      try {
        const config: BackendConfig = { id: 'down', kind: 'openai', baseURL: silentPort.url, maxRetries: 0 };
        const backend = createOpenAIBackend(config, { apiKey: async () => undefined });
        let now = 0;
        const logged: string[] = [];
        const lists = new ModelLists(source([config], { down: backend }, logged), () => now);
        const first = await lists.get(5_000);
        assert.match(first.lists[0]!.error ?? '', /backend 'down'.*answered 503/);
        assert.deepEqual(first.lists[0]!.models, []);
        await lists.get(5_000);
        assert.equal(silentPort.seen.length, 1, 'not asked again at once');
        now += FAILED_LIST_TTL_MS + 1;
        await lists.get(5_000);
        assert.equal(silentPort.seen.length, 2, 'asked again later');
        assert.equal(logged.length, 1, logged.join('\n'));
        assert.match(logged[0]!, /^model list: Could not list the models of backend 'down'/);
      } finally {
        await silentPort.close();
      }
    });
  });
});
