// The token view's numbers: on the local model its own (tokenizer, prompt as generated, context
// size), elsewhere tiktoken's with the catalog's window and price.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Backend } from '../../src/backends/backend';
import { LocalBackend } from '../../src/backends/local/localBackend';
import { promptBudget } from '../../src/backends/promptBudget';
import { runPrompt } from '../../src/backends/runPrompt';
import { analyzePrompt } from '../../src/core/analyzePrompt';
import { memoryEnvironment } from '../../src/core/promptEnvironment';
import { countInProcess } from '../../src/core/promptTokens';

const root = path.resolve(__dirname, '../../..');
const STORIES_MODEL = path.resolve(root, '../shared/models/stories260K.gguf');

const analyze = (file: string) => analyzePrompt(readFileSync(path.join(root, 'prompts', file), 'utf8'), memoryEnvironment());

describe('prompt budget', function () {
  this.timeout(60_000);
  let local: LocalBackend;
  before(() => {
    local = new LocalBackend({ id: 'local', kind: 'local', modelPath: STORIES_MODEL, threads: 1 }, {}, { env: {} });
  });
  after(() => local.dispose());

  it('counts the local model\'s prompt as a generation sends it, exactly, against its context size', async () => {
    const { result: rendered, parts } = await analyze('continue-story.prompt');
    const budget = await promptBudget({ backend: local, model: '', rendered, parts, countTexts: countInProcess, localModelName: 'stories260K' });
    const run = await runPrompt(local, { rendered, model: '', overrides: { maxOutputTokens: 1, temperature: 0 } });
    assert.equal(budget.total, run.usage.promptTokens);
    assert.equal(budget.exact, true);
    assert.equal(budget.tokenizer, "stories260K's own");
    assert.equal(budget.contextWindow, 2048);
    assert.deepEqual(budget.price, { input: 0, output: 0, source: 'local' });
    assert.equal(budget.parts.reduce((sum, part) => sum + part.tokens, 0) + budget.overhead, budget.total);
    const [content] = await local.countTokens([parts.find((part) => part.name === 'content')!.text]);
    assert.equal(budget.parts.find((part) => part.name === 'content')!.tokens, content, 'parts counted by the model\'s tokenizer');
  });

  it('uses tiktoken, the catalog\'s context window and the price (the user\'s first) for other backends', async () => {
    const { result: rendered, parts } = await analyze('summarize-dialogue.prompt');
    const remote = { id: 'openai', kind: 'openai', supports: new Set(), generate: () => Promise.reject(new Error('not called')) } as unknown as Backend;
    const listed = await promptBudget({ backend: remote, model: 'gpt-4o-mini', rendered, parts, countTexts: countInProcess });
    assert.equal(listed.tokenizer, 'o200k_base');
    assert.equal(listed.exact, true);
    assert.equal(listed.contextWindow, 128_000);
    assert.deepEqual(listed.price, { input: 0.15, output: 0.6, source: 'built-in' });
    assert.ok(listed.parts.find((part) => part.name === 'examples')!.tokens > 0, 'the few-shot examples have their tokens');
    const own = await promptBudget({ backend: remote, model: 'gpt-4o-mini', rendered, parts, countTexts: countInProcess, userPrices: { 'gpt-4o-mini': { input: 1, output: 2 } } });
    assert.deepEqual(own.price, { input: 1, output: 2, source: 'settings' });
    assert.equal(own.total, listed.total);
  });
});
