// The run section of the panel, driven by a fake host: run/started → run/token… → run/finished.
import * as assert from 'node:assert/strict';
import type { PanelState, RunHeader, RunResultView } from '../../src/shared/protocol';
import { panelPages, type FakeHostPage } from './fakeHost';

const header: RunHeader = { id: 'run-1', fileName: 'story.prompt', backend: 'local', model: 'stories260K' };

const result = (text: string, extra: Partial<RunResultView> = {}): RunResultView => ({
  text,
  finishReason: 'stop',
  usage: { promptTokens: 12, completionTokens: 34, estimated: false },
  latencyMs: 1234,
  timeToFirstTokenMs: 56,
  tokensPerSecond: 27.55,
  backend: 'local',
  model: 'stories260K',
  parameters: { temperature: 0 },
  warnings: [],
  ...extra,
});

describe('panel webview: runs (Chromium, fake host)', () => {
  const pages = panelPages();
  let panel: FakeHostPage;

  async function openReady(saved?: PanelState): Promise<FakeHostPage> {
    const page = await pages.open(saved);
    await page.ready();
    return page;
  }

  it('streams tokens as text, then shows the metrics of the result', async () => {
    panel = await openReady();
    await panel.send({ type: 'run/started', payload: header });
    await panel.page.locator('.run-title', { hasText: 'Run · story.prompt' }).waitFor();
    assert.equal(await panel.text('.run-status'), 'running…');
    assert.equal(await panel.text('.run-target'), 'local · stories260K');
    await panel.send({ type: 'run/token', payload: { id: 'run-1', text: 'Once upon' } });
    await panel.send({ type: 'run/token', payload: { id: 'run-1', text: ' a time' } });
    await panel.page.waitForFunction(() => document.querySelector('.run-text')?.textContent === 'Once upon a time');
    // A late batch of another run is not mixed in.
    await panel.send({ type: 'run/token', payload: { id: 'run-0', text: 'XXX' } });
    await panel.send({ type: 'run/finished', payload: { id: 'run-1', result: result('Once upon a time, there was') } });
    await panel.page.locator('.run-metrics').waitFor();
    assert.equal(await panel.page.locator('.run-text').textContent(), 'Once upon a time, there was');
    assert.equal(await panel.text('.run-status'), 'done');
    assert.equal(await panel.text('.tokens-in dd'), '12');
    assert.equal(await panel.text('.tokens-out dd'), '34');
    assert.equal(await panel.text('.latency dd'), '1,234 ms');
    assert.equal(await panel.text('.ttft dd'), '56 ms');
    assert.equal(await panel.text('.speed dd'), '27.6 tokens/s');
    assert.equal(await panel.text('.finish-reason dd'), 'stop');
    assert.equal(await panel.page.locator('.run-stop').count(), 0, 'no Stop once finished');
    const { states } = await panel.recorded();
    assert.equal(states.at(-1)?.run?.result?.text, 'Once upon a time, there was');
  });

  it('shows HTML in model output as characters and runs none of it', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script></pre><b id="escaped">b</b>';
    panel = await openReady();
    await panel.send({ type: 'run/started', payload: { ...header, fileName: '<svg onload="window.__pwned=3">' } });
    await panel.send({ type: 'run/token', payload: { id: 'run-1', text: hostile } });
    await panel.page.waitForFunction((text) => document.querySelector('.run-text')?.textContent === text, hostile);
    await panel.send({ type: 'run/finished', payload: { id: 'run-1', result: result(hostile, { warnings: ['<i id="w">topK</i> is not supported'], error: { message: '<b id="e">boom</b>', status: 500 } }) } });
    await panel.page.locator('.run-error').waitFor();
    assert.equal(await panel.page.locator('.run-text').textContent(), hostile);
    assert.equal(await panel.text('.run-warnings'), '<i id="w">topK</i> is not supported');
    assert.equal(await panel.text('.run-error'), '500: <b id="e">boom</b>');
    assert.equal(await panel.text('.run-status'), 'failed');
    // The feedback buttons' thumbs are the panel's own SVG (feedbackControls.ts), not the output's.
    assert.equal(await panel.page.locator('#app img, #app script, #app svg:not(.feedback-icon), #escaped, #w, #e').count(), 0);
    await panel.page.waitForTimeout(100);
    assert.equal(await panel.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  });

  it('posts run/abort with the run id when Stop is pressed', async () => {
    panel = await openReady();
    await panel.send({ type: 'run/started', payload: { ...header, id: 'run-42' } });
    await panel.page.locator('.run-stop').click();
    const { posted } = await panel.recorded();
    assert.deepEqual(posted.filter((message) => message.type === 'run/abort'), [{ type: 'run/abort', payload: { id: 'run-42' } }]);
    await panel.send({ type: 'run/finished', payload: { id: 'run-42', result: result('Once', { finishReason: 'abort' }) } });
    await panel.page.locator('.run-status', { hasText: 'stopped' }).waitFor();
  });

  it('shows the last run again after a reload, from saved state', async () => {
    panel = await openReady({ version: 1, run: { ...header, text: 'Once upon a time', result: result('Once upon a time') } });
    assert.equal(await panel.page.locator('.run-text').textContent(), 'Once upon a time');
    assert.equal(await panel.text('.tokens-out dd'), '34');
  });
});
