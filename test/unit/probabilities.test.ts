// Token probabilities on the real model (../shared/models/stories260K.gguf, in the local backend's
// child process): the exact next-token distribution over the whole vocabulary, branches that force
// a token, and the computed sampler against the model's own sampler (2,000 seeded draws).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { NextTokenDistribution } from '../../src/backends/backend';
import { LocalBackend } from '../../src/backends/local/localBackend';
import { createOpenAIBackend } from '../../src/backends/openai';
import { startOpenAIServer } from '../../src/serve/openaiServer';
import { applySampler, chiSquare, NEUTRAL_SETTINGS, sample, type SamplerSettings } from '../../src/core/sampling';

const root = path.resolve(__dirname, '../../..');
const STORIES_MODEL = path.resolve(root, '../shared/models/stories260K.gguf');
const PROMPT = 'Lily said';

/** The vocabulary's size as the GGUF file states it: the `tokenizer.ggml.tokens` array's length,
 * read from the file's header here, independently of node-llama-cpp. */
function ggufVocabularySize(file: string): number {
  const data = readFileSync(file);
  let at = 8; // magic, version
  const u64 = () => { const value = Number(data.readBigUInt64LE(at)); at += 8; return value; };
  const u32 = () => { const value = data.readUInt32LE(at); at += 4; return value; };
  const str = () => { const length = u64(); const value = data.toString('utf8', at, at + length); at += length; return value; };
  const sizes: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };
  const skip = (type: number): void => {
    if (type === 8) str();
    else if (type === 9) { const inner = u32(); const count = u64(); for (let i = 0; i < count; i++) skip(inner); }
    else at += sizes[type]!;
  };
  u64(); // tensors
  const keys = u64();
  for (let k = 0; k < keys; k++) {
    const key = str();
    const type = u32();
    if (key === 'tokenizer.ggml.tokens' && type === 9) { u32(); return u64(); }
    skip(type);
  }
  throw new Error('no tokenizer.ggml.tokens');
}

describe('token probabilities on the local model (stories260K)', function () {
  this.timeout(120000);
  let local: LocalBackend;
  let distribution: NextTokenDistribution;

  before(async () => {
    local = new LocalBackend({ id: 'local', kind: 'local', modelPath: STORIES_MODEL }, {}, { env: {} });
    const result = await local.nextTokens({ model: '', messages: [], prompt: PROMPT });
    assert.equal(result.kind, 'distribution');
    distribution = result.distribution;
  });
  after(() => local.dispose());

  it('gives the model\'s own distribution over its whole vocabulary', () => {
    const vocabulary = ggufVocabularySize(STORIES_MODEL);
    assert.equal(distribution.tokens.length, vocabulary);
    assert.equal(new Set(distribution.tokens.map((token) => token.id)).size, vocabulary);
    assert.deepEqual(distribution.rest, { count: 0, probability: 0 });
    assert.equal(distribution.exact, true);
    assert.equal(distribution.model, 'stories260K');
    const total = distribution.tokens.reduce((sum, token) => sum + token.probability, 0);
    assert.ok(Math.abs(total - 1) < 1e-4, `sums to ${total}`);
    for (let i = 1; i < distribution.tokens.length; i++) assert.ok(distribution.tokens[i - 1]!.probability >= distribution.tokens[i]!.probability);
    assert.ok(distribution.tokens[0]!.probability < 0.9, 'a position with a spread of choices');
    assert.equal(distribution.position.afterTokens.length, 0);
  });

  it('agrees with what the model generates: greedy takes the top token, logprobs carry the same ids', async () => {
    const greedy = await local.generate({ model: '', messages: [], prompt: PROMPT, config: { temperature: 0, maxOutputTokens: 1, logprobs: 5 } });
    const first = greedy.logprobs![0]!;
    assert.equal(first.id, distribution.tokens[0]!.id);
    assert.equal(greedy.text, distribution.tokens[0]!.text);
    // At temperature 1 with nothing cut, the logprobs' alternatives are this distribution.
    const raw = await local.generate({ model: '', messages: [], prompt: PROMPT, config: { temperature: 1, seed: 3, maxOutputTokens: 1, logprobs: 5 } });
    raw.logprobs![0]!.top.forEach((alternative, i) => {
      assert.equal(alternative.id, distribution.tokens[i]!.id);
      assert.ok(Math.abs(Math.exp(alternative.logprob) - distribution.tokens[i]!.probability) < 1e-6);
    });
  });

  it('reports the model\'s own probabilities whatever the sampler settings: each token\'s, and its alternatives, are the distribution at its position', async () => {
    // Sharpened, cut and flattened: none of these may change what is reported, only what is drawn.
    const settings = [{ temperature: 0 }, { temperature: 0.4, seed: 7 }, { temperature: 1.5, topK: 3, seed: 11 }, { temperature: 0.8, topP: 0.5, seed: 5 }];
    for (const config of settings) {
      const result = await local.generate({ model: '', messages: [], prompt: PROMPT, config: { ...config, maxOutputTokens: 4, logprobs: 5 } });
      assert.equal(result.logprobs!.length, 4);
      const ids: number[] = [];
      for (const token of result.logprobs!) {
        const here = await local.nextTokens({ model: '', messages: [], prompt: PROMPT, after: { tokens: ids }, top: 5 });
        assert.equal(here.kind, 'distribution');
        const expected = here.kind === 'distribution' ? here.distribution.tokens : [];
        assert.deepEqual(token.top.map((alternative) => alternative.id), expected.map((candidate) => candidate.id), `alternatives at ${JSON.stringify(config)}, position ${ids.length}`);
        // Up to float rounding: the generation evaluates token by token, nextTokens in one batch.
        token.top.forEach((alternative, i) => assert.ok(Math.abs(Math.exp(alternative.logprob) - expected[i]!.probability) < 1e-3, `${Math.exp(alternative.logprob)} vs ${expected[i]!.probability} at ${JSON.stringify(config)}, position ${ids.length}`));
        assert.ok(token.top.length === 5 && Math.exp(token.top[0]!.logprob) < 1, 'more than one alternative, none certain');
        const own = expected.find((candidate) => candidate.id === token.id);
        if (own) assert.ok(Math.abs(Math.exp(token.logprob) - own.probability) < 1e-3, 'the chosen token\'s own probability');
        ids.push(token.id!);
      }
    }
  });

  it('draws the same tokens with or without logprobs: the drawing done beside the raw distribution is llama.cpp\'s sampler', async () => {
    let same = 0;
    for (let seed = 1; seed <= 20; seed++) {
      const config = { temperature: 1.3, topK: 8, topP: 0.95, seed, maxOutputTokens: 8 };
      const plain = await local.generate({ model: '', messages: [], prompt: PROMPT, config });
      const withLogprobs = await local.generate({ model: '', messages: [], prompt: PROMPT, config: { ...config, logprobs: 2 } });
      if (plain.text === withLogprobs.text) same++;
    }
    assert.ok(same >= 19, `${same} of 20 seeds drew the same 8 tokens`);
  });

  it('reads a later position given as text or as token ids, and lists the top n with the rest summed', async () => {
    const byText = await local.nextTokens({ model: '', messages: [], prompt: PROMPT, after: ', "I', top: 10 });
    assert.equal(byText.kind, 'distribution');
    const text = byText.distribution;
    assert.equal(text.tokens.length, 10);
    assert.equal(text.rest.count, distribution.tokens.length - 10);
    const listed = text.tokens.reduce((sum, token) => sum + token.probability, 0);
    assert.ok(Math.abs(listed + text.rest.probability - 1) < 1e-4);
    assert.equal(text.position.after, ', "I');
    assert.equal(text.position.tokens, distribution.position.tokens + text.position.afterTokens.length);
    const byIds = await local.nextTokens({ model: '', messages: [], prompt: PROMPT, after: { tokens: text.position.afterTokens }, top: 10 });
    assert.deepEqual(byIds.kind === 'distribution' && byIds.distribution.tokens, text.tokens);
    assert.notEqual(text.tokens[0]!.id, distribution.tokens[0]!.id);
  });

  it('refuses token ids outside the vocabulary with a clear message', async () => {
    await assert.rejects(local.nextTokens({ model: '', messages: [], prompt: PROMPT, after: { tokens: [1, 99999] } }), /token id 99999 is not in this model's vocabulary \(0 to 511\)/);
    await assert.rejects(local.nextTokens({ model: '', messages: [], prompt: PROMPT, after: { tokens: [-1] } }), /token id -1/);
  });

  it('continues a branch from a forced token', async () => {
    const second = distribution.tokens[1]!;
    const config = { temperature: 0, maxOutputTokens: 12 };
    const branch = await local.continueWith({ model: '', messages: [], prompt: PROMPT, config, forced: { id: second.id, text: second.text } });
    assert.equal(branch.error, undefined);
    assert.ok(branch.text.startsWith(second.text), branch.text);
    assert.equal(branch.usage.completionTokens, 12);
    // The same as a greedy run from the prompt with that token written after it.
    const same = await local.generate({ model: '', messages: [], prompt: PROMPT + second.text, config: { temperature: 0, maxOutputTokens: 11 } });
    assert.equal(branch.text, second.text + same.text);
    // Forcing the greedy token gives the greedy completion.
    const top = distribution.tokens[0]!;
    const greedy = await local.generate({ model: '', messages: [], prompt: PROMPT, config });
    const forcedTop = await local.continueWith({ model: '', messages: [], prompt: PROMPT, config, forced: { id: top.id, text: top.text } });
    assert.equal(forcedTop.text, greedy.text);
    // After `after`: the branch holds only what comes from the forced token on.
    const there = await local.nextTokens({ model: '', messages: [], prompt: PROMPT, after: ', "I', top: 3 });
    const pick = there.kind === 'distribution' ? there.distribution.tokens[2]!.text : '';
    const later = await local.continueWith({ model: '', messages: [], prompt: PROMPT, after: ', "I', config: { temperature: 0, maxOutputTokens: 1 }, forced: { text: pick } });
    assert.equal(later.text, pick);
    assert.equal(later.finishReason, 'length');
    const multi = await local.continueWith({ model: '', messages: [], prompt: PROMPT, config, forced: { text: ' elephants' } });
    assert.match(multi.error?.message ?? '', /" elephants" is \d+ tokens for this model, not one/);
  });

  it('draws what the computed sampler predicts: 2,000 seeded samples through the model\'s sampler (chi-square)', async function () {
    const settings: SamplerSettings = { temperature: 1.3, topK: 6, topP: 0.95, minP: 0 };
    const sampled = applySampler(distribution, settings);
    const possible = sampled.tokens.filter((token) => token.afterSampler > 0).length;
    assert.ok(possible >= 3, `${possible} tokens survive the cuts`);
    const index = new Map(sampled.tokens.map((token, i) => [token.id, i]));
    const drawable = sampled.tokens.filter((token) => token.afterSampler > 0);
    const byText = new Map(drawable.map((token) => [token.text, token.id]));
    assert.equal(byText.size, drawable.length, 'each token that can be drawn reads differently');
    const counts = new Array<number>(sampled.tokens.length).fill(0);
    let agree = 0;
    const started = performance.now();
    for (let seed = 1; seed <= 2000; seed++) {
      // No logprobs: node-llama-cpp's own sampler draws (with logprobs, the host draws with core's copy).
      const result = await local.generate({ model: '', messages: [], prompt: PROMPT, config: { temperature: settings.temperature, topK: settings.topK, topP: settings.topP, seed, maxOutputTokens: 1 } });
      const id = byText.get(result.text)!;
      assert.notEqual(id, undefined, result.text);
      counts[index.get(id)!]!++;
      if (sample(sampled, seed, 1)[0] === index.get(id)) agree++;
    }
    const seconds = (performance.now() - started) / 1000;
    const fit = chiSquare(counts, sampled.tokens.map((token) => token.afterSampler));
    console.log(`      2,000 draws in ${seconds.toFixed(1)} s; χ² = ${fit.statistic.toFixed(2)}, df ${fit.degreesOfFreedom}, p = ${fit.pValue.toFixed(3)}; the seeded sampler picked the model's token for ${agree} of 2,000 seeds`);
    assert.equal(fit.impossible, 0, 'no draw of a token the sampler cut');
    assert.ok(fit.pValue > 0.001, `p = ${fit.pValue}`);
    // The same seed draws the same token as llama.cpp's dist sampler (std::mt19937), float rounding aside.
    assert.ok(agree >= 1990, `${agree} of 2,000 seeds agree`);
  });

  it('neutral settings leave the model\'s distribution as it is', () => {
    const neutral = applySampler(distribution, NEUTRAL_SETTINGS);
    neutral.tokens.forEach((token) => assert.ok(Math.abs(token.afterSampler - token.probability) < 1e-5));
  });

  it('on an openai backend (prompt-lab serve over the same model): the top 20 from top_logprobs, marked partial', async () => {
    const server = await startOpenAIServer({ backend: local, model: 'stories260K', port: 0 });
    try {
      const openai = createOpenAIBackend({ id: 'serve', kind: 'openai', baseURL: server.url }, { apiKey: async () => undefined });
      const messages = [{ role: 'user' as const, content: PROMPT }];
      const result = await openai.nextTokens!({ model: 'stories260K', messages });
      assert.equal(result.kind, 'distribution');
      const partial = result.distribution;
      assert.equal(partial.exact, false);
      assert.equal(partial.tokens.length, 20);
      // The local model's chat path joins messages as raw text: the same position as PROMPT.
      partial.tokens.forEach((token, i) => {
        assert.equal(token.text, distribution.tokens[i]!.text);
        assert.ok(Math.abs(token.probability - distribution.tokens[i]!.probability) < 1e-5);
      });
      const listed = partial.tokens.reduce((sum, token) => sum + token.probability, 0);
      assert.ok(Math.abs(partial.rest.probability - (1 - listed)) < 1e-9 && partial.rest.probability > 0);
      const later = await openai.nextTokens!({ model: 'stories260K', messages, after: ', "I' });
      assert.equal(later.kind, 'unavailable');
      assert.match(later.kind === 'unavailable' ? later.reason : '', /only the distribution at the end of the prompt/);
      assert.equal(openai.continueWith, undefined);
    } finally {
      await server.close();
    }
  });
});
