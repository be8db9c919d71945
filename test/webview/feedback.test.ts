// Feedback in the panel, driven by a fake host: 👍/👎 under a run and under each comparison cell
// (aria-pressed toggles, keyboard), a note and an edited better answer, the host's saved feedback
// and its failures shown, the record comparison view, and what survives a reload.
import * as assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { PanelState, RecordComparisonView, RunHeader, RunResultView, WebviewMessage } from '../../src/shared/protocol';
import { panelPages, type FakeHostPage } from './fakeHost';

const header: RunHeader = { id: 'run-7', fileName: 'story.prompt', backend: 'local', model: 'stories260K' };
const result = (text: string): RunResultView => ({
  text, finishReason: 'stop', usage: { promptTokens: 3, completionTokens: 5, estimated: false }, latencyMs: 10,
  backend: 'local', model: 'stories260K', parameters: {}, warnings: [],
});

const posted = async (panel: FakeHostPage, type: string): Promise<WebviewMessage[]> =>
  (await panel.recorded()).posted.filter((message) => message.type === type);

describe('panel webview: feedback on completions (Chromium, fake host)', () => {
  const pages = panelPages();

  async function finishedRun(saved?: PanelState): Promise<FakeHostPage> {
    const panel = await pages.open(saved);
    await panel.ready();
    await panel.send({ type: 'run/started', payload: header });
    await panel.send({ type: 'run/finished', payload: { id: header.id, result: result('The cat sat.') } });
    await panel.page.locator('.run .feedback').waitFor();
    return panel;
  }

  it('rates a run 👍 from the keyboard, saves at once, and shows what the host saved', async () => {
    const panel = await finishedRun();
    assert.deepEqual((await posted(panel, 'feedback/load')).map((m) => m.payload), [{ recordIds: ['run-7'] }], 'asks for the saved feedback of the finished run');
    const up = panel.page.getByRole('button', { name: 'Good completion: the run of story.prompt' });
    const down = panel.page.getByRole('button', { name: 'Bad completion: the run of story.prompt' });
    assert.equal(await up.getAttribute('aria-pressed'), 'false');
    // The thumbs are drawn, not emoji (an emoji font is not on every machine): in the button's own
    // colour, whatever the theme, and silent for a screen reader (the label says it).
    for (const button of [up, down]) {
      const icon = button.locator('svg.feedback-icon');
      assert.equal(await icon.getAttribute('aria-hidden'), 'true');
      assert.equal(await icon.evaluate((svg) => getComputedStyle(svg).fill), await button.evaluate((node) => getComputedStyle(node).color));
    }
    assert.deepEqual([await up.textContent(), await down.textContent()], ['Good', 'Bad']);
    const shots = process.env.PROMPT_LAB_SHOTS;
    if (shots) {
      mkdirSync(shots, { recursive: true });
      await panel.page.locator('.run .feedback').screenshot({ path: path.join(shots, 'feedback.png') });
    }
    await up.focus();
    await panel.page.keyboard.press('Enter');
    assert.equal(await up.getAttribute('aria-pressed'), 'true', 'pressed at once');
    assert.deepEqual((await posted(panel, 'feedback/rate')).map((m) => m.payload), [{ recordId: 'run-7', completion: 'run', rating: 'up' }]);
    // Space on 👎: the rating moves; pressing it again clears it.
    await down.focus();
    await panel.page.keyboard.press('Space');
    assert.equal(await up.getAttribute('aria-pressed'), 'false');
    assert.equal(await down.getAttribute('aria-pressed'), 'true');
    await down.click();
    assert.equal(await down.getAttribute('aria-pressed'), 'false');
    assert.deepEqual((await posted(panel, 'feedback/rate')).map((m) => (m.payload as { rating: unknown }).rating), ['up', 'down', null]);
    // The host's answer is the truth: it said 👎 was saved.
    await panel.send({ type: 'feedback/show', payload: { recordId: 'run-7', feedback: { run: { rating: 'down' } } } });
    await panel.flush();
    assert.equal(await down.getAttribute('aria-pressed'), 'true');
    const { states } = await panel.recorded();
    assert.deepEqual(states.at(-1)?.feedback, { 'run-7': { run: { rating: 'down' } } }, 'kept in the panel state');
  });

  it('writes a note and an edited better answer; Escape closes without saving; a failure is said', async () => {
    const panel = await finishedRun();
    const note = panel.page.getByRole('button', { name: 'Note or better answer: the run of story.prompt' });
    await note.click();
    assert.equal(await note.getAttribute('aria-expanded'), 'true');
    const noteText = panel.page.getByRole('textbox', { name: 'Note on the run of story.prompt' });
    const better = panel.page.getByRole('textbox', { name: 'Better answer for the run of story.prompt' });
    assert.equal(await better.inputValue(), 'The cat sat.', 'starts from the completion');
    assert.ok(await noteText.evaluate((element) => element === document.activeElement), 'focus moves into the form');
    await noteText.fill('too short');
    await panel.page.keyboard.press('Escape');
    assert.equal(await panel.page.locator('.feedback-form').count(), 0);
    assert.ok(await note.evaluate((element) => element === document.activeElement), 'focus returns to the button');
    assert.equal((await posted(panel, 'feedback/annotate')).length, 0, 'Escape saves nothing');

    await note.click();
    await noteText.fill('too short');
    await better.fill('The cat sat on the warm mat.');
    await panel.page.keyboard.press('Control+Enter');
    assert.deepEqual((await posted(panel, 'feedback/annotate')).map((m) => m.payload), [
      { recordId: 'run-7', completion: 'run', note: 'too short', betterAnswer: 'The cat sat on the warm mat.' },
    ]);
    assert.match(await panel.text('.run .feedback-summary'), /Note: too short · Better answer saved/);
    // An unedited better answer is not one.
    await note.click();
    await panel.page.getByRole('textbox', { name: 'Better answer for the run of story.prompt' }).fill('The cat sat.');
    await panel.page.getByRole('button', { name: 'Save' }).click();
    assert.equal(((await posted(panel, 'feedback/annotate')).at(-1)!.payload as { betterAnswer: string }).betterAnswer, '');

    await panel.send({ type: 'feedback/failed', payload: { recordId: 'run-7', completion: 'run', message: 'Not saved: history is off' } });
    await panel.page.locator('.run .feedback-problem', { hasText: 'Not saved: history is off' }).waitFor();
    assert.equal(await panel.page.locator('.run .feedback-problem').getAttribute('role'), 'alert');
  });

  it('rates each comparison cell under its own key once it ended', async () => {
    const panel = await pages.open();
    await panel.ready();
    const comparison = {
      version: 1 as const, id: 'cmp-1', createdAt: '2026-12-04T10:00:00.000Z',
      prompt: { file: 'file:///w/story.prompt', fileName: 'story.prompt', sha256: 'abc', messages: [{ role: 'user', content: 'Once' }] },
      backend: 'local', model: '', axes: [{ name: 'temperature' as const, values: [0, 1] }], samples: 1, seeds: [3], settings: {},
      columns: [{ label: 'temperature 0', settings: { temperature: 0 } }, { label: 'temperature 1', settings: { temperature: 1 } }],
      cells: [
        { column: 0, sample: 0, seed: 3, status: 'done' as const, text: 'a cat', result: result('a cat') },
        { column: 1, sample: 0, seed: 3, status: 'running' as const, text: 'a d' },
      ],
    };
    await panel.send({ type: 'compare/started', payload: { comparison } });
    await panel.page.locator('td[data-cell="0"] .feedback').waitFor();
    assert.equal(await panel.page.locator('td[data-cell="1"] .feedback').isHidden(), true, 'a running cell is not rated yet');
    await panel.page.getByRole('button', { name: 'Bad completion: temperature 0, sample 1' }).click();
    assert.deepEqual((await posted(panel, 'feedback/rate')).map((m) => m.payload), [{ recordId: 'cmp-1', completion: 'cell:0', rating: 'down' }]);
    await panel.send({ type: 'compare/update', payload: { id: 'cmp-1', cells: [{ index: 1, status: 'done', result: result('a dog') }] } });
    await panel.page.locator('td[data-cell="1"] .feedback').waitFor();
    await panel.send({ type: 'feedback/show', payload: { recordId: 'cmp-1', feedback: { 'cell:1': { rating: 'up', note: 'nice' } } } });
    await panel.flush();
    assert.equal(await panel.page.getByRole('button', { name: 'Good completion: temperature 1, sample 1' }).getAttribute('aria-pressed'), 'true');
    assert.match(await panel.text('td[data-cell="1"] .feedback-summary'), /Note: nice/);
    assert.ok((await posted(panel, 'feedback/load')).some((m) => (m.payload as { recordIds: string[] }).recordIds.includes('cmp-1')), 'asks once the comparison settled');
  });

  it('shows the saved rating after a reload and asks the host again', async () => {
    const first = await finishedRun();
    await first.send({ type: 'feedback/show', payload: { recordId: 'run-7', feedback: { run: { rating: 'up' } } } });
    await first.flush();
    const saved = (await first.recorded()).states.at(-1)!;
    const second = await pages.open(saved);
    await second.ready();
    await second.page.locator('.run .feedback').waitFor();
    assert.equal(await second.page.getByRole('button', { name: 'Good completion: the run of story.prompt' }).getAttribute('aria-pressed'), 'true');
    assert.deepEqual((await posted(second, 'feedback/load')).map((m) => m.payload), [{ recordIds: ['run-7'] }]);
  });

  it('shows two records side by side: prompt diff, differing settings, completions with word diffs', async () => {
    const panel = await pages.open();
    await panel.ready();
    const side = (id: string, text: string, prompt: string) => ({ id, kind: 'run', createdAt: '2026-12-04T10:00:00.000Z', fileName: 'story.prompt', backend: 'local', model: 'm', promptText: prompt, completions: [{ key: 'run', label: 'run', text, status: 'done' }] });
    const view: RecordComparisonView = {
      left: side('a', 'the cat sat', 'user: Once upon a time'),
      right: side('b', 'the <b>dog</b> sat', 'user: Once upon a dark time'),
      settings: [{ name: 'backend', left: 'local', right: 'local', differs: false }, { name: 'sent: temperature', left: '0', right: '1', differs: true }],
      pairs: [{ label: 'run', left: { key: 'run', label: 'run', text: 'the cat sat', status: 'done' }, right: { key: 'run', label: 'run', text: 'the <b>dog</b> sat', status: 'done' } }],
    };
    await panel.send({ type: 'records/show', payload: { view } });
    await panel.page.locator('.records-settings').waitFor();
    assert.equal(await panel.page.locator('.records').isVisible(), true);
    assert.equal(await panel.page.locator('.records-diff ins').first().textContent(), 'dark ');
    assert.match(await panel.text('.records h3 >> nth=3'), /1 differs/);
    assert.equal(await panel.page.locator('.records-settings tr.differs th').innerText(), 'sent: temperature ≠');
    assert.equal(await panel.page.locator('.records-completions del').textContent(), 'cat ');
    assert.equal(await panel.page.locator('.records-completions ins').textContent(), '<b>dog</b> ', 'model text stays text');
    await panel.page.getByRole('button', { name: 'Close' }).click();
    assert.equal(await panel.page.locator('.records').isHidden(), true);
  });
});
