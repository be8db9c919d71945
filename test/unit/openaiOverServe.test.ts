// The openai backend (the real `openai` client over real HTTP) against `prompt-lab serve`'s server
// over the real local model: what a user gets pointing Prompt Lab at any OpenAI-compatible server.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { GenerationConfig, GenerationResult, StreamedToken } from '../../src/backends/backend';
import { LocalBackend } from '../../src/backends/local/localBackend';
import { createOpenAIBackend } from '../../src/backends/openai';
import { startOpenAIServer } from '../../src/serve/openaiServer';

const MODEL = path.resolve(__dirname, '../../../../shared/models/stories260K.gguf');
const STORY = 'Once upon a time, there was a little cat who lived in a big garden. One day,';

describe('openai backend against prompt-lab serve (local model)', function () {
  this.timeout(60_000);
  let local: LocalBackend;
  let server: Awaited<ReturnType<typeof startOpenAIServer>>;
  const backend = () => createOpenAIBackend({ id: 'serve', kind: 'openai', baseURL: server.url }, { apiKey: async () => undefined });

  before(async () => {
    local = new LocalBackend({ id: 'local', kind: 'local', modelPath: MODEL, threads: 1, concurrency: 2 });
    server = await startOpenAIServer({ backend: local, model: 'stories260K', port: 0 });
  });
  after(async () => {
    await server?.close();
    await local?.dispose();
  });

  async function generate(config: GenerationConfig, onToken?: (token: StreamedToken) => void, signal?: AbortSignal): Promise<GenerationResult> {
    return backend().generate({ model: 'stories260K', messages: [{ role: 'user', content: STORY }], config }, { onToken, signal });
  }

  it('streams token by token, and the tokens make the text', async () => {
    const tokens: string[] = [];
    const result = await generate({ temperature: 0, maxOutputTokens: 20 }, (token) => tokens.push(token.text));
    assert.equal(result.error, undefined, result.error?.message);
    assert.ok(tokens.length >= 5, `${tokens.length} stream events`);
    assert.equal(tokens.join(''), result.text);
    assert.equal(result.finishReason, 'length');
    assert.deepEqual(result.usage.estimated, false);
    assert.equal(result.usage.completionTokens, 20);
  });

  it('returns log-probabilities with the alternatives asked for', async () => {
    const result = await generate({ temperature: 0, maxOutputTokens: 8, logprobs: 3 });
    assert.equal(result.logprobs?.length, 8);
    for (const entry of result.logprobs!) {
      assert.ok(entry.logprob <= 0);
      assert.ok(entry.top.length >= 1 && entry.top.length <= 3);
      // At temperature 0 the chosen token is the most probable one.
      assert.equal(entry.top[0]!.token, entry.token);
    }
  });

  it('reproduces a sample with the same seed, and varies it with another', async () => {
    const config = { temperature: 1, maxOutputTokens: 24 };
    const [a, b, c] = await Promise.all([generate({ ...config, seed: 7 }), generate({ ...config, seed: 7 }), generate({ ...config, seed: 8 })]);
    assert.equal(a.text, b.text);
    assert.notEqual(a.text, c.text);
    assert.equal(a.parameters.seed, 7);
  });

  it('aborts a stream, keeping what had arrived', async () => {
    const controller = new AbortController();
    let received = '';
    const result = await generate({ temperature: 1, maxOutputTokens: 400 }, (token) => {
      received += token.text;
      if (received.length > 10) controller.abort();
    }, controller.signal);
    assert.equal(result.finishReason, 'abort');
    assert.ok(result.text.length > 10 && result.text.startsWith(received.slice(0, 10)));
    assert.ok(result.usage.completionTokens < 400);
  });
});
