import * as assert from 'node:assert/strict';
import { PROMPT_PREVIEW_LIMIT, PROTOCOL_VERSION, type PanelState, type PromptSnapshot } from '../../src/shared/protocol';
import { panelPages, type FakeHostPage } from './fakeHost';

const prompt: PromptSnapshot = {
  uri: 'file:///ws/summarize.prompt',
  fileName: 'summarize.prompt',
  languageId: 'dotprompt',
  lineCount: 7,
  text: '---\nmodel: openai/gpt-4o-mini\n---\n{{role "system"}}You summarize dialogues.\n{{role "user"}}{{dialogue}}\nSummary:\n',
  truncated: false,
};

describe('panel webview (Chromium, fake host)', () => {
  const pages = panelPages();
  let panel: FakeHostPage;

  it('says ready first, then shows an empty state until the host names a prompt', async () => {
    panel = await pages.open();
    await panel.ready();
    const { posted } = await panel.recorded();
    assert.deepEqual(posted, [{ type: 'webview/ready', payload: { protocolVersion: PROTOCOL_VERSION } }]);
    assert.equal(await panel.text('h1'), 'Prompt Lab');
    assert.match(await panel.text('#app'), /Open a \.prompt file/);
  });

  it('shows the active prompt from panel/init and saves it as state', async () => {
    panel = await pages.open();
    await panel.ready();
    await panel.send({ type: 'panel/init', payload: { active: prompt } });
    await panel.page.locator('#prompt-name', { hasText: 'summarize.prompt' }).waitFor();
    assert.equal(await panel.text('.prompt-lines'), '7 lines');
    assert.equal(await panel.text('.prompt-language'), 'dotprompt');
    assert.equal(await panel.page.locator('.prompt-text').textContent(), prompt.text);
    const { states } = await panel.recorded();
    assert.deepEqual(states.at(-1), { version: 1, prompt });
  });

  it('follows prompt/show to another prompt', async () => {
    panel = await pages.open();
    await panel.ready();
    await panel.send({ type: 'panel/init', payload: { active: prompt } });
    await panel.send({ type: 'prompt/show', payload: { prompt: { ...prompt, fileName: 'classify.prompt', lineCount: 1, text: 'x' } } });
    await panel.page.locator('#prompt-name', { hasText: 'classify.prompt' }).waitFor();
    assert.equal(await panel.text('.prompt-lines'), '1 line');
  });

  it('restores what it showed from saved state before the host answers (after a reload)', async () => {
    const saved: PanelState = { version: 1, prompt };
    panel = await pages.open(saved);
    await panel.ready();
    assert.equal(await panel.text('#prompt-name'), 'summarize.prompt');
    // With no active prompt in the editor, the host's init keeps the restored one.
    await panel.send({ type: 'panel/init', payload: {} });
    assert.equal(await panel.text('#prompt-name'), 'summarize.prompt');
  });

  it('discards saved state of an unknown version instead of half-reading it', async () => {
    panel = await pages.open({ version: 99, prompt: 42 } as unknown as PanelState);
    await panel.ready();
    assert.match(await panel.text('#app'), /Open a \.prompt file/);
  });

  it('shows markup in prompt text as characters and runs none of it', async () => {
    const hostile = [
      '<img src=x onerror="window.__pwned=1">',
      '<script>window.__pwned=2</script>',
      '<a href="javascript:window.__pwned=3">click</a>',
      '</pre></div></main><b id="escaped">bold</b>',
    ].join('\n');
    panel = await pages.open();
    await panel.ready();
    await panel.send({ type: 'prompt/show', payload: { prompt: { ...prompt, fileName: '<svg onload="window.__pwned=4">.prompt', text: hostile } } });
    await panel.page.locator('.prompt-text').waitFor();
    assert.equal(await panel.page.locator('.prompt-text').textContent(), hostile);
    assert.equal(await panel.text('#prompt-name'), '<svg onload="window.__pwned=4">.prompt');
    assert.equal(await panel.page.locator('#app img, #app script, #app a, #app svg, #escaped').count(), 0);
    await panel.page.locator('.prompt-text').click();
    await panel.page.waitForTimeout(100); // give an onerror/onload a chance to fire, were there one
    assert.equal(await panel.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  });

  it('ignores messages that are not the host\'s', async () => {
    panel = await pages.open();
    await panel.ready();
    for (const junk of [null, 'prompt/show', { type: 'prompt/show' }, { type: 'evil/run', payload: {} }, { type: 'prompt/show', payload: null }]) {
      await panel.send(junk);
    }
    await panel.send({ type: 'prompt/show', payload: { prompt } });
    await panel.page.locator('#prompt-name', { hasText: 'summarize.prompt' }).waitFor();
  });

  it('says when a long prompt was cut', async () => {
    panel = await pages.open();
    await panel.ready();
    await panel.send({ type: 'prompt/show', payload: { prompt: { ...prompt, text: 'a'.repeat(PROMPT_PREVIEW_LIMIT), lineCount: 90000, truncated: true } } });
    await panel.page.locator('.note').waitFor();
    assert.equal(await panel.text('.note'), 'Showing the first 20,000 characters.');
    assert.equal(await panel.text('.prompt-lines'), '90,000 lines');
  });

  it('renders toolkit components under the strict CSP, and the text is reachable by keyboard', async () => {
    panel = await pages.open();
    await panel.ready();
    await panel.send({ type: 'prompt/show', payload: { prompt } });
    const divider = panel.page.locator('vscode-divider');
    await divider.waitFor();
    assert.equal(await divider.evaluate((node) => customElements.get(node.localName) !== undefined && node.shadowRoot !== null), true);
    await panel.page.keyboard.press('Tab');
    assert.equal(await panel.page.evaluate(() => document.activeElement?.className), 'prompt-text');
  });
});
