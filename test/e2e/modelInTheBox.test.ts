// A new user's first run: a fresh code-server profile with only the .vsix installed, no Prompt Lab
// settings and no PROMPT_LAB_MODEL, runs the story sample that ships with the extension on the
// model in the box (models/stories260K.gguf inside the .vsix).
import * as assert from 'node:assert/strict';
import { mkdtempSync, cpSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ROOT, startPackaged, workbenchHooks, Workbench } from './workbench';

describe('e2e: the model in the box, with no settings at all', () => {
  let workbench: Workbench;
  let samples: string;
  const saved = process.env.PROMPT_LAB_MODEL;

  before(async function () {
    this.timeout(180_000);
    delete process.env.PROMPT_LAB_MODEL;
    // The samples that ship with the extension, as a new user's workspace.
    samples = mkdtempSync(path.join(tmpdir(), 'prompt-lab-samples-'));
    cpSync(path.join(ROOT, 'prompts/continue-story.prompt'), path.join(samples, 'continue-story.prompt'));
    workbench = await startPackaged({}, samples);
  });

  workbenchHooks(() => workbench, 'failed-box', () => {
    rmSync(samples, { recursive: true, force: true });
    if (saved !== undefined) process.env.PROMPT_LAB_MODEL = saved;
  });

  it('runs the story sample on the model in the box and says so', async () => {
    await workbench.quickOpen('continue-story.prompt');
    const status = workbench.page.locator('.statusbar-item', { hasText: 'in the box' });
    await status.waitFor({ timeout: 30_000 });
    assert.match(await status.innerText(), /local · stories260K \(in the box\)/);
    await workbench.quickOpen('continue-story.prompt'); // the editor has the focus again
    await workbench.runCommand('Prompt Lab: Run Prompt');
    const panel = workbench.webview();
    await panel.locator('.run-status', { hasText: 'done' }).waitFor({ timeout: 90_000 });
    assert.equal(await panel.locator('.run-error').count(), 0);
    assert.match(await panel.locator('.run-target').innerText(), /local · stories260K/);
    const completion = await panel.locator('.run-text').innerText();
    assert.ok(completion.trim().split(/\s+/).length >= 10, `a story continuation, not ${JSON.stringify(completion)}`);
    console.log(`    completion: ${JSON.stringify(completion.slice(0, 80))}…`);
    console.log(`    screenshot: ${await workbench.screenshot('model-in-the-box.png')}`);
  });
});
