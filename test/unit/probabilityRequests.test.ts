// What the host answers to the panel's probability requests, on the real local model
// (stories260K in a child process): a run's kept log-probabilities, the next-token distribution
// before one of its tokens (the model's own choice there at temperature 0), and a branch from a
// forced token; and what it says for a backend without probabilities or a completion not kept.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import type { Backend, GenerationConfig } from '../../src/backends/backend';
import { LocalBackend } from '../../src/backends/local/localBackend';
import { Completions } from '../../src/extension/probabilities/completions';
import { continueAt, logprobsOf, nextTokensAt, type ProbabilityDependencies } from '../../src/extension/probabilities/probabilityRequests';
import { applySampler, NEUTRAL_SETTINGS, type CompletionSource } from '../../src/shared/probabilities';

const root = path.resolve(__dirname, '../../..');
const STORIES_MODEL = path.resolve(root, '../shared/models/stories260K.gguf');
const messages = [{ role: 'user' as const, content: 'Once upon a time, there was a little cat who lived in a big garden. One day,' }];

describe('panel probability requests (host side, stories260K)', function () {
  this.timeout(60_000);
  let local: LocalBackend;
  const completions = new Completions(3);
  const noProbabilities: Backend = { id: 'plain', kind: 'openai', supports: new Set(['temperature']), generate: () => Promise.reject(new Error('not used')) };
  const deps: ProbabilityDependencies = {
    completions, backend: (id) => (id === 'local' ? local : noProbabilities), redact: (text) => text.replace(/sk-\w+/g, '***'),
  };
  const run: CompletionSource = { kind: 'run', id: 'r1' };
  const config: GenerationConfig = { temperature: 0, maxOutputTokens: 12, logprobs: 5 };

  before(async () => {
    local = new LocalBackend({ id: 'local', kind: 'local', modelPath: STORIES_MODEL, threads: 1 }, {}, { env: {} });
    const result = await local.generate({ model: '', messages, config });
    assert.equal(result.error, undefined);
    completions.keep(run, { backend: 'local', model: '', messages, config }, result);
  });
  after(() => local.dispose());

  it('answers logprobs/get with the kept tokens, which spell the completion', async () => {
    const view = await logprobsOf(deps, run);
    assert.equal(view.kind, 'tokens');
    if (view.kind !== 'tokens') return;
    assert.equal(view.tokens.length, 12);
    assert.equal(view.tokens.map((token) => token.token).join(''), completions.get(run)!.text);
    for (const token of view.tokens) {
      assert.ok(token.top.length > 0 && token.top.length <= 5);
      assert.equal(token.top[0]!.token, token.token, 'at temperature 0 the chosen token is the most probable');
    }
  });

  it('answers nextTokens/get at a position with the exact distribution whose top token the run chose', async () => {
    const view = await logprobsOf(deps, run);
    assert.equal(view.kind, 'tokens');
    if (view.kind !== 'tokens') return;
    for (const position of [0, 5]) {
      const answer = await nextTokensAt(deps, run, position);
      assert.equal(answer.kind, 'distribution', JSON.stringify(answer));
      if (answer.kind !== 'distribution') return;
      const { distribution } = answer;
      assert.equal(distribution.exact, true);
      assert.equal(distribution.tokens.length + (distribution.rest.count ?? 0), 512, 'the whole vocabulary');
      assert.equal(distribution.tokens[0]!.text, view.tokens[position]!.token, `greedy's token at ${position}`);
      assert.ok(Math.abs(distribution.tokens[0]!.probability - Math.exp(view.tokens[position]!.logprob)) < 1e-3, 'the same probability the run reported');
      // The webview's math over it: greedy keeps exactly that token.
      const greedy = applySampler(distribution, { ...NEUTRAL_SETTINGS, greedy: true });
      assert.equal(greedy.tokens.filter((token) => token.afterSampler > 0).length, 1);
    }
    assert.deepEqual(await nextTokensAt(deps, run, 13), { kind: 'unavailable', reason: 'The completion has 12 tokens; position 13 is past its end.' });
  });

  it('answers nextTokens/continue with a branch that starts with the forced token', async () => {
    const answer = await nextTokensAt(deps, run, 3);
    if (answer.kind !== 'distribution') return assert.fail(JSON.stringify(answer));
    const second = answer.distribution.tokens[1]!;
    const branch = await continueAt(deps, { source: run, position: 3, token: { id: second.id, text: second.text }, settings: { ...NEUTRAL_SETTINGS, temperature: 0 } });
    assert.equal(branch.kind, 'branch', JSON.stringify(branch));
    if (branch.kind !== 'branch') return;
    const kept = completions.get(run)!;
    assert.equal(branch.before, kept.logprobs!.slice(0, 3).map((token) => token.token).join(''));
    assert.ok(branch.text.startsWith(second.text), `${JSON.stringify(branch.text)} starts with ${JSON.stringify(second.text)}`);
    assert.notEqual(branch.before + branch.text, kept.text.slice(0, (branch.before + branch.text).length), 'it differs from the original there');
    // The branch is a completion of its own: its sampled tokens (after the forced one), and the explorer inside it.
    const own = await logprobsOf(deps, { kind: 'branch', id: branch.id });
    assert.equal(own.kind, 'tokens');
    const inside = await nextTokensAt(deps, { kind: 'branch', id: branch.id }, 1);
    assert.equal(inside.kind, 'distribution', JSON.stringify(inside));
    if (own.kind === 'tokens' && inside.kind === 'distribution') {
      assert.equal(second.text + own.tokens.map((token) => token.token).join(''), branch.text);
      assert.equal(inside.distribution.tokens[0]!.text, own.tokens[1]!.token);
    }
  });

  it('says why when there is nothing to show', async () => {
    completions.keep({ kind: 'run', id: 'plain' }, { backend: 'plain', model: 'm', messages, config: {} }, {
      text: 'hi sk-secret', finishReason: 'stop', usage: { promptTokens: 1, completionTokens: 1, estimated: true }, latencyMs: 1, backend: 'plain', model: 'm', parameters: {}, warnings: [],
    });
    assert.deepEqual(await logprobsOf(deps, { kind: 'run', id: 'plain' }), { kind: 'none', reason: 'plain gives no token probabilities.' });
    assert.deepEqual(await nextTokensAt(deps, { kind: 'run', id: 'plain' }, 0), { kind: 'unavailable', reason: 'plain (openai) cannot show the next-token distribution.' });
    assert.deepEqual(await nextTokensAt(deps, { kind: 'run', id: 'plain' }, 1), { kind: 'unavailable', reason: 'This completion has no per-token data, so only the end of the prompt can be explored.' });
    assert.deepEqual(await continueAt(deps, { source: { kind: 'run', id: 'plain' }, position: 0, token: { text: 'x' }, settings: NEUTRAL_SETTINGS }), { kind: 'unavailable', reason: 'plain (openai) cannot continue a completion from a chosen token.' });
    assert.deepEqual(await logprobsOf(deps, { kind: 'cell', comparison: 'gone', cell: 0 }), { kind: 'none', reason: 'This cell\'s completion is no longer kept (only the latest comparisons are); run it again.' });
  });
});
