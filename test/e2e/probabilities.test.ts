// Token probabilities in the packaged extension (issue 10): a run on the local model, its
// probability view (a token hovered, its alternatives shown) and the next-token explorer, with
// screenshots of both (probabilities.png, explorer.png).
import * as assert from 'node:assert/strict';
import { startPackaged, workbenchHooks, Workbench } from './workbench';


describe('e2e: token probabilities and the next-token explorer', () => {
  let workbench: Workbench;

  before(async function () {
    this.timeout(180_000);
    workbench = await startPackaged();
  });
  workbenchHooks(() => workbench, 'failed');

  it('colours a local run\'s tokens by probability and shows a token\'s alternatives', async () => {
    await workbench.quickOpen('story.prompt');
    await workbench.runCommand('Prompt Lab: Run Prompt');
    const panel = workbench.webview();
    await panel.locator('.run-status', { hasText: 'done' }).waitFor({ timeout: 60_000 });
    const completion = await panel.locator('.run-text').innerText();
    await panel.locator('.run .prob-toggle').click();
    await panel.locator('.prob-token').first().waitFor({ timeout: 30_000 });
    assert.equal((await panel.locator('.prob-tokens').innerText()).trim(), completion.trim(), 'the tokens spell the completion');
    assert.equal(await panel.locator('.prob-swatch').count(), 5);
    await panel.locator('.prob-token').nth(2).hover();
    await panel.locator('.prob-tip').waitFor({ state: 'visible' });
    // The local model reports probabilities after its sampler (story.prompt has topP 0.9), so a
    // confident token may stand alone: at least the chosen one is listed, and marked.
    assert.ok(await panel.locator('.prob-alts tr').count() >= 1, 'alternatives are listed');
    await panel.locator('.prob-alts tr.chosen').waitFor();
    console.log(`    screenshot: ${await workbench.screenshot('probabilities.png')}`);
  });

  it('opens the next-token explorer at a token and reshapes it with the sliders', async () => {
    const panel = workbench.webview();
    await panel.locator('.prob-token').nth(2).click();
    await panel.locator('.explorer-chart tbody tr').nth(5).waitFor({ timeout: 30_000 });
    assert.match(await panel.locator('.explorer-status').innerText(), /^Exact: local/);
    // top-k 5: the sixth token on is cut.
    await panel.locator('.explorer-topK').evaluate((input) => {
      (input as HTMLInputElement).value = '5';
      input.dispatchEvent(new Event('input', { bubbles: true }));
    });
    await panel.locator('.explorer-chart tbody tr').nth(5).locator('text=cut by top-k').waitFor();
    await panel.locator('.explorer-sample-button').click();
    await panel.locator('.explorer-summary', { hasText: 'Drew 100 with seed' }).waitFor();
    await panel.locator('.explorer').evaluate((element) => element.scrollIntoView({ block: 'start' }));
    console.log(`    screenshot: ${await workbench.screenshot('explorer.png')}`);
  });
});
