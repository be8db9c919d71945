// The comparison view under hostile text, heavy streaming, a narrow panel and the keyboard.
import * as assert from 'node:assert/strict';
import type { CellUpdate, ComparisonRecord } from '../../src/shared/protocol';
import { cellResult, comparisonRecord, metrics } from './comparisonFixture';
import { panelPages, type FakeHostPage } from './fakeHost';

describe('panel webview: comparisons under stress (Chromium, fake host)', () => {
  const pages = panelPages();
  let panel: FakeHostPage;

  async function openStarted(record: ComparisonRecord): Promise<FakeHostPage> {
    panel = await pages.open();
    await panel.ready();
    await panel.send({ type: 'compare/started', payload: { comparison: record } });
    await panel.flush();
    return panel;
  }

  async function update(cells: CellUpdate[], id = 'cmp-1'): Promise<void> {
    await panel.send({ type: 'compare/update', payload: { id, cells } });
    await panel.flush();
  }

  const cellText = (index: number) => panel.page.locator(`.cell[data-cell="${index}"] .cell-text`).textContent();

  it('shows markup, scripts and javascript: links in completions as characters and runs none of it', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script> <a href="javascript:window.__pwned=3">link</a> </div></td></table><b id="escaped">b</b>';
    const dialogs: string[] = [];
    const record = comparisonRecord({
      backend: '<svg onload="window.__pwned=4">',
      model: '<iframe src="javascript:window.__pwned=5">',
      prompt: { ...comparisonRecord().prompt, fileName: '<img src=x onerror="window.__pwned=6">.prompt' },
      reference: hostile,
    });
    record.columns[0]!.label = '<b id="escaped">label</b>';
    await openStarted(record);
    panel.page.on('dialog', (dialog) => { dialogs.push(dialog.message()); void dialog.dismiss(); });
    await update([{ index: 0, status: 'running', append: hostile.slice(0, 40) }, { index: 0, append: hostile.slice(40) }]);
    assert.equal(await cellText(0), hostile);
    await update([
      { index: 0, status: 'done', result: cellResult(hostile) },
      { index: 1, status: 'failed', result: cellResult(`${hostile} more`, { warnings: [hostile], error: { message: hostile } }) },
    ]);
    await panel.send({ type: 'compare/update', payload: { id: 'cmp-1', cells: [], columns: [{ index: 0, metrics: metrics(0.5, 0.5, { rougeL: 0.1 }) }] } });
    await panel.flush();
    // Diffing puts the same text into <ins>/<del>: still text.
    await panel.page.locator('.cell[data-cell="0"] .cell-baseline').click();
    assert.deepEqual(await panel.page.locator('.cell[data-cell="1"] ins').allTextContents(), ['more']);

    assert.equal(await cellText(0), hostile);
    assert.equal(await cellText(1), `${hostile} more`);
    assert.equal(await panel.text('.compare-title'), 'Comparison · <img src=x onerror="window.__pwned=6">.prompt');
    assert.equal(await panel.text('.compare-target'), '<svg onload="window.__pwned=4"> · <iframe src="javascript:window.__pwned=5">');
    assert.equal(await panel.text('.column-header[data-column="0"] .column-label'), '<b id="escaped">label</b>');
    assert.equal(await panel.page.locator('.cell[data-cell="1"] .cell-warnings').textContent(), hostile);
    assert.equal(await panel.page.locator('.cell[data-cell="1"] [role="alert"]').textContent(), hostile);
    assert.equal(await panel.page.locator('#app img, #app script, #app a, #app iframe, #escaped').count(), 0);
    // Only the metrics chart and the feedback buttons' own thumbs (feedbackControls.ts) are drawn.
    assert.equal(await panel.page.locator('#app svg:not(.feedback-icon)').count(), 1, 'only the metrics chart');
    await panel.page.locator('.cell[data-cell="0"] .cell-text').click();
    await panel.page.waitForTimeout(100); // give an onerror/onload a chance to fire, were there one
    assert.equal(await panel.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.deepEqual(dialogs, []);
  });

  it('keeps up with 20 cells of 200 batches each, stays responsive and saves state sparingly', async function () {
    this.timeout(120_000);
    const temperatures = [0, 0.5, 1, 1.5];
    const record = comparisonRecord({}, temperatures, 5);
    await openStarted(record);
    const statesBefore = (await panel.recorded()).states.length;
    const rounds = 200;
    const started = Date.now();
    // The host's batches arrive from inside the page every 10 ms (faster than the host sends).
    const streaming = panel.page.evaluate(async ({ rounds, cells }) => {
      let longestGap = 0;
      let last = performance.now();
      const watch = setInterval(() => {
        const now = performance.now();
        longestGap = Math.max(longestGap, now - last);
        last = now;
      }, 5);
      for (let round = 0; round < rounds; round++) {
        const updates = Array.from({ length: cells }, (_, index) => ({ index, append: `w${round}.${index} `, ...(round === 0 ? { status: 'running' } : {}) }));
        window.postMessage({ type: 'compare/update', payload: { id: 'cmp-1', cells: updates } }, '*');
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      clearInterval(watch);
      return longestGap;
    }, { rounds, cells: record.cells.length });

    // While it streams, the page still answers a click (a generous bound, not a timing test).
    await panel.page.waitForFunction(() => (document.querySelector('.cell[data-cell="0"] .cell-text')?.textContent ?? '').length > 0);
    const clicked = Date.now();
    await panel.page.locator('.export-toggle').click({ timeout: 10_000 });
    await panel.page.waitForFunction(() => document.querySelector('.export-toggle')?.getAttribute('aria-expanded') === 'true', undefined, { timeout: 10_000 });
    const clickMs = Date.now() - clicked;
    const longestGap = await streaming;
    await panel.flush();
    const elapsed = Date.now() - started;

    const expected = (index: number) => Array.from({ length: rounds }, (_, round) => `w${round}.${index} `).join('');
    for (let index = 0; index < record.cells.length; index++) assert.equal(await cellText(index), expected(index), `cell ${index}`);
    const statesWhileStreaming = (await panel.recorded()).states.length - statesBefore;
    // Unthrottled, that would be 200 saves; about one per 500 ms is expected.
    assert.ok(statesWhileStreaming <= Math.ceil(elapsed / 500) + 3, `${statesWhileStreaming} saves in ${elapsed} ms`);
    assert.ok(clickMs < 10_000 && longestGap < 5_000, `click answered in ${clickMs} ms, longest stall ${Math.round(longestGap)} ms`);

    await update(record.cells.map((_, index) => ({ index, status: 'done', result: cellResult(expected(index).trim()) })));
    assert.equal(await panel.text('.compare-status'), 'done');
    assert.equal(await cellText(19), expected(19).trim());
    const saved = (await panel.recorded()).states.at(-1);
    assert.equal(saved?.comparison?.cells[19]?.text, expected(19).trim(), 'settling saves at once');
  });

  it('caps a cell\'s text at the run text limit', async () => {
    await openStarted(comparisonRecord());
    const chunk = 'x'.repeat(150_000);
    await update([{ index: 0, status: 'running', append: chunk }, { index: 0, append: chunk }]);
    assert.equal((await cellText(0))?.length, 200_000);
  });

  it('stays readable in a narrow panel: the grid scrolls sideways with the sample headers in view', async () => {
    await openStarted(comparisonRecord({}, [0, 0.4, 0.8, 1.2], 2));
    await panel.page.setViewportSize({ width: 420, height: 600 });
    const scroller = panel.page.locator('.compare-grid-scroll');
    const { scrollWidth, clientWidth } = await scroller.evaluate((box) => ({ scrollWidth: box.scrollWidth, clientWidth: box.clientWidth }));
    assert.ok(scrollWidth > clientWidth, `the grid scrolls (${scrollWidth} > ${clientWidth})`);
    assert.ok(await panel.page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1), 'the page itself does not');
    await scroller.evaluate((box) => { box.scrollLeft = 300; });
    const header = panel.page.locator('tbody .row-header').first();
    const [headerBox, scrollerBox] = [await header.boundingBox(), await scroller.boundingBox()];
    assert.ok(headerBox && scrollerBox && Math.abs(headerBox.x - scrollerBox.x) < 2, 'the row header sticks to the left edge');
  });

  it('is usable by keyboard, and only the status summary is a live region', async () => {
    await openStarted(comparisonRecord());
    await update([{ index: 0, status: 'running', append: 'text' }]);
    // Tab order runs through real buttons and the cells' text.
    const reached: string[] = [];
    for (let i = 0; i < 14; i++) {
      await panel.page.keyboard.press('Tab');
      reached.push(await panel.page.evaluate(() => {
        const active = document.activeElement as HTMLElement | null;
        return `${active?.tagName.toLowerCase()}.${active?.className.split(' ').at(-1)}`;
      }));
    }
    for (const stop of ['button.compare-stop-all', 'button.export-toggle', 'button.compare-diff', 'button.cell-stop', 'button.cell-copy', 'button.cell-baseline', 'pre.cell-text']) {
      assert.ok(reached.includes(stop), `${stop} in ${reached.join(', ')}`);
    }
    await panel.page.locator('.cell[data-cell="0"] .cell-copy').focus();
    await panel.page.keyboard.press('Enter');
    const { posted } = await panel.recorded();
    assert.deepEqual(posted.filter((message) => message.type === 'compare/copyCell').map((message) => message.payload), [{ id: 'cmp-1', cell: 0 }]);

    // The status is the page's only live region: streamed text is not read out batch by batch.
    const live = await panel.page.locator('[aria-live]').evaluateAll((nodes) =>
      nodes.map((node) => `${node.className}:${node.getAttribute('aria-live')}`));
    assert.deepEqual(live, ['pill compare-status:polite']);
    assert.equal(await panel.page.locator('.compare-status').getAttribute('role'), 'status');
  });
});
