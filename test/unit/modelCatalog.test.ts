// The model catalog: which names match which model (snapshots, providers, fine-tunes, and the
// near names that must not match), the user's prices over the built-in ones, and token budgets.
import * as assert from 'node:assert/strict';
import { estimateCost, modelInfo, priceFor, readPriceTable, tokenBudget } from '../../src/core/modelCatalog';
import type { TokenReport } from '../../src/core/promptTokens';

const report: TokenReport = {
  tokenizer: 'o200k_base', exact: true, note: 'gpt-4o uses o200k_base.', total: 120, overhead: 7,
  messages: [{ role: 'system', tokens: 50 }, { role: 'user', tokens: 70 }],
  parts: [{ name: 'instruction', text: 'Be brief.', tokens: 45 }, { name: 'content', text: 'Hi', tokens: 68 }],
};

describe('model catalog', () => {
  it('knows well-known models, their dated snapshots and provider-prefixed names', () => {
    assert.deepEqual(modelInfo('gpt-4o'), { contextWindow: 128_000, price: { input: 2.5, output: 10 } });
    assert.deepEqual(modelInfo('gpt-4o-2024-08-06'), modelInfo('gpt-4o'));
    assert.deepEqual(modelInfo('openai/gpt-4o-2024-11-20'), modelInfo('gpt-4o'));
    assert.deepEqual(modelInfo('gpt-4o-2024-05-13').price, { input: 5, output: 15 }, 'the first snapshot kept its launch price');
    assert.deepEqual(modelInfo('gpt-4o-mini-2024-07-18').price, { input: 0.15, output: 0.6 }, 'gpt-4o-mini is not gpt-4o');
    assert.deepEqual(modelInfo('gpt-4.1-nano-2025-04-14'), { contextWindow: 1_047_576, price: { input: 0.1, output: 0.4 } });
    assert.equal(modelInfo('gpt-3.5-turbo-0125').price?.input, 0.5);
    assert.equal(modelInfo('gpt-3.5-turbo-0613').contextWindow, 4_096);
    for (const model of ['gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini', 'o1', 'o1-mini', 'o3', 'o3-mini', 'o4-mini', 'gpt-4-turbo', 'gpt-5', 'gpt-5-mini', 'gpt-5-nano']) {
      const info = modelInfo(model);
      assert.ok(info.contextWindow && info.price && info.price.input > 0 && info.price.output >= info.price.input, model);
    }
  });

  it('does not take other models for the ones it knows', () => {
    for (const model of ['o1-pro', 'o3-pro-2025-06-10', 'gpt-4o-audio-preview', 'gpt-4o-realtime-preview-2024-12-17', 'gpt-3.5-turbo-instruct', 'gpt-4', 'gpt-4o-x', 'llama3.2', '', undefined]) {
      assert.deepEqual(modelInfo(model), {}, String(model));
    }
  });

  it('gives a fine-tuned model its base model\'s window but no price', () => {
    assert.deepEqual(modelInfo('ft:gpt-4o-mini:my-org::abc123'), { contextWindow: 128_000 });
    assert.deepEqual(modelInfo('ft:gpt-4o-mini-2024-07-18:my-org:custom:abc123'), { contextWindow: 128_000 });
    assert.equal(priceFor('ft:gpt-4o-mini:my-org::abc123', undefined), undefined);
  });

  it('prefers the user\'s prices: the exact name, then without its provider, then as a snapshot', () => {
    const prices = { 'gpt-4o': { input: 1, output: 2 }, 'ft:gpt-4o-mini:my-org::abc123': { input: 0.3, output: 1.2 }, 'ollama/llama3': { input: 0, output: 0 } };
    assert.deepEqual(priceFor('gpt-4o', prices), { input: 1, output: 2, source: 'settings' });
    assert.deepEqual(priceFor('gpt-4o-2024-08-06', prices), { input: 1, output: 2, source: 'settings' });
    assert.deepEqual(priceFor('openai/gpt-4o', prices), { input: 1, output: 2, source: 'settings' });
    assert.deepEqual(priceFor('ft:gpt-4o-mini:my-org::abc123', prices), { input: 0.3, output: 1.2, source: 'settings' });
    assert.deepEqual(priceFor('ollama/llama3', prices), { input: 0, output: 0, source: 'settings' });
    assert.deepEqual(priceFor('gpt-4o-mini', prices), { input: 0.15, output: 0.6, source: 'built-in' }, 'gpt-4o\'s entry is not gpt-4o-mini\'s');
    assert.equal(priceFor('llama3', prices), undefined);
    assert.equal(priceFor('toString', {}), undefined, 'only the table\'s own entries');
    assert.equal(priceFor(undefined, prices), undefined);
  });

  it('estimates what a request costs, in USD', () => {
    assert.equal(estimateCost({ input: 2.5, output: 10 }, 1_000_000, 0), 2.5);
    assert.ok(Math.abs(estimateCost({ input: 0.15, output: 0.6 }, 1200, 300) - 0.00036) < 1e-12);
  });

  it('turns a token report into a budget: window and price for the model, free for the local one', () => {
    assert.deepEqual(tokenBudget(report, { model: 'gpt-4o-mini' }), {
      total: 120, parts: [{ name: 'instruction', tokens: 45 }, { name: 'content', tokens: 68 }], overhead: 7, tokenizer: 'o200k_base', exact: true,
      contextWindow: 128_000, price: { input: 0.15, output: 0.6, source: 'built-in' },
    });
    assert.deepEqual(tokenBudget(report, { model: 'gpt-4o-mini', userPrices: { 'gpt-4o-mini': { input: 9, output: 9 } } }).price, { input: 9, output: 9, source: 'settings' });
    const local = tokenBudget(report, { model: 'stories260K', local: { contextSize: 2048 } });
    assert.equal(local.contextWindow, 2048);
    assert.deepEqual(local.price, { input: 0, output: 0, source: 'local' });
    assert.equal('contextWindow' in tokenBudget(report, { local: {} }), false);
    const unknown = tokenBudget(report, { model: 'mistral-large' });
    assert.equal('contextWindow' in unknown || 'price' in unknown, false);
  });

  it('reads the user\'s price table, naming each bad entry', () => {
    const { prices, problems } = readPriceTable({
      'gpt-4o': { input: 2.5, output: 10 },
      free: { input: 0, output: 0 },
      negative: { input: -1, output: 2 },
      words: { input: '2', output: 'ten' },
      infinite: { input: Infinity, output: 1 },
      missing: { input: 1 },
      list: [1, 2],
      ['__proto__']: { input: 1, output: 1 },
    });
    assert.deepEqual(Object.keys(prices).sort(), ['__proto__', 'free', 'gpt-4o']);
    assert.deepEqual(Object.getPrototypeOf(prices), Object.prototype, 'a __proto__ key is an entry, not the prototype');
    assert.deepEqual(problems, [
      "'negative': input must be a non-negative number (USD per 1M tokens)",
      "'words': input and output must be non-negative numbers (USD per 1M tokens)",
      "'infinite': input must be a non-negative number (USD per 1M tokens)",
      "'missing': output must be a non-negative number (USD per 1M tokens)",
      "'list': must be { \"input\": …, \"output\": … } in USD per 1M tokens",
    ]);
    assert.deepEqual(readPriceTable(undefined), { prices: {}, problems: [] });
    assert.equal(readPriceTable([1]).problems.length, 1);
    assert.equal(readPriceTable('cheap').problems.length, 1);
  });
});
