// The Prompt Lab sidebar in the packaged extension (code-server, Chromium): the Prompts view lists
// the workspace's prompts with variants under them; a run lands in History; 👍 clicked in the panel
// is saved in the record, still pressed after "Developer: Reload Window", and pressed again when the
// record is reopened from History with the panel closed; two records selected in
// History compare side by side in the panel. Screenshots: sidebar.png, record-compare.png.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { startPackaged, workbenchHooks, Workbench } from './workbench';


describe('e2e: the Prompt Lab sidebar and history', () => {
  let workbench: Workbench;

  before(async function () {
    this.timeout(180_000);
    workbench = await startPackaged();
  });
  workbenchHooks(() => workbench, 'failed-history');

  const showSidebar = async () => {
    const icon = workbench.page.locator('.part.activitybar [aria-label^="Prompt Lab"]').first();
    if (await icon.waitFor({ timeout: 10_000 }).then(() => true, () => false)) {
      // A click on the container already shown would hide it.
      if (!(await workbench.page.locator('.part.sidebar .monaco-list-row', { hasText: /run · / }).first().isVisible())) await icon.click();
    } else await workbench.runCommand('View: Show Prompt Lab');
  };
  /** Until `check` holds (the host's answer reaches the webview a moment after the controls). */
  const eventually = async (check: () => Promise<boolean>, timeout = 20_000) => {
    const deadline = Date.now() + timeout;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('timed out');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };

  const runStory = async () => {
    await workbench.quickOpen('story.prompt');
    await workbench.runCommand('Prompt Lab: Run Prompt');
    await workbench.webview().locator('.run-status', { hasText: 'done' }).waitFor({ timeout: 90_000 });
  };

  it('rates a run 👍 in the panel, and the rating is still there after a window reload', async () => {
    await workbench.quickOpen('story.prompt');
    await runStory();
    const panel = workbench.webview();
    const up = panel.getByRole('button', { name: 'Good completion: the run of story.prompt' });
    await up.click();
    // Saved: the host answered with the record's feedback (the pending mark goes).
    await panel.locator('.run .feedback:not(.pending)').waitFor();
    assert.equal(await up.getAttribute('aria-pressed'), 'true');
    const index = readFileSync(path.join(workbench.folder, '.promptlab/history/index.jsonl'), 'utf8');
    assert.match(index, /"op":"feedback".*"completion":"run".*"rating":"up"/);

    await workbench.runCommand('Developer: Reload Window');
    await workbench.waitUntilLoaded();
    const reloaded = workbench.webview();
    await reloaded.locator('.run .feedback').waitFor({ timeout: 60_000 });
    assert.equal(await reloaded.getByRole('button', { name: 'Good completion: the run of story.prompt' }).getAttribute('aria-pressed'), 'true');

    // Not the panel's saved state: with the panel closed, the record reopened from History shows the
    // rating the host's store kept.
    await workbench.runCommand('View: Close All Editors');
    await workbench.page.locator('iframe.webview.ready').waitFor({ state: 'detached', timeout: 30_000 });
    await showSidebar();
    await workbench.page.locator('.part.sidebar .monaco-list-row', { hasText: /run · / }).first().click();
    const reopened = workbench.webview();
    const pressed = reopened.getByRole('button', { name: 'Good completion: the run of story.prompt' });
    await reopened.locator('.run .feedback:not(.pending)').waitFor({ timeout: 60_000 });
    await eventually(async () => (await pressed.getAttribute('aria-pressed')) === 'true');
    await workbench.quickOpen('story.prompt');
  });

  it('shows the sidebar: prompts with their variants, and History grouped by prompt', async () => {
    // story.prompt is open again after the reload above.
    await runStory(); // a second record to compare
    await showSidebar();
    const sidebar = workbench.page.locator('.part.sidebar');
    await sidebar.locator('.monaco-list-row', { hasText: 'tale.prompt' }).first().waitFor({ timeout: 30_000 });
    await sidebar.locator('.monaco-list-row', { hasText: 'short' }).first().waitFor(); // tale.short.prompt, nested
    await sidebar.locator('.monaco-list-row', { hasText: 'Partials' }).waitFor();
    const records = sidebar.locator('.monaco-list-row', { hasText: /run · / });
    await records.nth(1).waitFor({ timeout: 30_000 });
    assert.ok(await records.count() >= 2);
    console.log(`    screenshot: ${await workbench.screenshot('sidebar.png')}`);
  });

  it('compares two records selected in History, side by side in the panel', async () => {
    const sidebar = workbench.page.locator('.part.sidebar');
    const records = sidebar.locator('.monaco-list-row', { hasText: /run · / });
    await records.nth(0).click();
    await records.nth(1).click({ modifiers: ['Control'] });
    await workbench.runCommand('Prompt Lab: Compare Two Records');
    const panel = workbench.webview();
    await panel.locator('.records-settings').waitFor({ timeout: 30_000 });
    assert.match(await panel.locator('.records-same-prompt').innerText(), /same prompt/);
    assert.equal(await panel.locator('.records-pair').count(), 1);
    console.log(`    screenshot: ${await workbench.screenshot('record-compare.png')}`);
  });
});
