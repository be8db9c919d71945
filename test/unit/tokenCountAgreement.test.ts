// The editor's status-bar count against the panel's for the same prompt (issue 10): why a local
// prompt read 39 tokens in the status bar and 45 in the panel (the tokenizer and the overhead, not
// the parts), and what the status bar says now. The panel's count is promptBudget's, on the real
// local model for a local prompt; the status bar's is the live count's path (render, parts, tiktoken).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { Backend } from '../../src/backends/backend';
import { LocalBackend } from '../../src/backends/local/localBackend';
import { promptBudget } from '../../src/backends/promptBudget';
import { checkPrompt } from '../../src/core/check/checkPrompt';
import { memoryEnvironment } from '../../src/core/promptEnvironment';
import { countInProcess, countPromptTokens } from '../../src/core/promptTokens';
import { renderChecked } from '../../src/core/render';
import { promptParts } from '../../src/core/structure';
import { promptTokenGroups } from '../../src/core/tokens/tokenGroups';
import { shownCount } from '../../src/extension/language/tokenCountText';

const root = path.resolve(__dirname, '../../..');
const STORIES_MODEL = path.resolve(root, '../shared/models/stories260K.gguf');

async function prepared(file: string) {
  const checked = await checkPrompt(readFileSync(path.join(root, 'prompts', file), 'utf8'), memoryEnvironment());
  const rendered = await renderChecked(checked, { input: {} });
  const parts = await promptParts(checked, rendered, (shots) => renderChecked(checked, { input: {}, shots }));
  // What the status bar counts (PromptTokenCounts: the same calls, in the worker).
  const status = await countPromptTokens(rendered.model ?? checked.frontmatter.model, rendered.text, parts, countInProcess);
  return { rendered, parts, status };
}

describe('the status bar\'s token count and the panel\'s', function () {
  this.timeout(60_000);

  it('agree for an OpenAI model: the same tokenizer and overhead, and the status bar shows the plain number', async () => {
    const { rendered, parts, status } = await prepared('classify-sentiment.prompt');
    const openai = { id: 'openai', kind: 'openai', supports: new Set(), generate: () => Promise.reject(new Error('not used')) } as unknown as Backend;
    const panel = await promptBudget({ backend: openai, model: '', rendered, parts, countTexts: countInProcess });
    assert.equal(status.exact, true);
    assert.equal(panel.total, status.total);
    assert.equal(panel.tokenizer, status.tokenizer);
    assert.equal(shownCount(status, []).text, `$(symbol-numeric) ${status.total} tokens`);
  });

  it('differ for a local model by its tokenizer and overhead, not its parts; the status bar then names its tokenizer', async () => {
    const { rendered, parts, status } = await prepared('continue-story.prompt');
    const local = new LocalBackend({ id: 'local', kind: 'local', modelPath: STORIES_MODEL, threads: 1 }, {}, { env: {} });
    try {
      const panel = await promptBudget({ backend: local, model: '', rendered, parts, countTexts: countInProcess, localModelName: 'stories260K' });
      assert.equal(status.exact, false);
      assert.equal(status.tokenizer, 'o200k_base');
      assert.equal(panel.tokenizer, 'stories260K\'s own');
      // The same parts on both sides…
      assert.deepEqual(panel.parts.map((part) => part.name), status.parts.map((part) => part.name));
      // …split differently (SentencePiece over 512 tokens against o200k_base)…
      const text = (parts: { tokens: number }[]) => parts.reduce((sum, part) => sum + part.tokens, 0);
      assert.ok(text(panel.parts) > text(status.parts), `${text(panel.parts)} against ${text(status.parts)} tokens of text`);
      // …with OpenAI's chat wrapping (3 per message and 3 to prime the reply) on the status bar's side only.
      assert.equal(status.overhead, 3 * rendered.text.length + 3);
      assert.notEqual(panel.total, status.total);
      console.log(`      status bar ${status.total} (${status.tokenizer}: ${text(status.parts)} + ${status.overhead} overhead), panel ${panel.total} (${panel.tokenizer}: ${text(panel.parts)} + ${panel.overhead})`);
      const shown = shownCount({ ...status, exact: true }, [], {});
      assert.equal(shown.exact, false, 'a local prompt\'s tiktoken count is an estimate');
      assert.equal(shown.text, `$(symbol-numeric) ~${status.total} tokens (o200k_base)`);
      assert.match(shown.tooltip, /counted with o200k_base as an OpenAI chat request/);
      assert.match(shown.tooltip, /local model's count in the panel is its own/);
      // The prompt's token chips for a local prompt (PromptTokenCounts.localView) are the model's own
      // tokens: their total is the run view's budget; once the panel has them, the status bar shows
      // that total and names the same tokenizer.
      const chips = promptTokenGroups((await local.tokenizePrompt(rendered.text)).tokens, rendered.text, parts);
      assert.equal(chips.total, panel.total, 'the chips and the run view\'s budget count the same tokens');
      assert.deepEqual(chips.groups.map((group) => group.part), [...panel.parts.filter((part) => part.tokens > 0).map((part) => part.name), 'overhead']);
      const agreed = shownCount(status, [], { local: { total: chips.total, tokenizer: 'stories260K tokenizer' } });
      assert.deepEqual([agreed.total, agreed.exact], [panel.total, true]);
      assert.equal(agreed.text, `$(symbol-numeric) ${panel.total} tokens (stories260K tokenizer)`);
      assert.match(agreed.tooltip, /counted by the local model \(the stories260K tokenizer/);
    } finally {
      await local.dispose();
    }
  });
});
