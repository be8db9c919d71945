// "Prompt Lab: Evaluate" from the palette in the packaged extension (code-server, Chromium): the
// prompt's dataset beside it runs on the embedded local model at two temperatures into the panel's
// eval view; the matrix fills in, a failing cell opens its detail. Screenshot: eval-view.png.
import * as assert from 'node:assert/strict';
import { startPackaged, workbenchHooks, Workbench } from './workbench';


describe('e2e: Evaluate in the packaged extension', () => {
  let workbench: Workbench;

  before(async function () {
    this.timeout(180_000);
    workbench = await startPackaged();
  });
  workbenchHooks(() => workbench, 'failed');

  it('evaluates fable.prompt over its dataset at two temperatures from the palette into the eval view', async () => {
    await workbench.quickOpen('fable.prompt');
    await workbench.runCommand('Prompt Lab: Evaluate');
    await workbench.pickOne('Prompt Lab: Evaluate', 'Compare settings…');
    await workbench.pickMany('choose one or two settings', ['Temperature']);
    await workbench.answerInput('Temperature (1/2)', '0, 1');
    await workbench.answerInput('samples (2/2)', '1');
    const panel = workbench.webview();
    await panel.locator('.eval-status', { hasText: 'done' }).waitFor({ timeout: 90_000 });
    assert.equal(await panel.locator('.compare-title').innerText(), 'Eval · fable.prompt');
    assert.deepEqual(await panel.locator('.eval-column-header').allInnerTexts(), ['temperature 0', 'temperature 1']);
    assert.deepEqual(await panel.locator('.eval-test-name').allInnerTexts(), ['writes something', 'never says this', 'code runs when trusted']);
    // "never says this" fails in both columns; the others pass.
    assert.equal(await panel.locator('.eval-cell.verdict-fail').count(), 2);
    assert.equal(await panel.locator('.eval-cell.verdict-pass').count(), 4);
    assert.deepEqual(await panel.locator('.eval-pass-rate').allInnerTexts(), ['67% · 2/3', '67% · 2/3']);
    // The skipped test is listed with its problem.
    assert.match(await panel.locator('.eval-skipped summary').innerText(), /1 test skipped/);
    // A failing cell opens its output and the assertion's reason.
    await panel.locator('.eval-cell.verdict-fail').first().click();
    await panel.locator('.eval-detail .eval-assertion-reason').first().waitFor();
    assert.match(await panel.locator('.eval-detail .eval-assertion-reason').first().innerText(), /quantum chromodynamics/);
    assert.ok((await panel.locator('.eval-detail .eval-output').innerText()).trim().length > 0, 'the model wrote something');
    console.log(`    screenshot: ${await workbench.screenshot('eval-view.png')}`);
  });
});
