import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { checkPrompt } from '../../src/core/check/checkPrompt';
import { memoryEnvironment } from '../../src/core/promptEnvironment';
import { InputError, PromptError, renderChecked, renderPrompt } from '../../src/core/render';
import { promptParts } from '../../src/core/structure';

/** DESIGN.md's example prompt, with a dialogue and two examples as defaults. */
const summarize = readFileSync(path.resolve(__dirname, '../../../test/fixtures/summarize.prompt'), 'utf8');

const env = memoryEnvironment();

describe('renderPrompt', () => {
  it('applies input.default, and inputs override it', async () => {
    const byDefault = await renderPrompt(summarize, env);
    assert.deepEqual(byDefault.text.map((m) => m.role), ['system', 'user', 'model', 'user', 'model', 'user']);
    assert.equal(byDefault.text.at(-1)!.content, 'A: Coffee?\nB: Sure.\nSummary:');
    const given = await renderPrompt(summarize, env, { input: { dialogue: 'X: Hi' } });
    assert.equal(given.text.at(-1)!.content, 'X: Hi\nSummary:');
    assert.equal(given.model, 'openai/gpt-4o-mini');
  });

  it('renders 0, 1 or all examples without editing the file', async () => {
    for (const [shots, messages] of [[0, 2], [1, 4], [2, 6], [9, 6]] as const) {
      const result = await renderPrompt(summarize, env, { shots });
      assert.equal(result.messages.length, messages, `shots=${shots}`);
      assert.deepEqual(result.examples, { input: 'examples', available: 2, used: Math.min(shots, 2) });
    }
  });

  it('names the field when an input does not fit the schema', async () => {
    await assert.rejects(renderPrompt(summarize, env, { input: { dialogue: 42 } }), (error: InputError) => {
      assert.ok(error instanceof InputError);
      assert.deepEqual(error.problems.map((p) => p.path), ['dialogue']);
      assert.match(error.message, /dialogue must be string, but is integer 42/);
      return true;
    });
    const badExample = { examples: [{ dialogue: 'x' }] };
    await assert.rejects(renderPrompt(summarize, env, { input: badExample }), /examples\[0\]\.summary is required but missing/);
    const noDialogue = summarize.replace('    dialogue: "A: Coffee?\\nB: Sure."\n', '');
    await assert.rejects(renderPrompt(noDialogue, env), /dialogue is required but missing/);
    await assert.rejects(renderPrompt(summarize, env, { input: { dialgue: 'x' } }), /dialgue is not declared in the schema/);
  });

  it('refuses a file with errors, saying where', async () => {
    await assert.rejects(renderPrompt('---\nmodel: x\n---\nHello {{name}\n', env), (error: PromptError) => {
      assert.ok(error instanceof PromptError);
      assert.match(error.message, /^4:13: /);
      return true;
    });
  });

  it('renders partials found by the environment, and refuses cycles', async () => {
    const partials = memoryEnvironment({ sig: 'Thanks, {{name}}.', a: '{{> b}}', b: '{{> a}}' });
    const result = await renderPrompt('---\ninput:\n  default: { name: Ada }\n---\nHi.\n{{> sig}}', partials);
    assert.equal(result.text[0]!.content, 'Hi.\nThanks, Ada.');
    await assert.rejects(renderPrompt('{{> a}}', partials), /cycle \(a → b → a\)/);
  });

  it('places history where Dotprompt does', async () => {
    const history = [{ role: 'user' as const, content: [{ text: 'earlier' }] }, { role: 'model' as const, content: [{ text: 'reply' }] }];
    const result = await renderPrompt('{{role "system"}}Be brief.\n{{history}}{{role "user"}}Now this.', env, { history });
    assert.deepEqual(result.text.map((m) => `${m.role}:${m.content.trim()}`), ['system:Be brief.', 'user:earlier', 'model:reply', 'user:Now this.']);
  });
});

describe('prompt structure', () => {
  async function parts(text: string) {
    const checked = await checkPrompt(text, env);
    const full = await renderChecked(checked);
    const found = await promptParts(checked, full, (shots) => renderChecked(checked, { shots }));
    return Object.fromEntries(found.map((part) => [part.name, part.text]));
  }

  it('tells instruction, examples (whole messages), content and cue apart', async () => {
    assert.deepEqual(await parts(summarize), {
      instruction: 'You summarize dialogues in one sentence.\n',
      examples: 'A: Lunch at 1?\nB: Make it 2.They move lunch to 2.A: Done?\nB: Yes.B is done.',
      content: '\nA: Coffee?\nB: Sure.\n',
      cue: 'Summary:',
    });
  });

  it('finds examples rendered inside one message, and the instruction of a prompt without a system role', async () => {
    const inline = `---
input:
  schema:
    review: string
    shots(array):
      text: string
      label: string
  default:
    review: Great phone.
    shots: [{ text: Awful., label: negative }, { text: Fine., label: neutral }]
promptlab.examples: shots
---
Classify the sentiment of the review.

{{#each shots}}Review: {{text}}
Sentiment: {{label}}

{{/each}}Review: {{review}}
Sentiment:`;
    assert.deepEqual(await parts(inline), {
      instruction: 'Classify the sentiment of the review.\n\n',
      examples: 'Review: Awful.\nSentiment: negative\n\nReview: Fine.\nSentiment: neutral\n\n',
      content: 'Review: Great phone.\n',
      cue: 'Sentiment:',
    });
  });

  it('has no examples part without promptlab.examples, and no cue when the template ends in a variable', async () => {
    assert.deepEqual(await parts('---\ninput:\n  default: { story: Once }\n---\n{{story}}'), {
      instruction: '', examples: '', content: 'Once', cue: '',
    });
  });
});
