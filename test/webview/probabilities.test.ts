// The probability view and the next-token explorer, driven by a fake host that answers the panel's
// requests (logprobs/get, nextTokens/get, nextTokens/continue) the way the extension does.
import * as assert from 'node:assert/strict';
import type { NextTokenDistribution, TokenProbability } from '../../src/shared/probabilities';
import type { HostMessage, RunHeader, RunResultView, WebviewMessage } from '../../src/shared/protocol';
import { comparisonRecord, cellResult } from './comparisonFixture';
import { panelPages, type FakeHostPage } from './fakeHost';

const header: RunHeader = { id: 'run-1', fileName: 'story.prompt', backend: 'local', model: 'stories260K' };
const result = (text: string): RunResultView => ({
  text, finishReason: 'stop', usage: { promptTokens: 5, completionTokens: 4, estimated: false }, latencyMs: 10,
  backend: 'local', model: 'stories260K', parameters: {}, warnings: [],
});

/** Four tokens, one per colour band but the middle one; the second has three alternatives. */
const tokens: TokenProbability[] = [
  { token: 'Once', logprob: Math.log(0.95), top: [{ token: 'Once', logprob: Math.log(0.95) }, { token: 'One', logprob: Math.log(0.03) }] },
  { token: ' upon', logprob: Math.log(0.05), top: [{ token: ' there', logprob: Math.log(0.6) }, { token: ' a', logprob: Math.log(0.2) }, { token: ' upon', logprob: Math.log(0.05) }] },
  { token: ' a', logprob: Math.log(0.7), top: [{ token: ' a', logprob: Math.log(0.7) }] },
  { token: ' time', logprob: Math.log(0.2), top: [{ token: ' time', logprob: Math.log(0.2) }, { token: '\n', logprob: Math.log(0.1) }] },
];

/** Powers of two, so float32 sums hit the top-p boundary exactly; ids 7 and 3 tie. */
const distribution = (extra: Partial<NextTokenDistribution> = {}): NextTokenDistribution => ({
  tokens: [
    { id: 10, text: ' upon', probability: 0.5 },
    { id: 11, text: ' there', probability: 0.25 },
    { id: 7, text: ' a', probability: 0.125 },
    { id: 3, text: ' the', probability: 0.125 },
  ],
  rest: { count: 0, probability: 0 },
  exact: true, backend: 'local', model: 'stories260K',
  position: { tokens: 6, after: 'Once', afterTokens: [42] },
  ...extra,
});

async function request(panel: FakeHostPage, type: WebviewMessage['type'], nth = 0): Promise<WebviewMessage> {
  await panel.page.waitForFunction(([t, n]) => (window as unknown as { __recorded: { posted: { type: string }[] } }).__recorded.posted.filter((m) => m.type === t).length > (n as number), [type, nth] as const);
  const { posted } = await panel.recorded();
  return posted.filter((message) => message.type === type)[nth]!;
}

async function reply(panel: FakeHostPage, to: WebviewMessage, message: Omit<HostMessage, 'replyTo'>): Promise<void> {
  assert.ok(to.id, 'a request carries an id');
  await panel.send({ ...message, replyTo: to.id });
  await panel.flush();
}

describe('panel webview: token probabilities and the next-token explorer (Chromium, fake host)', () => {
  const pages = panelPages();

  async function finishedRun(text = 'Once upon a time'): Promise<FakeHostPage> {
    const panel = await pages.open();
    await panel.ready();
    await panel.send({ type: 'run/started', payload: header });
    await panel.send({ type: 'run/finished', payload: { id: 'run-1', result: result(text) } });
    await panel.page.locator('.run .prob-toggle').waitFor();
    return panel;
  }

  async function heatmap(panel: FakeHostPage, shown: TokenProbability[] = tokens): Promise<void> {
    await panel.page.locator('.run .prob-toggle').click();
    const get = await request(panel, 'logprobs/get');
    assert.deepEqual(get.payload, { source: { kind: 'run', id: 'run-1' } });
    await reply(panel, get, { type: 'logprobs/reply', payload: { source: { kind: 'run', id: 'run-1' }, result: { kind: 'tokens', tokens: shown, backend: 'local', model: 'stories260K' } } });
  }

  it('asks for log-probabilities only when the view is opened, then colours each token by its band', async () => {
    const panel = await finishedRun();
    const before = await panel.recorded();
    assert.equal(before.posted.filter((m) => m.type === 'logprobs/get').length, 0, 'nothing is fetched before the toggle');
    await heatmap(panel);
    const classes = await panel.page.locator('.prob-token').evaluateAll((spans) => spans.map((span) => [span.textContent, span.className]));
    assert.deepEqual(classes, [
      ['Once', 'prob-token band-4'], [' upon', 'prob-token band-0'], [' a', 'prob-token band-3'], [' time', 'prob-token band-1'],
    ]);
    assert.equal(await panel.page.locator('.prob-tokens').textContent(), 'Once upon a time');
    assert.deepEqual(await panel.page.locator('.prob-swatch').allTextContents(), ['< 10%', '10–30%', '30–60%', '60–90%', '≥ 90%']);
    // The bands differ in colour in the theme (computed from the CSS variables).
    const colours = await panel.page.locator('.prob-swatch').evaluateAll((swatches) => swatches.map((s) => getComputedStyle(s).backgroundColor));
    assert.equal(new Set(colours).size, 5, colours.join(' | '));
    assert.equal(await panel.page.locator('.run-text').isHidden(), true);
    assert.equal(await panel.page.locator('.run .prob-toggle').getAttribute('aria-pressed'), 'true');
    // Pressed again: the plain text is back.
    await panel.page.locator('.run .prob-toggle').click();
    assert.equal(await panel.page.locator('.prob-view').count(), 0);
    assert.equal(await panel.page.locator('.run-text').isVisible(), true);
  });

  it('says so when the backend gave no probabilities', async () => {
    const panel = await finishedRun();
    await panel.page.locator('.run .prob-toggle').click();
    const get = await request(panel, 'logprobs/get');
    await reply(panel, get, { type: 'logprobs/reply', payload: { source: { kind: 'run', id: 'run-1' }, result: { kind: 'none', reason: 'my-server returned no token probabilities.' } } });
    assert.equal(await panel.text('.prob-none'), 'No token probabilities: my-server returned no token probabilities.');
  });

  it('shows the chosen token and its alternatives on hover', async () => {
    const panel = await finishedRun();
    await heatmap(panel);
    await panel.page.locator('.prob-token').nth(1).hover();
    await panel.page.locator('.prob-tip').waitFor({ state: 'visible' });
    assert.equal(await panel.text('.prob-tip-head'), 'Token 2: ␣upon · 5.0%');
    const rows = await panel.page.locator('.prob-alts tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    assert.deepEqual(rows.map((cells) => [cells[0], cells[2], cells[3]]), [['␣there', '60.0%', ''], ['␣a', '20.0%', ''], ['␣upon', '5.0%', 'chosen']]);
    // A chosen token outside the alternatives is added to them.
    await panel.page.locator('.prob-token').nth(3).hover();
    await panel.page.locator('.prob-tip-head', { hasText: 'Token 4' }).waitFor();
    assert.deepEqual(await panel.page.locator('.prob-alt-token').allTextContents(), ['␣time', '↵']);
  });

  it('moves between tokens with the keyboard and opens the explorer with Enter', async () => {
    const panel = await finishedRun();
    await heatmap(panel);
    // One tab stop: Tab from the toggle lands on the first token.
    await panel.page.locator('.run .prob-toggle').focus();
    await panel.page.keyboard.press('Tab');
    await panel.page.keyboard.press('Tab');
    assert.equal(await panel.page.evaluate(() => document.activeElement?.textContent), 'Once');
    assert.equal(await panel.text('.prob-tip-head'), 'Token 1: Once · 95.0%');
    await panel.page.keyboard.press('ArrowRight');
    await panel.page.keyboard.press('ArrowRight');
    assert.equal(await panel.page.evaluate(() => document.activeElement?.textContent), ' a');
    assert.equal(await panel.text('.prob-tip-head'), 'Token 3: ␣a · 70.0%');
    await panel.page.keyboard.press('End');
    assert.equal(await panel.page.evaluate(() => document.activeElement?.textContent), ' time');
    await panel.page.keyboard.press('ArrowLeft');
    assert.deepEqual(await panel.page.locator('.prob-token').evaluateAll((spans) => spans.map((span) => span.getAttribute('tabindex'))), ['-1', '-1', '0', '-1']);
    await panel.page.keyboard.press('Escape');
    assert.equal(await panel.page.locator('.prob-tip').isHidden(), true);
    await panel.page.keyboard.press('Enter');
    const get = await request(panel, 'nextTokens/get');
    assert.deepEqual(get.payload, { source: { kind: 'run', id: 'run-1' }, position: 2 });
    assert.equal(await panel.page.locator('.explorer').isVisible(), true);
    assert.match(await panel.text('.explorer-title'), /Next token at token 3 · the run after “…Once␣upon”/);
  });

  async function explorerOpen(): Promise<FakeHostPage> {
    const panel = await finishedRun();
    await heatmap(panel);
    await panel.page.locator('.prob-token').nth(1).click();
    const get = await request(panel, 'nextTokens/get');
    assert.deepEqual(get.payload, { source: { kind: 'run', id: 'run-1' }, position: 1 });
    await reply(panel, get, { type: 'nextTokens/reply', payload: { source: { kind: 'run', id: 'run-1' }, position: 1, result: { kind: 'distribution', distribution: distribution() } } });
    await panel.page.locator('.explorer-chart tbody tr').first().waitFor();
    return panel;
  }

  const slide = (panel: FakeHostPage, key: string, value: number) =>
    panel.page.locator(`.explorer-${key}`).evaluate((input, v) => {
      (input as HTMLInputElement).value = String(v);
      input.dispatchEvent(new Event('input', { bubbles: true }));
    }, value);

  /** The chart's rows: token, and the after-sampler cell's text. */
  const rows = (panel: FakeHostPage) => panel.page.locator('.explorer-chart tbody tr').evaluateAll((trs) =>
    trs.map((tr) => [tr.querySelector('th')!.textContent, tr.querySelector('td:last-child span:last-child')?.textContent ?? tr.querySelector('td:last-child')!.textContent]));

  it('shows the distribution, then each sampler stage at its exact boundary', async () => {
    const panel = await explorerOpen();
    assert.match(await panel.text('.explorer-status'), /^Exact: local · stories260K/);
    // Neutral settings: only the temperature stage, nothing cut; the chosen token ' upon' is selected.
    assert.deepEqual(await rows(panel), [['␣upon', '50.0%'], ['␣there', '25.0%'], ['␣a', '12.5%'], ['␣the', '12.5%'], ['the rest (0 tokens)', '0%']]);
    assert.equal(await panel.page.locator('.explorer-chart tr.selected th').textContent(), '␣upon');
    // top-k 3 with a tie at the third place: the lower id (3, ' the') stays.
    await slide(panel, 'topK', 3);
    assert.deepEqual((await rows(panel)).slice(0, 4), [['␣upon', '57.1%'], ['␣there', '28.6%'], ['␣a', 'cut by top-k'], ['␣the', '14.3%']]);
    // top-p 0.75 after top-k 3: 0.5714 + 0.2857 ≥ 0.75 at the second token.
    await slide(panel, 'topP', 0.75);
    assert.deepEqual((await rows(panel)).slice(0, 4), [['␣upon', '66.7%'], ['␣there', '33.3%'], ['␣a', 'cut by top-k'], ['␣the', 'cut by top-p']]);
    assert.deepEqual(await panel.page.locator('.explorer-chart thead th').allTextContents(), ['token', 'model', 'top-k 3', 'top-p 0.75', 'temperature 1.00', 'after sampler']);
    // Without top-k, top-p 0.75 ends exactly at the boundary: 0.5 + 0.25 = 0.75 keeps two.
    await slide(panel, 'topK', 0);
    assert.deepEqual((await rows(panel)).slice(0, 4), [['␣upon', '66.7%'], ['␣there', '33.3%'], ['␣a', 'cut by top-p'], ['␣the', 'cut by top-p']]);
    // Just past it, one more: of the tied pair, the lower id (3, ' the') comes first.
    await slide(panel, 'topP', 0.76);
    assert.deepEqual((await rows(panel)).slice(0, 4).map((row) => row[1]), ['57.1%', '28.6%', 'cut by top-p', '14.3%']);
    // min-p 0.3: tokens below 0.3 × 0.5 = 0.15 go.
    await slide(panel, 'topP', 1);
    await slide(panel, 'minP', 0.3);
    assert.deepEqual((await rows(panel)).slice(0, 4).map((row) => row[1]), ['66.7%', '33.3%', 'cut by min-p', 'cut by min-p']);
    // Temperature comes last and sharpens what is left: 0.5^2 : 0.25^2 at T 0.5.
    await slide(panel, 'temperature', 0.5);
    assert.deepEqual((await rows(panel)).slice(0, 2).map((row) => row[1]), ['80.0%', '20.0%']);
    assert.equal(await panel.text('.explorer-summary'), 'min-p keeps 2 → temperature keeps 2: 2 tokens can be drawn.');
    // Greedy: one token.
    await panel.page.locator('.explorer-greedy').check();
    assert.deepEqual((await rows(panel)).slice(0, 4).map((row) => row[1]), ['100.0%', 'cut by greedy', 'cut by greedy', 'cut by greedy']);
  });

  it('draws 100 tokens with the shown seed, always the same ones for a seed', async () => {
    const panel = await explorerOpen();
    await panel.page.locator('.explorer-seed').fill('5');
    await panel.page.locator('.explorer-sample-button').click();
    const counts = async () => panel.page.locator('.explorer-chart tbody tr').evaluateAll((trs) => trs.map((tr) => Number(tr.querySelector('td:last-child')!.textContent!.split(' ')[0])));
    const first = await counts();
    assert.equal(first.reduce((a, b) => a + b, 0), 100);
    assert.ok(first[0]! > 30 && first[0]! < 70, `about half draw the 0.5 token: ${first}`);
    assert.match(await panel.text('.explorer-summary'), /Drew 100 with seed 5\.$/);
    await panel.page.locator('.explorer-sample-button').click();
    assert.deepEqual(await counts(), first, 'the same seed draws the same tokens');
    // With top-k 1 every draw is the most probable token.
    await slide(panel, 'topK', 1);
    await panel.page.locator('.explorer-sample-button').click();
    assert.deepEqual(await counts(), [100, 0, 0, 0, 0]);
  });

  it('continues with a chosen token and shows the branch beside the original', async () => {
    const panel = await explorerOpen();
    await panel.page.locator('.explorer-chart tbody tr').nth(1).click();
    await slide(panel, 'temperature', 0.8);
    assert.equal(await panel.text('.explorer-continue'), 'Continue with “␣there”');
    await panel.page.locator('.explorer-continue').click();
    const go = await request(panel, 'nextTokens/continue');
    assert.deepEqual(go.payload, { source: { kind: 'run', id: 'run-1' }, position: 1, token: { id: 11, text: ' there' }, settings: { temperature: 0.8, topK: 0, topP: 1, minP: 0 } });
    await reply(panel, go, { type: 'nextTokens/branch', payload: { result: { kind: 'branch', id: 'b-1', from: { kind: 'run', id: 'run-1' }, position: 1, before: 'Once', forced: ' there', text: ' there was a cat', finishReason: 'stop' } } });
    const cards = await panel.page.locator('.branch').evaluateAll((articles) => articles.map((a) => [a.querySelector('h3')!.textContent, a.querySelector('pre')!.textContent, a.querySelector('mark')!.textContent]));
    assert.deepEqual(cards, [['original', ' upon a time', ' upon'], ['with “␣there”', ' there was a cat', ' there']]);
  });

  it('keeps the explorer over a reload: its position, sliders, seed and picked token; the distribution is asked for again', async () => {
    const panel = await explorerOpen();
    await slide(panel, 'temperature', 0.5);
    await slide(panel, 'topK', 3);
    await panel.page.locator('.explorer-seed').fill('9');
    await panel.page.locator('.explorer-sample-button').click();
    await panel.page.locator('.explorer-chart tbody tr').nth(1).click();
    await panel.page.evaluate(() => window.dispatchEvent(new Event('pagehide'))); // a reload flushes the pending save
    const { states } = await panel.recorded();
    const saved = states[states.length - 1]!;
    assert.deepEqual(saved.explorer, {
      source: { kind: 'run', id: 'run-1' }, position: 1, label: 'the run', tokens: tokens.map((token) => token.token),
      settings: { temperature: 0.5, topK: 3, topP: 1, minP: 0 }, seed: 9, selected: 11,
    });
    const reloaded = await pages.open(saved);
    await reloaded.ready();
    const get = await request(reloaded, 'nextTokens/get');
    assert.deepEqual(get.payload, { source: { kind: 'run', id: 'run-1' }, position: 1 });
    await reply(reloaded, get, { type: 'nextTokens/reply', payload: { source: { kind: 'run', id: 'run-1' }, position: 1, result: { kind: 'distribution', distribution: distribution() } } });
    await reloaded.page.locator('.explorer-chart tbody tr').first().waitFor();
    assert.match(await reloaded.text('.explorer-title'), /Next token at token 2 · the run after “…Once”/);
    assert.equal(await reloaded.page.locator('.explorer-temperature').inputValue(), '0.5');
    assert.equal(await reloaded.page.locator('.explorer-topK').inputValue(), '3');
    assert.equal(await reloaded.page.locator('.explorer-seed').inputValue(), '9');
    assert.equal(await reloaded.page.locator('.explorer-chart tr.selected th').textContent(), '␣there');
    assert.deepEqual((await rows(reloaded)).slice(0, 4).map((row) => row[1]), ['76.2%', '19.0%', 'cut by top-k', '4.8%']);
    // Closing it forgets it.
    await reloaded.page.locator('.explorer-close').click();
    await reloaded.page.evaluate(() => window.dispatchEvent(new Event('pagehide')));
    const after = (await reloaded.recorded()).states;
    assert.equal(after[after.length - 1]!.explorer, undefined);
  });

  it('says when a backend has no distribution, and marks an OpenAI one partial', async () => {
    const panel = await finishedRun();
    await panel.page.locator('.run .explore-prompt').click();
    const tokensGet = await request(panel, 'logprobs/get');
    await reply(panel, tokensGet, { type: 'logprobs/reply', payload: { source: { kind: 'run', id: 'run-1' }, result: { kind: 'none', reason: 'none' } } });
    const get = await request(panel, 'nextTokens/get');
    assert.deepEqual(get.payload, { source: { kind: 'run', id: 'run-1' }, position: 0 });
    await reply(panel, get, { type: 'nextTokens/reply', payload: { source: { kind: 'run', id: 'run-1' }, position: 0, result: { kind: 'unavailable', reason: 'azure cannot show the next-token distribution.' } } });
    assert.equal(await panel.text('.explorer-status'), 'No next-token distribution: azure cannot show the next-token distribution.');
    await panel.page.locator('.run .explore-prompt').click();
    await reply(panel, await request(panel, 'logprobs/get', 1), { type: 'logprobs/reply', payload: { source: { kind: 'run', id: 'run-1' }, result: { kind: 'none', reason: 'none' } } });
    await reply(panel, await request(panel, 'nextTokens/get', 1), { type: 'nextTokens/reply', payload: { source: { kind: 'run', id: 'run-1' }, position: 0, result: { kind: 'distribution', distribution: distribution({ exact: false, backend: 'openai', model: 'gpt-4o-mini', rest: { probability: 0.1 }, tokens: distribution().tokens.map((t, i) => ({ ...t, id: -1 - i, probability: t.probability * 0.9 })) }) } } });
    assert.match(await panel.text('.explorer-status'), /^Partial \(top 4\): openai · gpt-4o-mini .* the rest hold 10\.0%\.$/);
    assert.equal(await panel.text('.explorer-title'), 'Next token after the prompt · run · story.prompt');
    // top-p 0.99 over 20 listed tokens could keep unlisted ones: the view says it treats them as cut.
    await slide(panel, 'topP', 0.99);
    assert.match(await panel.text('.explorer-summary'), /Unlisted tokens could pass these cuts; they are treated as cut\.$/);
  });

  it('keeps hostile token text inert in the heatmap, the tooltip, the chart and branches', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1">';
    const script = '<script>window.__pwned=2</script>';
    const panel = await finishedRun(`${hostile}${script}`);
    await heatmap(panel, [
      { token: hostile, logprob: Math.log(0.5), top: [{ token: script, logprob: Math.log(0.4) }] },
      { token: script, logprob: Math.log(0.9), top: [] },
    ]);
    await panel.page.locator('.prob-token').first().hover();
    await panel.page.locator('.prob-tip').waitFor({ state: 'visible' });
    assert.equal(await panel.page.locator('.prob-tokens').textContent(), `${hostile}${script}`);
    await panel.page.locator('.prob-token').first().click();
    const get = await request(panel, 'nextTokens/get');
    await reply(panel, get, { type: 'nextTokens/reply', payload: { source: { kind: 'run', id: 'run-1' }, position: 0, result: { kind: 'distribution', distribution: distribution({ tokens: [{ id: 1, text: hostile, probability: 0.6 }, { id: 2, text: script, probability: 0.4 }] }) } } });
    await panel.page.locator('.explorer-continue').click();
    const go = await request(panel, 'nextTokens/continue');
    await reply(panel, go, { type: 'nextTokens/branch', payload: { result: { kind: 'branch', id: 'b', from: { kind: 'run', id: 'run-1' }, position: 0, before: '', forced: hostile, text: `${hostile}${script}`, finishReason: 'stop' } } });
    assert.equal(await panel.page.locator('#app img, #app script').count(), 0);
    assert.equal(await panel.page.locator('.explorer-token').first().textContent(), '<img␣src=x␣onerror="window.__pwned=1">');
    await panel.page.waitForTimeout(100);
    assert.equal(await panel.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  });

  it('gives every ended comparison cell its own probability view', async () => {
    const panel = await pages.open();
    await panel.ready();
    const record = comparisonRecord();
    await panel.send({ type: 'compare/started', payload: { comparison: record } });
    const toggle = panel.page.locator('td[data-cell="4"] .prob-toggle');
    assert.equal(await toggle.isHidden(), true, 'no toggle while the cell is queued');
    await panel.send({ type: 'compare/update', payload: { id: record.id, cells: [{ index: 4, status: 'done', result: cellResult('Once upon') }] } });
    await toggle.click();
    const get = await request(panel, 'logprobs/get');
    assert.deepEqual(get.payload, { source: { kind: 'cell', comparison: 'cmp-1', cell: 4 } });
    await reply(panel, get, { type: 'logprobs/reply', payload: { source: { kind: 'cell', comparison: 'cmp-1', cell: 4 }, result: { kind: 'tokens', tokens: tokens.slice(0, 2), backend: 'openai', model: 'gpt-4o-mini' } } });
    assert.equal(await panel.page.locator('td[data-cell="4"] .prob-token').count(), 2);
    assert.equal(await panel.page.locator('td[data-cell="4"] .cell-text').isHidden(), true);
    assert.equal(await panel.page.locator('td[data-cell="3"] .prob-token').count(), 0);
  });
});
