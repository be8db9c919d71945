// The packaged .vsix in a real VS Code (code-server), driven in Chromium like a user would.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { ROOT, Workbench } from './workbench';

const VSIX = process.env.PROMPT_LAB_VSIX ?? path.join(ROOT, 'out', 'prompt-lab.vsix');
const MODEL = path.resolve(ROOT, '../shared/models/stories260K.gguf');

describe('e2e: the packaged extension in code-server', () => {
  let workbench: Workbench;

  before(async function () {
    this.timeout(180_000);
    assert.ok(existsSync(VSIX), `${VSIX} is missing: run 'npm run package' first`);
    // The local model from ../shared, as a user would set it: the packaged extension must load
    // node-llama-cpp from its own node_modules.
    workbench = await Workbench.start(VSIX, path.join(ROOT, 'test/fixtures/workspace'), { 'promptLab.local.modelPath': MODEL });
  });

  afterEach(async function () {
    if (this.currentTest?.state === 'failed') {
      console.log(`    screenshot: ${await workbench.screenshot(`failed-${this.currentTest.title.replace(/\W+/g, '-')}.png`)}`);
    }
  });

  after(async () => {
    await workbench?.stop();
  });

  it('opens a .prompt file in the Dotprompt language', async () => {
    await workbench.quickOpen('summarize.prompt');
    await workbench.page.locator('.monaco-editor .view-lines', { hasText: 'You summarize dialogues' }).waitFor();
    assert.equal(await workbench.languageMode(), 'Dotprompt');
  });

  it('runs "Prompt Lab: Open Panel" from the palette and shows the prompt in the panel beside it', async () => {
    await workbench.runCommand('Prompt Lab: Open Panel');
    const panel = workbench.webview();
    await panel.locator('#prompt-name', { hasText: 'summarize.prompt' }).waitFor({ timeout: 30_000 });
    assert.equal(await panel.locator('h1').innerText(), 'Prompt Lab');
    assert.equal(await panel.locator('.prompt-lines').innerText(), '13 lines'); // 12 lines of text and the empty last one, as VS Code counts
    assert.match(await panel.locator('.prompt-text').innerText(), /\{\{role "system"\}\}You summarize dialogues in one sentence\./);
    // Beside, not over: the prompt's tab is still visible in its own group.
    assert.equal(await workbench.page.locator('.editor-group-container').count(), 2);
    await workbench.page.locator('.tab.active', { hasText: 'Prompt Lab' }).waitFor();
    await workbench.page.locator('.tab.active', { hasText: 'summarize.prompt' }).waitFor();
    console.log(`    screenshot: ${await workbench.screenshot('panel.png')}`);
  });

  it('brings the panel back with its prompt after "Developer: Reload Window"', async () => {
    // Close the prompt first: after the reload no editor can tell the panel what to show, so what it
    // shows comes from the state its webview saved and the serializer handed back.
    await workbench.page.locator('.tab', { hasText: 'summarize.prompt' }).locator('.tab-actions .action-label').click();
    await workbench.page.locator('.tab', { hasText: 'summarize.prompt' }).waitFor({ state: 'detached' });
    await workbench.runCommand('Developer: Reload Window');
    await workbench.waitUntilLoaded();
    const panel = workbench.webview();
    await panel.locator('#prompt-name', { hasText: 'summarize.prompt' }).waitFor({ timeout: 60_000 });
    assert.match(await panel.locator('.prompt-text').innerText(), /Summary:/);
    assert.equal(await workbench.page.locator('.tab', { hasText: 'summarize.prompt' }).count(), 0);
    console.log(`    screenshot: ${await workbench.screenshot('panel-after-reload.png')}`);
  });

  it('runs a story prompt on the embedded local model from the palette and streams it into the panel', async () => {
    await workbench.quickOpen('story.prompt');
    // Run Prompt is offered in the palette for dotprompt editors: make sure the editor has focus.
    await workbench.page.locator('.editor-group-container.active .monaco-editor .view-lines', { hasText: 'Once upon a time' }).click();
    await workbench.runCommand('Prompt Lab: Run Prompt');
    const panel = workbench.webview();
    await panel.locator('.run-status', { hasText: 'done' }).waitFor({ timeout: 60_000 });
    assert.equal(await panel.locator('.run-title').innerText(), 'Run · story.prompt');
    assert.match(await panel.locator('.run-target').innerText(), /local/);
    const completion = await panel.locator('.run-text').innerText();
    assert.ok(completion.trim().split(/\s+/).length >= 10, `a story continuation, not ${JSON.stringify(completion)}`);
    assert.equal(await panel.locator('.run-error').count(), 0);
    console.log(`    completion: ${JSON.stringify(completion.slice(0, 80))}…`);
    console.log(`    screenshot: ${await workbench.screenshot('run-local.png')}`);
  });

  it('compares temperatures on the story prompt from the palette and fills every column', async () => {
    // story.prompt is open from the test above; the palette offers the command in its editor.
    await workbench.page.locator('.editor-group-container.active .monaco-editor .view-lines', { hasText: 'Once upon a time' }).click();
    await workbench.runCommand('Prompt Lab: Compare Temperatures');
    await workbench.answerInput('Temperature (1/2)'); // the default temperatures, from the setting
    await workbench.answerInput('samples (2/2)', '2');
    const panel = workbench.webview();
    await panel.locator('.compare-status', { hasText: 'done' }).waitFor({ timeout: 90_000 });
    assert.deepEqual(await panel.locator('.column-label').allInnerTexts(), ['temperature 0', 'temperature 0.5', 'temperature 1', 'temperature 1.5']);
    const texts = await panel.locator('.cell-text').allInnerTexts();
    assert.equal(texts.length, 8, 'four columns of two samples');
    for (const text of texts) assert.ok(text.trim().split(/\s+/).length >= 5, `a story continuation in every cell, not ${JSON.stringify(text)}`);
    assert.equal(texts[0], texts[4], 'temperature 0 is greedy: its two samples agree');
    assert.equal(await panel.locator('.cell-error').count(), 0);
    // The metrics arrived for every column, and the token view shows the local model as free.
    assert.equal(await panel.locator('.column-metrics-cell', { hasText: '–' }).count(), 0);
    assert.match(await panel.locator('.comparison').innerText(), /free \(local\)/);
    console.log(`    screenshot: ${await workbench.screenshot('compare-local.png')}`);
  });

  it('brings the comparison back after "Developer: Reload Window", as it was', async () => {
    const panel = workbench.webview();
    const before = await panel.locator('.cell-text').allInnerTexts();
    await workbench.runCommand('Developer: Reload Window');
    await workbench.waitUntilLoaded();
    const reloaded = workbench.webview();
    await reloaded.locator('.compare-status', { hasText: 'done' }).waitFor({ timeout: 60_000 });
    assert.deepEqual(await reloaded.locator('.cell-text').allInnerTexts(), before);
    assert.deepEqual(await reloaded.locator('.column-label').allInnerTexts(), ['temperature 0', 'temperature 0.5', 'temperature 1', 'temperature 1.5']);
  });

  it('compares a prompt with its variant through "Prompt Lab: Compare…", each column from its own file', async () => {
    await workbench.quickOpen('tale.prompt');
    await workbench.page.locator('.editor-group-container.active .monaco-editor .view-lines', { hasText: 'Once upon a time' }).click();
    await workbench.runCommand('Prompt Lab: Compare…');
    await workbench.pickMany('choose one or two settings', ['Prompt variant']);
    await workbench.answerInput('Prompt variant (1/2)'); // offered: default (this file) and short, found beside it
    await workbench.answerInput('samples (2/2)', '1');
    const panel = workbench.webview();
    await panel.locator('.compare-title', { hasText: 'tale.prompt' }).waitFor({ timeout: 60_000 });
    await panel.locator('.compare-status', { hasText: 'done' }).waitFor({ timeout: 60_000 });
    assert.deepEqual(await panel.locator('.column-label').allInnerTexts(), ['variant default', 'variant short']);
    // Each column ran its own file: tale.prompt allows 8 tokens, tale.short.prompt 4.
    const completionTokens = await panel.locator('.cell .tokens-out dd').allInnerTexts();
    assert.deepEqual(completionTokens, ['8', '4']);
    console.log(`    screenshot: ${await workbench.screenshot('compare-variants.png')}`);
  });

  it('keeps streaming a comparison into the panel across the panel being hidden and shown again', async () => {
    // story.prompt is still open beside the panel (the webview may have the keyboard: click its tab).
    await workbench.page.locator('.tab', { hasText: 'story.prompt' }).click();
    await workbench.page.locator('.tab.active', { hasText: 'story.prompt' }).waitFor();
    await workbench.runCommand('Prompt Lab: Compare…');
    await workbench.pickMany('choose one or two settings', ['Max output tokens']);
    await workbench.answerInput('Max output tokens (1/2)', '500, 700'); // long cells: still running when shown again
    await workbench.answerInput('samples (2/2)', '8');
    await workbench.webview().locator('.cell-status', { hasText: 'running' }).first().waitFor({ timeout: 30_000 });
    // Another editor over the panel in its group: VS Code unloads the hidden webview's document.
    // (A panel VS Code restored after the reload above comes back as a preview tab, which a file
    // opened from the explorer would replace: keep it open first, as a user would.)
    await workbench.page.locator('.tab', { hasText: 'Prompt Lab' }).click();
    await workbench.runCommand('View: Keep Editor');
    await workbench.page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'summarize.prompt' }).click();
    await workbench.page.locator('.tab.active', { hasText: 'summarize.prompt' }).waitFor();
    await workbench.page.waitForTimeout(800);
    await workbench.page.locator('.tab', { hasText: 'Prompt Lab' }).click();
    const panel = workbench.webview();
    await panel.locator('.compare-shape', { hasText: '2 settings × 8 samples' }).waitFor({ timeout: 30_000 });
    const shown = await panel.locator('.cell-text').allInnerTexts();
    const statuses = await panel.locator('.cell-status').allInnerTexts();
    assert.ok(statuses.some((status) => status !== 'done'), `still running when shown again: ${statuses.join(', ')}`);
    await panel.locator('.compare-status', { hasText: 'done' }).waitFor({ timeout: 150_000 });
    const final = await panel.locator('.cell-text').allInnerTexts();
    assert.equal(final.length, 16);
    // What the panel showed again was each cell's text so far: nothing lost, nothing twice.
    shown.forEach((text, index) => assert.ok(final[index]!.startsWith(text), `cell ${index}: ${JSON.stringify(text.slice(0, 60))}…`));
    assert.ok(final.every((text) => text.trim().length > 0));
  });
});
