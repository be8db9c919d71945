// What the panel does when the host sends a comparison whole after the webview's document was
// reloaded (`compare/started` with `resumed`): the host's record replaces the saved copy, and what
// the user chose (the view, the baseline) holds; a comparison the page has not seen is shown.
import * as assert from 'node:assert/strict';
import type { PanelState } from '../../src/shared/protocol';
import { cellResult, comparisonRecord } from './comparisonFixture';
import { panelPages } from './fakeHost';

const run = { id: 'run-1', fileName: 'story.prompt', backend: 'local', model: '', text: 'Once', result: cellResult('Once upon a time') };

describe('panel webview: a comparison resumed after a reload (Chromium, fake host)', () => {
  const pages = panelPages();

  it('takes the host\'s newer record for the same comparison and keeps the view and baseline', async () => {
    // Saved while the first cell was half way; then the page was unloaded (the panel hidden).
    const saved = comparisonRecord();
    saved.cells[0] = { ...saved.cells[0]!, status: 'running', text: 'Once up' };
    const state: PanelState = { version: 1, run, comparison: saved, view: 'run', baseline: { comparison: 'cmp-1', cell: 1 } };
    const panel = await pages.open(state);
    await panel.ready();
    const host = comparisonRecord();
    host.cells.forEach((cell, index) => Object.assign(cell, { status: 'done', text: `whole text ${index}`, result: cellResult(`whole text ${index}`) }));
    await panel.send({ type: 'compare/started', payload: { comparison: host, resumed: true } });
    await panel.flush();
    assert.equal(await panel.page.locator('.run').isVisible(), true, 'still the view the user chose');
    const after = (await panel.recorded()).states.at(-1)!;
    assert.equal(after.view, 'run');
    assert.deepEqual(after.baseline, { comparison: 'cmp-1', cell: 1 });
    assert.deepEqual(after.comparison!.cells.map((cell) => cell.text), host.cells.map((cell) => cell.text));
    // Switching shows the host's texts (diffed against the kept baseline, cell 1).
    await panel.page.locator('.view-comparison').click();
    assert.equal(await panel.page.locator('.cell[data-cell="1"] .cell-text').textContent(), 'whole text 1');
    assert.equal(await panel.text('.compare-status'), 'done');
  });

  it('applies no update to its saved copy: an update the host sends before its record would garble a streaming cell', async () => {
    // The panel was hidden while cell 0 streamed: its last save (throttled) has 'Once up', the host's
    // record has 'Once upon a ti' and a batch 'me, a cat' pending. A host that sends that batch before
    // the record would have the page show 'Once upme, a cat' — no prefix of what the cell ends with.
    const saved = comparisonRecord();
    saved.cells[0] = { ...saved.cells[0]!, status: 'running', text: 'Once up' };
    const panel = await pages.open({ version: 1, comparison: saved, view: 'comparison' });
    await panel.ready();
    const cellText = () => panel.page.locator('.cell[data-cell="0"] .cell-text').textContent();
    const shown: (string | null)[] = [await cellText()];
    const update = (append: string) => panel.send({ type: 'compare/update', payload: { id: 'cmp-1', cells: [{ index: 0, append }] } });
    await update('me, a cat');
    await panel.flush();
    shown.push(await cellText());
    const host = comparisonRecord();
    host.cells[0] = { ...host.cells[0]!, status: 'running', text: 'Once upon a ti' };
    await panel.send({ type: 'compare/started', payload: { comparison: host, resumed: true } });
    await panel.flush();
    shown.push(await cellText());
    // The record the host sent is the page's copy now: later batches apply to it.
    await update('me, a cat');
    await panel.flush();
    shown.push(await cellText());
    await panel.send({ type: 'compare/update', payload: { id: 'cmp-1', cells: [{ index: 0, status: 'done', result: cellResult('Once upon a time, a cat') }] } });
    await panel.flush();
    const final = (await cellText()) ?? '';
    assert.equal(final, 'Once upon a time, a cat');
    assert.deepEqual(shown, ['Once up', 'Once up', 'Once upon a ti', 'Once upon a time, a cat']);
    for (const text of shown) assert.ok(final.startsWith(text ?? ''), `${JSON.stringify(text)} is a prefix of the final text`);
  });

  it('shows a comparison it has not seen, even when resumed (it started while the panel was hidden)', async () => {
    const panel = await pages.open({ version: 1, run, view: 'run' });
    await panel.ready();
    await panel.send({ type: 'compare/started', payload: { comparison: comparisonRecord({ id: 'cmp-new' }), resumed: true } });
    await panel.flush();
    assert.equal(await panel.page.locator('.comparison').isVisible(), true);
    assert.equal((await panel.recorded()).states.at(-1)!.view, 'comparison');
  });
});
