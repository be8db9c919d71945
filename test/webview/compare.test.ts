// The comparison view, driven by a fake host: compare/started → compare/update… and what the
// panel posts back (stop, rerun, copy, export), diffing against a baseline, and state after reload.
import * as assert from 'node:assert/strict';
import type { CellUpdate, ComparisonRecord, HostToWebview, PanelState, WebviewMessage } from '../../src/shared/protocol';
import { cellResult, comparisonRecord, metrics } from './comparisonFixture';
import { panelPages, type FakeHostPage } from './fakeHost';

type Columns = HostToWebview['compare/update']['columns'];

describe('panel webview: comparisons (Chromium, fake host)', () => {
  const pages = panelPages();
  let panel: FakeHostPage;

  async function openStarted(record: ComparisonRecord = comparisonRecord()): Promise<FakeHostPage> {
    panel = await pages.open();
    await panel.ready();
    await panel.send({ type: 'compare/started', payload: { comparison: record } });
    await panel.flush();
    return panel;
  }

  async function update(cells: CellUpdate[], columns?: Columns, id = 'cmp-1'): Promise<void> {
    await panel.send({ type: 'compare/update', payload: { id, cells, ...(columns ? { columns } : {}) } });
    await panel.flush();
  }

  const cell = (index: number, inner?: string) => {
    const element = panel.page.locator(`.cell[data-cell="${index}"]`);
    return inner ? element.locator(inner) : element;
  };
  const cellText = (index: number) => cell(index, '.cell-text').textContent();
  const texts = (selector: string) => panel.page.locator(selector).allTextContents();
  const posted = async <T extends WebviewMessage['type']>(type: T) =>
    (await panel.recorded()).posted.filter((message) => message.type === type).map((message) => message.payload);
  const lastState = async (): Promise<PanelState | undefined> => (await panel.recorded()).states.at(-1);

  /** Every cell done, with these texts (index → text) or a text naming the cell. */
  async function finishAll(record: ComparisonRecord, textOf: (index: number) => string = (index) => `text of cell ${index}`): Promise<void> {
    await update(record.cells.map((_, index) => ({ index, status: 'done', result: cellResult(textOf(index)) })));
  }

  it('renders the grid from compare/started: columns, sample rows, header and token budget', async () => {
    await openStarted();
    assert.equal(await panel.text('.compare-title'), 'Comparison · story.prompt');
    assert.equal(await panel.text('.compare-target'), 'openai · gpt-4o-mini');
    assert.equal(await panel.text('.compare-shape'), '3 settings × 2 samples');
    assert.equal(await panel.text('.compare-seeds'), 'seeds 11, 22');
    assert.equal(await panel.text('.compare-status'), 'running 0/6');
    assert.deepEqual(await texts('.column-label'), ['temperature 0', 'temperature 0.7', 'temperature 1.2']);
    assert.deepEqual(await texts('tbody .row-header'), ['Sample 1 · seed 11', 'Sample 2 · seed 22']);
    assert.equal(await panel.page.locator('tbody .cell').count(), 6);
    // Row by row: the second row's first cell is cell 3 (sample 1, column 0).
    assert.equal(await panel.page.locator('tbody tr').nth(1).locator('.cell').first().getAttribute('data-cell'), '3');
    assert.deepEqual(await texts('.cell-status'), Array(6).fill('queued'));
    assert.deepEqual(await texts('.column-metrics-cell .distinct-2 dd'), ['–', '–', '–']);
    assert.equal(await panel.page.locator('.metrics-chart').count(), 0, 'no chart before any numbers');
    assert.equal(await panel.page.locator('.compare-stop-all').isVisible(), true);
    assert.equal(await panel.page.locator('.view-switch').isVisible(), false, 'no switch with only a comparison');

    assert.deepEqual(await texts('.token-legend li'), ['instruction 40', 'examples 30', 'content 35', 'cue 5', 'overhead 10']);
    assert.equal(await panel.text('.token-total'), '120 prompt tokens (approximate) · 12% of a 1,000-token context window · o200k_base');
    assert.equal(await panel.text('.token-cost'), 'Cost: $0.000018 per run (prompt only until a sample is done)');
    assert.match(await panel.page.locator('.token-bar').getAttribute('aria-label') ?? '', /120 tokens: 12% of a 1,000-token context window/);
    // Widths set through CSSOM: the parts fill 12% of the track, the rest is the free context window.
    const widths = await panel.page.locator('.token-bar').evaluate((bar) =>
      [bar.getBoundingClientRect().width, ...[...bar.children].map((part) => part.getBoundingClientRect().width)]);
    const [track, ...parts] = widths as [number, ...number[]];
    assert.equal(parts.length, 5);
    assert.ok(Math.abs(parts[0]! / track - 0.04) < 0.01, `instruction is 4% of the track (${parts[0]} of ${track})`);
    assert.ok(Math.abs(parts.reduce((a, b) => a + b, 0) / track - 0.12) < 0.01);
    const { states } = await panel.recorded();
    assert.equal(states.at(-1)?.comparison?.id, 'cmp-1');
    assert.equal(states.at(-1)?.view, 'comparison');
  });

  it('says when the context window or the price is unknown, and when a model is free', async () => {
    const base = comparisonRecord();
    await openStarted(comparisonRecord({ tokens: { ...base.tokens!, exact: true, contextWindow: undefined, price: undefined } }));
    assert.equal(await panel.text('.token-total'), '120 prompt tokens · context window unknown · o200k_base');
    assert.equal(await panel.text('.token-cost'), 'Cost: cost unknown');
    await panel.send({ type: 'compare/started', payload: { comparison: comparisonRecord({ id: 'cmp-2', tokens: { ...base.tokens!, price: { input: 0, output: 0, source: 'local' } } }) } });
    await panel.flush();
    assert.equal(await panel.text('.token-cost'), 'Cost: free (local)');
    await panel.send({ type: 'compare/started', payload: { comparison: comparisonRecord({ id: 'cmp-3', tokens: undefined }) } });
    await panel.flush();
    assert.equal(await panel.page.locator('.token-budget').isVisible(), false);
  });

  it('lands streamed text in the right cells, and ignores another comparison\'s batches', async () => {
    await openStarted();
    await update([{ index: 0, status: 'running', append: 'Once' }, { index: 4, status: 'running', append: 'The <b>fox</b>' }]);
    await update([{ index: 0, append: ' upon' }, { index: 4, append: ' ran' }, { index: 0, append: ' a time' }]);
    await update([{ index: 1, append: 'XXX' }], undefined, 'cmp-0');
    assert.equal(await cellText(0), 'Once upon a time');
    assert.equal(await cellText(4), 'The <b>fox</b> ran');
    assert.equal(await cellText(1), '');
    assert.deepEqual(await texts('.cell-status'), ['running…', 'queued', 'queued', 'queued', 'running…', 'queued']);
    assert.equal(await cell(0, '.cell-text').getAttribute('aria-busy'), 'true');
    // Streaming appends a text node per batch to the cell instead of redrawing it.
    assert.equal(await cell(0, '.cell-text').evaluate((pre) => pre.childNodes.length), 2);
    assert.equal(await panel.text('.compare-status'), 'running 0/6');
  });

  it('shows results with their numbers, the column metrics and the chart, and the cost so far', async () => {
    const record = comparisonRecord();
    await openStarted(record);
    await update([{ index: 0, status: 'running', append: 'partial' }]);
    await update([{ index: 0, status: 'done', result: cellResult('Whole text.', { usage: { promptTokens: 120, completionTokens: 10, estimated: true }, warnings: ['topK is not supported'] }) }]);
    assert.equal(await cellText(0), 'Whole text.');
    assert.equal(await cell(0, '.tokens-in dd').textContent(), '120 (estimated)');
    assert.equal(await cell(0, '.tokens-out dd').textContent(), '10 (estimated)');
    assert.equal(await cell(0, '.latency dd').textContent(), '800 ms');
    assert.equal(await cell(0, '.ttft dd').textContent(), '90 ms');
    assert.equal(await cell(0, '.speed dd').textContent(), '12.5 tokens/s');
    assert.equal(await cell(0, '.finish-reason dd').textContent(), 'stop');
    assert.equal(await cell(0, '.cell-warnings').textContent(), 'topK is not supported');
    assert.equal(await cell(0, '.cell-stop').isVisible(), false, 'no Stop once done');
    assert.equal(await panel.text('.compare-status'), 'running 1/6');
    assert.equal(await panel.text('.token-cost'), 'Cost: $0.000024 per run · $0.000024 for 1 of 6 runs');

    await finishAll(record);
    await update([], [{ index: 0, metrics: metrics(0.5, 0.25) }, { index: 2, metrics: metrics(0.9, 0.1) }]);
    assert.equal(await panel.text('.compare-status'), 'done');
    assert.equal(await panel.page.locator('.compare-stop-all').isVisible(), false);
    assert.deepEqual(await texts('.column-metrics-cell .distinct-2 dd'), ['0.50', '–', '0.90']);
    assert.deepEqual(await texts('.column-metrics-cell .samples-alike dd'), ['0.25', '–', '0.10']);
    assert.deepEqual(await texts('.column-metrics-cell .mean-length dd'), ['10.0 words', '–', '10.0 words']);
    assert.equal(await panel.page.locator('.column-metrics-cell .rouge-l').count(), 0, 'no reference rows without a reference');
    const chart = panel.page.locator('.metrics-chart svg[role="img"]');
    assert.equal(await chart.getAttribute('aria-label'),
      'Metrics by temperature, from 0 to 1. diversity (distinct-2): 0 0.50, 0.7 –, 1.2 0.90. samples alike (ROUGE-L): 0 0.25, 0.7 –, 1.2 0.10.');
    assert.equal(await chart.locator('title').textContent(), await chart.getAttribute('aria-label'));
    assert.equal(await chart.locator('circle').count(), 4);
    assert.deepEqual(await texts('.metrics-chart .chart-tick'), ['0', '0.5', '1', '0', '0.7', '1.2']);
    assert.equal(await panel.text('.token-cost'), 'Cost: $0.000024 per run · $0.000144 for 6 of 6 runs');
    assert.equal((await lastState())?.comparison?.columns[2]?.metrics?.distinct2, 0.9);
  });

  it('shows a comparison across models: names label the columns and the chart\'s x axis, the header each column\'s target', async () => {
    const long = 'openai/gpt-4o-mini-2024-07-18';
    const base = comparisonRecord({}, [0, 1], 1);
    const record = comparisonRecord({
      axes: [{ name: 'model', values: ['local', long] }],
      columns: [
        { label: 'model local', settings: { model: 'local' }, backend: 'local', model: '' },
        { label: `model ${long}`, settings: { model: long }, backend: 'openai', model: 'gpt-4o-mini-2024-07-18' },
      ],
      tokens: { ...base.tokens!, price: undefined },
    }, [0, 1], 1);
    await openStarted(record);
    assert.deepEqual(await texts('.column-label'), ['model local', `model ${long}`]);
    assert.equal(await panel.text('.compare-target'), 'local, openai · gpt-4o-mini-2024-07-18');
    await finishAll(record);
    await update([], [{ index: 0, metrics: metrics(0.5, 0.25) }, { index: 1, metrics: metrics(0.9, 0.1) }]);
    const chart = panel.page.locator('.metrics-chart svg[role="img"]');
    assert.equal(await chart.getAttribute('aria-label'),
      `Metrics by model, from 0 to 1. diversity (distinct-2): local 0.50, ${long} 0.90. samples alike (ROUGE-L): local 0.25, ${long} 0.10.`);
    // A long name is cut under its column (the columns are 90 units apart) and whole in its tooltip.
    assert.deepEqual(await texts('.metrics-chart .chart-tick'), ['0', '0.5', '1', 'local', 'openai/gpt-4o…']);
    assert.equal(await chart.locator('.chart-column title').textContent(), long);
    assert.equal(await chart.locator('circle').count(), 4);
    assert.equal(await panel.text('.token-cost'), 'Cost: cost unknown');
    assert.equal((await lastState())?.comparison?.columns[1]?.backend, 'openai');
  });

  it('shows reference metrics (ROUGE-1/2/L, BLEU) and their line when the comparison has a reference', async () => {
    await openStarted(comparisonRecord({ reference: 'A fox ran.' }));
    assert.deepEqual(await texts('.column-metrics-cell .bleu dd'), ['–', '–', '–']);
    await update([], [{ index: 1, metrics: metrics(0.6, 0.3, { rouge1: 0.5, rouge2: 0.25, rougeL: 0.45, bleu: 12.34 }) }]);
    assert.deepEqual(await texts('.column-metrics-cell .rouge-1 dd'), ['–', '0.50', '–']);
    assert.deepEqual(await texts('.column-metrics-cell .rouge-2 dd'), ['–', '0.25', '–']);
    assert.deepEqual(await texts('.column-metrics-cell .rouge-l dd'), ['–', '0.45', '–']);
    assert.deepEqual(await texts('.column-metrics-cell .bleu dd'), ['–', '12.3', '–']);
    assert.match(await panel.page.locator('.metrics-chart svg').getAttribute('aria-label') ?? '', /vs reference \(ROUGE-L\): 0 –, 0\.7 0\.45, 1\.2 –\./);
    assert.deepEqual(await texts('.chart-legend .legend-item'), ['diversity (distinct-2)', 'samples alike (ROUGE-L)', 'vs reference (ROUGE-L)']);
  });

  it('shows a failed cell\'s error inline while the other cells finish', async () => {
    const record = comparisonRecord();
    await openStarted(record);
    await update([{ index: 1, status: 'running', append: 'Half' }, { index: 0, status: 'running', append: 'Going' }]);
    await update([{ index: 1, status: 'failed', result: cellResult('Half', { finishReason: 'error', error: { message: 'Rate limited, try later', status: 429 } }) }]);
    assert.equal(await cell(1, '[role="alert"]').textContent(), '429: Rate limited, try later');
    assert.equal(await cell(1, '.cell-status').textContent(), 'failed');
    assert.equal(await cellText(1), 'Half');
    assert.equal(await panel.text('.compare-status'), 'running 1/6 · 1 failed');
    await update([{ index: 0, append: ' on' }]);
    assert.equal(await cellText(0), 'Going on');
    await update(record.cells.map((_, index) => index).filter((index) => index !== 1).map((index) => ({ index, status: 'done', result: cellResult(`done ${index}`) })));
    assert.equal(await panel.text('.compare-status'), 'done · 1 failed');
    assert.equal(await panel.page.locator('[role="alert"]').count(), 1);
    assert.equal(await cellText(5), 'done 5');
  });

  it('posts Stop for one cell and for all, Copy, Rerun of a column and Export in each format', async () => {
    const record = comparisonRecord();
    await openStarted(record);
    await update([{ index: 2, status: 'running', append: 'x' }]);
    await cell(2, '.cell-stop').click();
    assert.deepEqual(await posted('compare/stop'), [{ id: 'cmp-1', cell: 2 }]);
    assert.equal(await cell(2, '.cell-stop').isDisabled(), true);
    await panel.page.locator('.compare-stop-all').click();
    assert.deepEqual(await posted('compare/stop'), [{ id: 'cmp-1', cell: 2 }, { id: 'cmp-1' }]);

    await cell(3, '.cell-copy').click();
    assert.deepEqual(await posted('compare/copyCell'), [{ id: 'cmp-1', cell: 3 }]);

    const rerun = panel.page.locator('.column-header[data-column="1"] .column-rerun');
    assert.equal(await rerun.isDisabled(), true, 'no rerun while the column runs');
    await update([1, 4].map((index) => ({ index, status: 'done', result: cellResult(`first ${index}`) })), [{ index: 1, metrics: metrics(0.5, 0.5) }]);
    assert.equal(await rerun.isDisabled(), false);
    await rerun.click();
    assert.deepEqual(await posted('compare/rerunColumn'), [{ id: 'cmp-1', column: 1 }]);
    // The host starts the column over: its cells and numbers are cleared.
    await update([1, 4].map((index) => ({ index, reset: true, status: 'queued' })));
    assert.equal(await cellText(1), '');
    assert.equal(await cell(4, '.cell-status').textContent(), 'queued');
    assert.equal(await cell(4, '.cell-metrics').count(), 0);
    assert.deepEqual(await texts('.column-metrics-cell .distinct-2 dd'), ['–', '–', '–']);
    await update([{ index: 1, status: 'running', append: 'second' }]);
    assert.equal(await cellText(1), 'second');

    const toggle = panel.page.locator('.export-toggle');
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    await toggle.click();
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    await panel.page.locator('.export-csv').click();
    assert.equal(await panel.page.locator('.export-options').isVisible(), false);
    // By keyboard: Enter opens the menu on its first format, Enter picks it; Escape closes it.
    await toggle.focus();
    await panel.page.keyboard.press('Enter');
    assert.equal(await panel.page.evaluate(() => document.activeElement?.textContent), 'Markdown');
    await panel.page.keyboard.press('Enter');
    await toggle.click();
    await panel.page.keyboard.press('Escape');
    assert.equal(await panel.page.locator('.export-options').isVisible(), false);
    assert.equal(await panel.page.evaluate(() => document.activeElement?.classList.contains('export-toggle')), true);
    await toggle.click();
    await panel.page.locator('.export-json').click();
    assert.deepEqual(await posted('compare/export'), [
      { id: 'cmp-1', format: 'csv' }, { id: 'cmp-1', format: 'markdown' }, { id: 'cmp-1', format: 'json' },
    ]);
  });

  it('diffs finished cells word by word against the baseline cell', async () => {
    const record = comparisonRecord();
    await openStarted(record);
    const words: Record<number, string> = { 0: 'the cat sat on the mat', 1: 'the dog sat on the mat today', 2: 'the cat sat on the mat' };
    await update([0, 1, 2, 3].map((index) => ({ index, status: 'done', result: cellResult(words[index] ?? `cell ${index}`) })));
    await update([{ index: 4, status: 'failed', result: cellResult('', { finishReason: 'error', error: { message: 'Rate limited', status: 429 } }) }]);
    await update([{ index: 5, status: 'running', append: 'still going' }]);
    const diffButton = panel.page.locator('.compare-diff');
    assert.equal(await diffButton.getAttribute('aria-pressed'), 'false');

    await cell(0, '.cell-baseline').click();
    assert.equal(await diffButton.getAttribute('aria-pressed'), 'true');
    assert.equal(await cell(0, '.cell-baseline').getAttribute('aria-pressed'), 'true');
    assert.equal(await cell(0, '.baseline-mark').isVisible(), true);
    assert.equal(await cell(0, 'ins, del').count(), 0, 'the baseline shows its own text');
    assert.deepEqual(await cell(1, 'del').allTextContents(), ['cat ']);
    assert.deepEqual(await cell(1, 'ins').allTextContents(), ['dog ', 'today']);
    assert.equal(await cellText(1), 'the cat dog sat on the mat today');
    assert.equal(await cell(1, '.cell-diff-note').textContent(), 'vs baseline: 2 words added, 1 removed');
    assert.equal(await cell(2, 'ins, del').count(), 0, 'an equal text has nothing marked');
    assert.equal(await cell(5, 'ins, del').count(), 0, 'a running cell shows its text');
    assert.equal(await cell(4, 'ins, del').count(), 0, 'a cell that failed before writing anything is not "every word removed"');
    assert.equal(await cell(4, '.cell-diff-note').count(), 0);
    assert.deepEqual((await lastState())?.baseline, { comparison: 'cmp-1', cell: 0 });

    // The running cell is diffed once it ends.
    await update([{ index: 5, status: 'done', result: cellResult('the cat sat') }]);
    assert.deepEqual(await cell(5, 'del').allTextContents(), [' on the mat'], 'a space keeps the deletion apart');

    // Another baseline; then Diff off and on again returns to it.
    await cell(1, '.cell-baseline').click();
    assert.deepEqual(await cell(0, 'ins').allTextContents(), ['cat ']);
    assert.equal(await cell(0, '.baseline-mark').isVisible(), false);
    await diffButton.click();
    assert.equal(await panel.page.locator('.cell ins, .cell del').count(), 0);
    assert.equal(await cellText(1), 'the dog sat on the mat today');
    assert.equal((await lastState())?.baseline, undefined);
    await diffButton.click();
    assert.deepEqual((await lastState())?.baseline, { comparison: 'cmp-1', cell: 1 });
    // Pressing Baseline on the baseline ends diffing.
    await cell(1, '.cell-baseline').click();
    assert.equal(await diffButton.getAttribute('aria-pressed'), 'false');
  });

  it('comes back after a reload from saved state: grid, texts, numbers and baseline', async () => {
    const record = comparisonRecord();
    await openStarted(record);
    await update([{ index: 0, status: 'done', result: cellResult('alpha beta gamma') }, { index: 1, status: 'done', result: cellResult('alpha delta gamma') }]);
    await update([{ index: 2, status: 'running', append: 'streaming…' }], [{ index: 0, metrics: metrics(0.7, 0.2) }]);
    await cell(0, '.cell-baseline').click();
    const saved = await lastState();
    assert.ok(saved?.comparison);

    panel = await pages.open(saved);
    await panel.ready();
    assert.equal(await panel.text('.compare-title'), 'Comparison · story.prompt');
    assert.equal(await panel.page.locator('tbody .cell').count(), 6);
    assert.equal(await cellText(0), 'alpha beta gamma');
    assert.equal(await cellText(2), 'streaming…');
    assert.deepEqual(await cell(1, 'del').allTextContents(), ['beta ']);
    assert.deepEqual(await cell(1, 'ins').allTextContents(), ['delta ']);
    assert.equal(await cell(0, '.baseline-mark').isVisible(), true);
    assert.equal(await panel.page.locator('.compare-diff').getAttribute('aria-pressed'), 'true');
    assert.deepEqual(await texts('.column-metrics-cell .distinct-2 dd'), ['0.70', '–', '–']);
    assert.equal(await panel.text('.compare-status'), 'running 2/6');
    // The saved copy may be older than the host knows: the host's batches apply only once it has sent
    // its own record (compare/started, resumed), and carry on from that.
    await update([{ index: 2, append: ' more' }]);
    assert.equal(await cellText(2), 'streaming…');
    const host = structuredClone(saved.comparison);
    host.cells[2]!.text = 'streaming… and';
    await panel.send({ type: 'compare/started', payload: { comparison: host, resumed: true } });
    await update([{ index: 2, append: ' more' }]);
    assert.equal(await cellText(2), 'streaming… and more');
  });

  it('switches between the last run and the comparison, the newest shown first', async () => {
    panel = await pages.open();
    await panel.ready();
    await panel.send({ type: 'run/started', payload: { id: 'run-1', fileName: 'story.prompt', backend: 'local', model: '' } });
    await panel.flush();
    assert.equal(await panel.page.locator('.view-switch').isVisible(), false);
    await panel.send({ type: 'compare/started', payload: { comparison: comparisonRecord() } });
    await panel.flush();
    const [run, comparison] = [panel.page.locator('.run'), panel.page.locator('.comparison')];
    assert.equal(await panel.page.locator('.view-switch').isVisible(), true);
    assert.equal(await panel.page.locator('.view-comparison').getAttribute('aria-pressed'), 'true');
    assert.deepEqual([await run.isVisible(), await comparison.isVisible()], [false, true]);

    await panel.page.locator('.view-run').focus();
    await panel.page.keyboard.press('Enter');
    assert.deepEqual([await run.isVisible(), await comparison.isVisible()], [true, false]);
    assert.equal(await panel.page.locator('.view-run').getAttribute('aria-pressed'), 'true');
    assert.equal((await lastState())?.view, 'run');

    await panel.page.locator('.view-comparison').click();
    await panel.send({ type: 'run/started', payload: { id: 'run-2', fileName: 'story.prompt', backend: 'local', model: '' } });
    await panel.flush();
    assert.deepEqual([await run.isVisible(), await comparison.isVisible()], [true, false]);
  });
});
