// The panel's prompt as it is sent: after `prompt/rendered`, the messages with their parts marked and
// counted replace the .prompt source (folded away under "Source"); a prompt that cannot be rendered
// keeps its source and says why; a late answer about another prompt is ignored; a reload keeps it.
import * as assert from 'node:assert/strict';
import type { PromptSnapshot, RenderedPromptView } from '../../src/shared/protocol';
import { panelPages, type FakeHostPage } from './fakeHost';

const prompt: PromptSnapshot = {
  uri: 'file:///w/summarize.prompt', fileName: 'summarize.prompt', languageId: 'dotprompt', lineCount: 5,
  text: '---\nmodel: openai/gpt-4o-mini\n---\n{{role "system"}}Summarize.\n{{role "user"}}{{dialogue}}\nSummary:', truncated: false,
};
const rendered: RenderedPromptView = {
  messages: [
    { role: 'system', segments: [{ text: 'Summarize.', part: 'instruction' }] },
    { role: 'user', segments: [{ text: 'A: <b>hi</b>\n', part: 'content' }, { text: 'Summary:', part: 'cue' }] },
  ],
  parts: [{ name: 'instruction', tokens: 3 }, { name: 'content', tokens: 7 }, { name: 'cue', tokens: 2 }],
  overhead: 9, total: 21, tokenizer: 'o200k_base', exact: true,
};

describe('panel webview: the rendered prompt (Chromium, fake host)', () => {
  const pages = panelPages();

  async function shown(): Promise<FakeHostPage> {
    const panel = await pages.open();
    await panel.ready();
    await panel.send({ type: 'panel/init', payload: { active: prompt } });
    await panel.send({ type: 'prompt/rendered', payload: { uri: prompt.uri, rendered } });
    await panel.page.locator('.prompt-rendered').first().waitFor();
    return panel;
  }

  it('shows the messages with each part marked, the count per part and of the overhead, and folds the source away', async () => {
    const panel = await shown();
    assert.deepEqual(await panel.page.locator('.prompt-role').allTextContents(), ['system', 'user']);
    assert.deepEqual(await panel.page.locator('.prompt-rendered').allTextContents(), ['Summarize.', 'A: <b>hi</b>\nSummary:']);
    assert.deepEqual(await panel.page.locator('mark.part').evaluateAll((marks) => marks.map((mark) => [mark.getAttribute('data-part'), mark.textContent])),
      [['instruction', 'Summarize.'], ['content', 'A: <b>hi</b>\n'], ['cue', 'Summary:']]);
    assert.equal(await panel.page.locator('.prompt-rendered b').count(), 0, 'model-facing text stays text');
    assert.deepEqual(await panel.page.locator('.prompt-parts li').allTextContents(), ['instruction 3', 'content 7', 'cue 2', 'message overhead 9']);
    assert.equal(await panel.text('.prompt-tokens'), '21 tokens (o200k_base)');
    assert.equal(await panel.page.locator('.prompt-source').getAttribute('open'), null);
    assert.equal(await panel.page.locator('.prompt-text').isVisible(), false);
    await panel.page.locator('.prompt-source > summary').click();
    assert.equal(await panel.page.locator('.prompt-text').textContent(), prompt.text);
  });

  it('marks an estimate, ignores a late answer about another prompt, and keeps the rendered prompt over a reload', async () => {
    const panel = await shown();
    await panel.send({ type: 'prompt/rendered', payload: { uri: 'file:///w/other.prompt', rendered: { ...rendered, total: 99 } } });
    await panel.send({ type: 'prompt/rendered', payload: { uri: prompt.uri, rendered: { ...rendered, exact: false } } });
    await panel.flush();
    assert.equal(await panel.text('.prompt-tokens'), '~21 tokens (o200k_base)');
    const { states } = await panel.recorded();
    const reloaded = await pages.open(states.at(-1));
    await reloaded.ready();
    assert.deepEqual(await reloaded.page.locator('.prompt-parts li').allTextContents(), ['instruction 3', 'content 7', 'cue 2', 'message overhead 9']);
  });

  it('shows the tokens as chips grouped by part with each part\'s count: whitespace visible, id on hover, text never markup, arrow keys between chips', async () => {
    const tokens: NonNullable<RenderedPromptView['tokens']> = {
      groups: [
        { part: 'instruction', count: 2, tokens: [{ index: 1, id: 9723, text: 'Summ' }, { index: 2, id: 20223, text: 'arize.' }] },
        { part: 'content', count: 4, tokens: [{ index: 4, id: 32, text: 'A:' }, { index: 5, id: 464, text: ' <b>' }, { index: 6, id: 5069, text: 'Chà' }, { index: 7, id: 0, text: '' }] },
        { part: 'cue', count: 2, tokens: [{ index: 8, id: 198, text: '\n' }, { index: 9, id: 17671, text: 'Summary:' }] },
        { part: 'overhead', count: 9, tokens: [{ index: 0, id: 17360, text: 'system' }, { index: 3, id: 1428, text: 'user' }] },
      ],
    };
    const panel = await pages.open();
    await panel.ready();
    await panel.send({ type: 'panel/init', payload: { active: prompt } });
    await panel.send({ type: 'prompt/rendered', payload: { uri: prompt.uri, rendered: { ...rendered, tokens } } });
    await panel.page.locator('.token-chip').first().waitFor();
    const groups = await panel.page.locator('.token-group').evaluateAll((sections) => sections.map((section) => [
      section.getAttribute('data-part'), section.querySelector('.token-group-name')!.textContent,
      [...section.querySelectorAll('.token-chip')].map((chip) => [chip.textContent, chip.getAttribute('title')]),
    ]));
    assert.deepEqual(groups, [
      ['instruction', 'instruction 2', [['Summ', 'id 9723'], ['arize.', 'id 20223']]],
      ['content', 'content 4', [['A:', 'id 32'], ['·<b>', 'id 464'], ['Chà', 'id 5069'], ['∅', 'id 0']]],
      ['cue', 'cue 2', [['⏎', 'id 198'], ['Summary:', 'id 17671']]],
      ['overhead', 'message overhead 9 (7 not listed: message wrapping and reply priming)', [['system', 'id 17360'], ['user', 'id 1428']]],
    ]);
    assert.equal(await panel.page.locator('.token-chip b').count(), 0, 'token text stays text');
    assert.equal(await panel.page.locator('.token-group[data-part="content"]').getAttribute('aria-label'), 'content, 4 tokens');
    // One tab stop; the arrow keys, Home and End move focus along the chips, and the id is read out.
    assert.deepEqual(await panel.page.locator('.token-chip').evaluateAll((chips) => chips.map((chip) => chip.getAttribute('tabindex'))), ['0', '-1', '-1', '-1', '-1', '-1', '-1', '-1', '-1', '-1']);
    await panel.page.locator('.token-chip').first().focus();
    await panel.page.keyboard.press('ArrowRight');
    await panel.page.keyboard.press('ArrowRight');
    const focused = () => panel.page.evaluate(() => [document.activeElement?.textContent, document.activeElement?.getAttribute('aria-label'), document.activeElement?.getAttribute('tabindex')]);
    assert.deepEqual(await focused(), ['A:', '"A:", id 32, content', '0']);
    await panel.page.keyboard.press('End');
    assert.deepEqual(await focused(), ['user', '"user", id 1428, message overhead', '0']);
    await panel.page.keyboard.press('ArrowLeft');
    assert.deepEqual((await focused()).slice(0, 1), ['system']);
    await panel.page.keyboard.press('Home');
    assert.deepEqual((await focused()).slice(0, 1), ['Summ']);
    assert.equal(await panel.page.locator('.token-chip[tabindex="0"]').count(), 1);
    // Hovering a chip shows its id (the title is the browser's tooltip).
    await panel.page.locator('.token-chip', { hasText: 'Chà' }).hover();
    assert.equal(await panel.page.locator('.token-chip:hover').getAttribute('title'), 'id 5069');
  });

  it('keeps the source and says why when the prompt cannot be rendered', async () => {
    const panel = await pages.open();
    await panel.ready();
    await panel.send({ type: 'panel/init', payload: { active: prompt } });
    await panel.send({ type: 'prompt/rendered', payload: { uri: prompt.uri, problem: 'the prompt has an error: fix it to see it rendered' } });
    await panel.page.locator('.prompt-render-problem').waitFor();
    assert.equal(await panel.page.locator('.prompt-text').textContent(), prompt.text);
    assert.equal(await panel.text('.prompt-render-problem'), 'Not rendered: the prompt has an error: fix it to see it rendered');
  });
});
