// Assertions over a real model (../shared/models/stories260K.gguf through the local backend): its
// token log-probabilities give perplexity, and as a judge it answers stories, not verdicts, which
// must make a model-graded assertion an error, never a pass.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { LocalBackend } from '../../src/backends/local/localBackend';
import { judgePromptReader, runAssertion } from '../../src/core/eval';
import { perplexityOf } from '../../src/core/eval/assertions/measures';

const root = path.resolve(__dirname, '../../..');
const STORIES_MODEL = path.resolve(root, '../shared/models/stories260K.gguf');

describe('eval assertions on a real model (stories260K)', function () {
  this.timeout(60000);
  let local: LocalBackend;
  before(function () {
    if (!existsSync(STORIES_MODEL)) this.skip();
    local = new LocalBackend({ id: 'local', kind: 'local', modelPath: STORIES_MODEL, threads: 1 }, {}, { env: {} });
  });
  after(async () => { await local?.dispose(); });

  it('perplexity from the tokens the model generated', async () => {
    const result = await local.generate({ model: '', messages: [{ role: 'user', content: 'Once upon a time, there was a little cat.' }], config: { temperature: 0, maxOutputTokens: 12, logprobs: 1 } });
    const logprobs = result.logprobs!.map((entry) => entry.logprob);
    assert.equal(logprobs.length, 12);
    const value = perplexityOf(logprobs);
    assert.ok(value >= 1 && Number.isFinite(value));
    const tight = await runAssertion({ type: 'perplexity', threshold: value * 0.99 }, { output: result.text, logprobs, allowCode: false });
    const loose = await runAssertion({ type: 'perplexity', threshold: value * 1.01 }, { output: result.text, logprobs, allowCode: false });
    assert.deepEqual([tight.pass, loose.pass], [false, true]);
    const score = await runAssertion({ type: 'perplexity-score' }, { output: result.text, logprobs, allowCode: false });
    assert.ok(Math.abs(score.score - 1 / (1 + value)) < 1e-12);
  });

  it('a judge that answers a story makes llm-rubric an error with the answer kept', async () => {
    const judge = async (messages: { role: string; content: string }[]) => (await local.generate({
      model: '', messages: messages.map((m) => ({ role: m.role === 'assistant' ? 'model' : m.role as 'system' | 'user', content: m.content })),
      config: { temperature: 0, maxOutputTokens: 24 },
    })).text;
    const result = await runAssertion({ type: 'llm-rubric', value: 'Mentions a cat' }, { output: 'The cat slept.', allowCode: false, judge, readJudgePrompt: judgePromptReader(root) });
    assert.deepEqual([result.pass, result.error, result.score], [false, true, 0]);
    assert.ok(result.judge && result.judge.verdict.length > 0);
    assert.match(result.reason, /not a verdict/);
  });
});
