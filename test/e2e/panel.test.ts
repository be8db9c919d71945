// The packaged .vsix in a real VS Code (code-server), driven in Chromium like a user would.
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { startFaultServer, type FaultServer } from '../support/faultServer';
import { MODEL, startPackaged, workbenchHooks, Workbench } from './workbench';


/** What the gated server answers a request: its temperature and seed, so each cell's text says
 * which cell it is, then a short story. Gate 0 holds it before ':' and gate 1 before ' a'. */
const gatedReply = (body: Record<string, unknown>): string[] =>
  ['Cell', ` t=${String(body.temperature)}`, ` seed=${String(body.seed ?? '-')}`, ':', ' once', ' upon', ' a', ' time', ' there', ' was', ' a', ' test', '.'];
const GATES = [3, 6];
const GATED_PROMPT = '---\nmodel: gated/echo\nconfig:\n  maxOutputTokens: 40\n---\nTell me a story about a gate.\n';

describe('e2e: the packaged extension in code-server', () => {
  let workbench: Workbench;
  /** An OpenAI-protocol backend whose streams wait at gates the tests open: cells run for exactly
   * as long as a test needs, on a fast machine or a slow one. */
  let gated: FaultServer;

  before(async function () {
    this.timeout(180_000);
    gated = await startFaultServer({ fault: { kind: 'gated', at: GATES }, replyOf: gatedReply });
    // The gated backend is on loopback (no key), with an idle timeout far beyond any hold.
    workbench = await startPackaged({
      'promptLab.local.modelPath': MODEL,
      'promptLab.backends': [{ id: 'gated', kind: 'openai', baseURL: gated.url, defaultModel: 'echo', concurrency: 4, maxRetries: 0, timeoutMs: 600_000 }],
    });
    writeFileSync(path.join(workbench.folder, 'gated.prompt'), GATED_PROMPT);
  });

  workbenchHooks(() => workbench, 'failed', () => gated?.close());

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
    // The source sits folded under "Source" once the rendered prompt arrives: read its text, shown or not.
    assert.match(await panel.locator('.prompt-text').textContent() ?? '', /\{\{role "system"\}\}You summarize dialogues in one sentence\./);
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
    assert.match(await panel.locator('.prompt-text').textContent() ?? '', /Summary:/);
    assert.equal(await workbench.page.locator('.tab', { hasText: 'summarize.prompt' }).count(), 0);
    console.log(`    screenshot: ${await workbench.screenshot('panel-after-reload.png')}`);
  });

  it('runs a story prompt on the embedded local model from the palette and streams it into the panel', async () => {
    // Run Prompt is offered in the palette for dotprompt editors: Quick Open leaves the editor focused.
    await workbench.quickOpen('story.prompt');
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
    await workbench.quickOpen('story.prompt');
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
    // Six cells on the gated backend, four at once: cells 0–3 stream up to gate 0 and wait there,
    // 4 and 5 stay queued. Nothing races the clock: each step waits for a state the server holds.
    await workbench.page.locator('.tab', { hasText: 'story.prompt' }).click();
    await workbench.quickOpen('gated.prompt');
    await workbench.runCommand('Prompt Lab: Compare Temperatures');
    await workbench.answerInput('Temperature (1/2)', '0, 1');
    await workbench.answerInput('samples (2/2)', '3');
    await gated.whenWaiting(0, 4);
    const cellText = (frame: ReturnType<Workbench['webview']>, index: number) => frame.locator(`.cell[data-cell="${index}"] .cell-text`);
    let panel = workbench.webview();
    for (const index of [0, 1, 2, 3]) await cellText(panel, index).filter({ hasText: /^Cell t=\S+ seed=\S+$/ }).waitFor({ timeout: 30_000 });
    // textContent, not innerText: the text the page holds, whatever CSS does to its whitespace.
    const beforeHiding = await panel.locator('.cell-text').allTextContents();

    // Another editor over the panel in its group: VS Code unloads the hidden webview's document.
    // (A panel VS Code restored after the reload above comes back as a preview tab, which a file
    // opened from the explorer would replace: keep it open first, as a user would.)
    await workbench.page.locator('.tab', { hasText: 'Prompt Lab' }).click();
    await workbench.runCommand('View: Keep Editor');
    await workbench.page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'summarize.prompt' }).click();
    await workbench.page.locator('.tab.active', { hasText: 'summarize.prompt' }).waitFor();
    await workbench.page.locator('iframe.webview').waitFor({ state: 'detached' });
    // While no page is there to receive them, the running cells stream on to gate 1.
    gated.openGate(0);
    await gated.whenWaiting(1, 4);

    await workbench.page.locator('.tab', { hasText: 'Prompt Lab' }).click();
    panel = workbench.webview();
    await panel.locator('.compare-shape', { hasText: '2 settings × 3 samples' }).waitFor({ timeout: 30_000 });
    // The text streamed while hidden arrives with the host's record of the comparison.
    for (const index of [0, 1, 2, 3]) await cellText(panel, index).filter({ hasText: /: once upon$/ }).waitFor({ timeout: 30_000 });
    const shown = await panel.locator('.cell-text').allTextContents();
    // Provably still running: the server holds cells 0–3 at gate 1, and 4 and 5 have not started.
    assert.deepEqual(await panel.locator('.cell-status').allTextContents(), ['running…', 'running…', 'running…', 'running…', 'queued', 'queued']);
    assert.equal(gated.requests.length, 4);

    gated.openGate(1);
    await panel.locator('.compare-status', { hasText: 'done' }).waitFor({ timeout: 60_000 });
    const final = await panel.locator('.cell-text').allTextContents();
    assert.equal(final.length, 6);
    // Each cell ends with exactly what the server sent for it: nothing lost, nothing twice.
    const sent = gated.requests.map((request) => gatedReply(request.body ?? {}).join(''));
    assert.deepEqual([...final].sort(), [...sent].sort());
    assert.deepEqual(final.map((text) => /t=(\S+)/.exec(text)?.[1]), ['0', '1', '0', '1', '0', '1'], 'each column on its own temperature');
    // What the panel showed before it was hidden and after it was shown again was each cell's text
    // so far.
    for (const [when, texts] of [['before hiding', beforeHiding], ['shown again', shown]] as const) {
      texts.forEach((text, index) => assert.ok(final[index]!.startsWith(text), `${when}, cell ${index}: ${JSON.stringify(text)} is not the start of ${JSON.stringify(final[index])}`));
    }
  });
});
