// The eval view, driven by a fake host: eval/started → eval/update…, the matrix, its filters, a
// cell's detail, hostile text, what the panel posts back, state after a reload, and the rendering
// work of a 200-test × 4-column eval.
import * as assert from 'node:assert/strict';
import type { AssertionResult, EvalCellUpdate, EvalRecord, PanelState, WebviewMessage } from '../../src/shared/protocol';
import { cellResult, comparisonRecord } from './comparisonFixture';
import { panelPages, type FakeHostPage } from './fakeHost';

/** `tests` tests × `columns` temperatures, one sample each: cell = test × columns + column. */
function evalRecord(tests: number, columns: number[], vars: (test: number) => Record<string, unknown> = (test) => ({ city: `City ${test}` })): EvalRecord {
  const comparison = comparisonRecord({ id: 'eval-1' }, columns, tests);
  return {
    ...comparison,
    kind: 'eval',
    dataset: 'file:///ws/story.tests.yaml',
    samplesPerTest: 1,
    tests: Array.from({ length: tests }, (_, index) => ({ index, file: 'story.tests.yaml', position: { line: index * 3, character: 2 }, vars: vars(index), problems: [] })),
    problems: [],
    cells: comparison.cells.map((cell) => ({ ...cell, test: cell.sample, testSample: 0 })),
  };
}

const assertion = (pass: boolean, reason: string, type = 'contains'): AssertionResult => ({ type, pass, score: pass ? 1 : 0, reason, weight: 1 });
const graded = (index: number, pass: boolean, text = `output ${index}`, reason = pass ? 'found it' : 'Expected output to contain "Paris"'): EvalCellUpdate => ({
  index, status: 'done', result: cellResult(text),
  assertions: [assertion(pass, reason)],
  outcome: { pass, score: pass ? 1 : 0, reason: pass ? 'All assertions passed' : `contains: ${reason}`, namedScores: {}, error: false },
});

describe('panel webview: evals (Chromium, fake host)', () => {
  const pages = panelPages();
  let panel: FakeHostPage;

  async function openStarted(record: EvalRecord, saved?: PanelState): Promise<FakeHostPage> {
    panel = await pages.open(saved);
    await panel.ready();
    await panel.send({ type: 'eval/started', payload: { evaluation: record } });
    await panel.flush();
    return panel;
  }
  async function update(cells: EvalCellUpdate[]): Promise<void> {
    await panel.send({ type: 'eval/update', payload: { id: 'eval-1', cells } });
    await panel.flush();
  }
  const texts = (selector: string) => panel.page.locator(selector).allTextContents();
  const posted = async <T extends WebviewMessage['type']>(type: T) =>
    (await panel.recorded()).posted.filter((message) => message.type === type).map((message) => message.payload);
  const matrixCell = (test: number, column: number) => panel.page.locator(`.eval-cell[data-test="${test}"][data-column="${column}"]`);

  it('renders the matrix from eval/started and streams verdicts, scores and pass rates into it', async () => {
    await openStarted(evalRecord(3, [0, 1]));
    assert.equal(await panel.text('.compare-title'), 'Eval · story.prompt');
    assert.equal(await panel.text('.eval-shape'), '3 tests × 2 columns');
    assert.deepEqual(await texts('.eval-test-name'), ['city=City 0', 'city=City 1', 'city=City 2']);
    assert.deepEqual(await texts('.eval-column-header'), ['temperature 0', 'temperature 1']);
    assert.equal(await panel.text('.eval-status'), 'running 0/6 cells');
    assert.equal(await matrixCell(0, 0).getAttribute('aria-label'), 'city=City 0, temperature 0: pending');

    await update([{ index: 0, status: 'running', append: 'Par' }, graded(1, false), graded(2, true)]);
    assert.equal(await matrixCell(0, 0).getAttribute('aria-busy'), 'true');
    assert.equal(await matrixCell(0, 1).innerText(), '✗\n0.00');
    assert.equal(await matrixCell(0, 1).getAttribute('title'), 'contains: Expected output to contain "Paris"');
    assert.equal(await matrixCell(1, 0).getAttribute('aria-label'), 'city=City 1, temperature 0: passed, score 1.00');
    assert.deepEqual(await texts('.eval-pass-rate'), ['100% · 1/1', '0% · 0/1']);
    assert.equal(await panel.text('.eval-status'), 'running 2/6 cells · 1/2 passed');

    await update([graded(0, true), graded(3, true), graded(4, false), graded(5, true)]);
    assert.deepEqual(await texts('.eval-pass-rate'), ['67% · 2/3', '67% · 2/3']);
    assert.equal(await panel.text('.eval-status'), 'done · 4/6 passed');
    assert.equal(await panel.page.locator('.eval-rerun-failed').isVisible(), true);
    assert.equal(await panel.page.locator('.eval-stop-all').isVisible(), false);
  });

  it('filters to failures and to one column, and saves the choice', async () => {
    await openStarted(evalRecord(3, [0, 1]));
    await update([graded(0, true), graded(1, false), graded(2, true), graded(3, true), graded(4, true), graded(5, true)]);
    await panel.page.locator('.eval-failures-only').check();
    assert.deepEqual(await panel.page.locator('.eval-test-name:visible').allTextContents(), ['city=City 0']);
    await panel.page.locator('.eval-column-filter').selectOption('0');
    // Test 0 fails only in column 1: with column 0 alone, no test fails.
    assert.equal(await panel.page.locator('.eval-test-name:visible').count(), 0);
    assert.equal(await panel.page.locator('.eval-empty').isVisible(), true);
    assert.equal(await panel.page.locator('.eval-column-header:visible').count(), 1);
    const state = (await panel.recorded()).states.at(-1);
    assert.deepEqual(state?.evalView, { evaluation: 'eval-1', failuresOnly: true, column: 0 });
  });

  it('opens a cell: its output, each assertion\'s result and reason, and the word diff against the expected answer', async () => {
    await openStarted(evalRecord(1, [0], () => ({ question: 'Capital?', expected: 'The capital is Paris' })));
    await update([{ ...graded(0, false, 'The capital is Rome'), assertions: [assertion(false, 'Expected "Paris"'), assertion(true, 'Under 50 words', 'word-count')] }]);
    await matrixCell(0, 0).click();
    assert.equal(await matrixCell(0, 0).getAttribute('aria-expanded'), 'true');
    assert.equal(await panel.text('.eval-detail h3'), 'Capital? · temperature 0'.replace('Capital? ', 'question=Capital?, expected=The capital is Paris '));
    assert.deepEqual(await texts('.eval-assertion-type'), ['contains', 'word-count']);
    assert.deepEqual(await texts('.eval-assertion-reason'), ['Expected "Paris"', 'Under 50 words']);
    assert.deepEqual((await texts('.eval-output del')).map((text) => text.trim()), ['Paris']);
    assert.deepEqual((await texts('.eval-output ins')).map((text) => text.trim()), ['Rome']);
    // Escape closes it and gives the focus back to the cell.
    await panel.page.locator('.eval-output').focus();
    await panel.page.keyboard.press('Escape');
    assert.equal(await panel.page.locator('.eval-detail').isVisible(), false);
    assert.equal(await panel.page.evaluate(() => document.activeElement?.getAttribute('data-test')), '0');
  });

  it('shows hostile text as text: test names, vars, outputs and reasons never become markup', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>';
    await openStarted(evalRecord(1, [0], () => ({ city: hostile, expected: hostile })));
    await update([{ ...graded(0, false, `${hostile} and more`, hostile) }]);
    await matrixCell(0, 0).click();
    assert.equal(await panel.page.locator('.evaluation img, .evaluation script').count(), 0);
    assert.equal(await panel.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.match(await panel.text('.eval-test-name'), /<img src=x/);
    assert.match(await panel.text('.eval-assertion-reason'), /<script>/);
  });

  it('posts Stop, Rerun failed and Export for the eval shown', async () => {
    await openStarted(evalRecord(2, [0]));
    await panel.page.locator('.eval-stop-all').click();
    await update([graded(0, false), graded(1, true)]);
    await panel.page.locator('.eval-rerun-failed').click();
    await panel.page.locator('.eval-export-toggle').click();
    await panel.page.locator('.eval-export-junit').click();
    assert.deepEqual(await posted('eval/stop'), [{ id: 'eval-1' }]);
    assert.deepEqual(await posted('eval/rerunFailed'), [{ id: 'eval-1' }]);
    assert.deepEqual(await posted('eval/export'), [{ id: 'eval-1', format: 'junit' }]);
  });

  it('comes back after a reload as it was: the record, the filters, the opened cell', async () => {
    await openStarted(evalRecord(2, [0, 1]));
    await update([graded(0, true), graded(1, false), graded(2, true), graded(3, true)]);
    await panel.page.locator('.eval-failures-only').check();
    await matrixCell(0, 1).click();
    await panel.page.evaluate(() => window.dispatchEvent(new Event('pagehide')));
    const saved = (await panel.recorded()).states.at(-1)!;
    panel = await pages.open(saved);
    await panel.ready();
    assert.equal(await panel.page.locator('.eval-failures-only').isChecked(), true);
    assert.deepEqual(await panel.page.locator('.eval-test-name:visible').allTextContents(), ['city=City 0']);
    assert.equal(await panel.page.locator('.eval-detail').isVisible(), true);
    assert.deepEqual(await texts('.eval-pass-rate'), ['100% · 2/2', '50% · 1/2']);
  });

  it('rates each output of an ended eval from the keyboard, keyed cell:<index>; a note form\'s Escape leaves the detail open', async () => {
    await openStarted(evalRecord(2, [0, 1]));
    await update([graded(0, true, 'Paris'), graded(1, false, 'Rome'), graded(2, true)]);
    await matrixCell(0, 0).click();
    assert.equal(await panel.page.locator('.eval-detail .feedback').count(), 0, 'not rated while the eval runs (it is not in history yet)');
    assert.equal((await posted('feedback/load')).length, 0);
    await update([graded(3, true)]);
    // The eval ended: the opened cell's output can be rated, and the saved feedback is asked for.
    await panel.page.locator('.eval-detail .feedback').waitFor();
    assert.deepEqual(await posted('feedback/load'), [{ recordIds: ['eval-1'] }]);
    const up = panel.page.getByRole('button', { name: 'Good completion: city=City 0 · temperature 0' });
    const down = panel.page.getByRole('button', { name: 'Bad completion: city=City 0 · temperature 0' });
    // From the output, Tab reaches 👍 (the controls sit under it); Enter rates, Space on 👎 moves it.
    await panel.page.locator('.eval-output').focus();
    await panel.page.keyboard.press('Tab');
    assert.ok(await up.evaluate((element) => element === document.activeElement), 'Tab from the output reaches 👍');
    await panel.page.keyboard.press('Enter');
    assert.equal(await up.getAttribute('aria-pressed'), 'true');
    await panel.page.keyboard.press('Tab');
    await panel.page.keyboard.press('Space');
    assert.equal(await down.getAttribute('aria-pressed'), 'true');
    assert.equal(await up.getAttribute('aria-pressed'), 'false');
    assert.deepEqual(await posted('feedback/rate'), [
      { recordId: 'eval-1', completion: 'cell:0', rating: 'up' },
      { recordId: 'eval-1', completion: 'cell:0', rating: 'down' },
    ]);
    // Note…: Enter opens the form, Escape closes only it (focus back on Note…), the detail stays.
    await panel.page.keyboard.press('Tab');
    await panel.page.keyboard.press('Enter');
    const note = panel.page.getByRole('textbox', { name: 'Note on city=City 0 · temperature 0' });
    assert.ok(await note.evaluate((element) => element === document.activeElement));
    await panel.page.keyboard.press('Escape');
    assert.equal(await panel.page.locator('.eval-detail').isVisible(), true, 'Escape in the form does not close the detail');
    assert.equal(await panel.page.evaluate(() => document.activeElement?.className), 'action feedback-note');
    await panel.page.keyboard.press('Enter');
    await panel.page.keyboard.type('wrong city');
    await panel.page.keyboard.press('Tab');
    await panel.page.keyboard.press('Control+A');
    await panel.page.keyboard.type('Paris is the capital.');
    await panel.page.keyboard.press('Control+Enter');
    assert.deepEqual(await posted('feedback/annotate'), [{ recordId: 'eval-1', completion: 'cell:0', note: 'wrong city', betterAnswer: 'Paris is the capital.' }]);
    // The host's saved feedback shows on the cell it names: test 1 in column 1 is cell 3.
    await panel.send({ type: 'feedback/show', payload: { recordId: 'eval-1', feedback: { 'cell:3': { rating: 'up' } } } });
    await matrixCell(1, 1).click();
    assert.equal(await panel.page.getByRole('button', { name: 'Good completion: city=City 1 · temperature 1' }).getAttribute('aria-pressed'), 'true');
    assert.equal(await panel.page.locator('.eval-sample[data-cell="3"] .feedback').count(), 1);
  });

  it('keeps a 200-test × 4-column eval responsive: each batch redraws only the matrix cells it touched', async () => {
    const record = evalRecord(200, [0, 0.5, 1, 1.5]);
    await openStarted(record);
    assert.equal(await panel.page.locator('.eval-cell').count(), 800);
    // Count the matrix cells whose contents change per batch.
    await panel.page.evaluate(() => {
      const touched = new Set<Element>();
      (window as unknown as { __touched: Set<Element> }).__touched = touched;
      new MutationObserver((records) => {
        for (const mutation of records) {
          const cell = (mutation.target as Element).closest?.('.eval-cell') ?? (mutation.target.parentElement?.closest('.eval-cell'));
          if (cell) touched.add(cell);
          else if (!(mutation.target as Element).closest?.('.eval-header, .eval-summary-row, .eval-detail')) touched.add(mutation.target as Element);
        }
      }).observe(document.querySelector('.eval-matrix')!, { subtree: true, childList: true, attributes: true, characterData: true });
    });
    const touched = () => panel.page.evaluate(() => {
      const set = (window as unknown as { __touched: Set<Element> }).__touched;
      const size = set.size;
      set.clear();
      return size;
    });
    // Batches of 8 cells starting, over the whole eval, then their text streaming.
    for (let start = 0; start < 800; start += 80) {
      await update(Array.from({ length: 8 }, (_, offset) => ({ index: start + offset, status: 'running' as const, append: 'tok ' })));
      assert.ok(await touched() <= 8, 'a batch of 8 cells starting redraws at most those 8 matrix cells');
    }
    for (let batch = 0; batch < 5; batch++) {
      await update(Array.from({ length: 8 }, (_, offset) => ({ index: offset * 80, append: 'more text ' })));
      assert.equal(await touched(), 0, 'streamed text alone redraws no matrix cell (the matrix shows no text)');
    }
    await update(Array.from({ length: 40 }, (_, offset) => graded(400 + offset, offset % 2 === 0)));
    assert.ok(await touched() <= 40, 'grading 40 cells redraws those 40');
    assert.equal(await panel.page.locator('.eval-cell.verdict-fail').count(), 20);
    // The matrix was built once: the same 800 buttons (no rebuild replaced them).
    assert.equal(await panel.page.evaluate(() => document.querySelectorAll('.eval-cell').length), 800);
  });
});
