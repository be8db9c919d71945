// The trace views (issue 12), driven by a fake host: a run's result with a retrieval, an agent's
// steps and a PAL program under the completion; the passage links' `trace/openPassage`; keyboard
// folding; hostile, very long and very many texts; Restricted Mode; the passages a search or lookup
// step read, as links; a narrow panel; contrast in a light and a dark theme; the compact summaries
// of comparison and eval cells that open the same view.
import * as assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import * as path from 'node:path';
import type { ComparisonRecord, EvalRecord, PatternTrace, RunHeader, RunResultView, WebviewMessage } from '../../src/shared/protocol';
import { cellResult, comparisonRecord } from './comparisonFixture';
import { AA_TEXT, textContrast } from '../support/contrast';
import { useDarkTheme } from './darkTheme';
import { panelPages, type FakeHostPage } from './fakeHost';
import { useLightTheme } from './lightTheme';
import { agent, execution, fullTrace, retrieval, step } from './traceFixture';

const header: RunHeader = { id: 'run-1', fileName: 'kettle.prompt', backend: 'openai', model: 'gpt-4o-mini' };
/** The run view's Restricted Mode note for a trace with all three sections. */
const RESTRICTED_NOTE = 'Restricted Mode: retrieval read files of this workspace, the agent\'s search read files of this workspace and the code ran in the sandbox. All three are allowed in an untrusted workspace: they touch nothing outside it.';
/** An eval of one test, one column and `samples` samples, every cell queued. */
function evalRecord(id: string, samples = 2): EvalRecord {
  const comparison = comparisonRecord({ id }, [0], 1);
  return {
    ...comparison, kind: 'eval', dataset: 'file:///ws/kettle.tests.yaml', samplesPerTest: samples,
    tests: [{ index: 0, file: 'kettle.tests.yaml', position: { line: 0, character: 2 }, vars: { question: 'warranty?' }, problems: [] }],
    problems: [],
    cells: Array.from({ length: samples }, (_, sample) => ({ ...comparison.cells[0]!, sample, test: 0, testSample: sample })),
  };
}
const passed = { pass: true, score: 1, reason: 'ok', namedScores: {}, error: false };
const result = (trace: PatternTrace | undefined, text = '3 years when registered'): RunResultView => ({
  ...cellResult(text, { usage: { promptTokens: 310, completionTokens: 67, estimated: false }, latencyMs: 1560 }),
  ...(trace ? { trace } : {}),
});

describe('panel webview: trace views (Chromium, fake host)', () => {
  const pages = panelPages();
  let panel: FakeHostPage;

  async function finishedRun(trace: PatternTrace | undefined, extra: Partial<RunHeader> = {}): Promise<FakeHostPage> {
    panel = await pages.open();
    await panel.ready();
    await panel.send({ type: 'run/started', payload: { ...header, ...extra } });
    await panel.send({ type: 'run/finished', payload: { id: header.id, result: result(trace) } });
    await panel.flush();
    return panel;
  }
  const texts = (selector: string) => panel.page.locator(selector).allTextContents();
  const posted = async <T extends WebviewMessage['type']>(type: T) =>
    (await panel.recorded()).posted.filter((message) => message.type === type).map((message) => message.payload);

  it('shows the retrieved passages, the agent\'s steps and the code under the run\'s completion', async () => {
    await finishedRun(fullTrace());
    // Under the completion, before the run's numbers; a heading per section for screen readers.
    assert.equal(await panel.page.locator('.run-text + .trace').count(), 1);
    assert.equal(await panel.text('.run .trace h3.trace-title'), 'Trace');
    assert.deepEqual(await texts('.run .trace h4 .trace-section-title'), ['Retrieved passages', 'Agent steps', 'Code']);

    // Passages: file and lines as links, scores, the text collapsed to its first lines.
    assert.deepEqual(await texts('.trace-passage-link'), ['docs/warranty.md:12–19', 'docs/faq.md:40', 'docs/returns/policy.md:1–8']);
    assert.equal(await panel.page.locator('.trace-passage-link').first().getAttribute('title'), 'Open docs/warranty.md at lines 12–19');
    assert.deepEqual(await texts('.trace-score'), ['score 7.43', 'score 3.10', 'score 1.25']);
    const first = panel.page.locator('.trace-passage').first();
    assert.equal(await first.locator('.trace-text').textContent(), '## Warranty\nEvery kettle is covered for two years from the date of purchase.\nThe warranty covers the heating element and the switch.\nIt does not cover limescale.…');
    assert.equal(await first.locator('.trace-expand').textContent(), 'Show all · 7 lines');
    assert.equal(await panel.page.locator('.trace-passage').nth(1).locator('.trace-expand').count(), 0, 'a short passage shows whole');
    assert.equal(await panel.text('.trace-retrieval .trace-about'), '“How long does the warranty last?” over docs/**/*.md: 14 files, 83 chunks, ranked in 23 ms. The passages fill the input passages.');

    // Steps: numbered, thought / action / observation, tokens and latency; broken steps marked.
    const steps = panel.page.locator('.trace-step');
    assert.equal(await steps.count(), 5);
    assert.deepEqual(await texts('.trace-step h5'), ['Step 1', 'Step 2', 'Step 3', 'Step 4', 'Step 5']);
    assert.deepEqual(await texts('.trace-step-figures'), ['18 tokens · 412 ms', '11 tokens · 250 ms', '15 tokens · 280 ms', '14 tokens · 198 ms', '9 tokens · 120 ms']);
    assert.deepEqual(await steps.first().locator('dt').allTextContents(), ['Thought', 'Action', 'Observation']);
    assert.equal(await steps.first().locator('.trace-action-call').textContent(), 'search[warranty length]');
    assert.equal(await steps.first().locator('dd.trace-observation').textContent(), 'docs/warranty.md:12–19 Every kettle is covered for two years from the date of purchase.');
    // A step whose action could not be read shows what the model wrote, and why.
    assert.deepEqual(await steps.nth(1).locator('dt').allTextContents(), ['Model text', 'Problem']);
    assert.equal(await steps.nth(1).locator('.trace-raw-text').textContent(), 'Thought: now the extension\nAction search extension');
    assert.equal(await steps.nth(1).locator('.trace-step-flag').textContent(), 'could not read');
    // An unknown tool: the action as called, the observation, the problem.
    assert.equal(await steps.nth(2).locator('.trace-action-call').textContent(), 'browse[kettle.example]');
    assert.equal(await steps.nth(2).locator('dd.trace-step-error').textContent(), 'Unknown tool "browse".');
    assert.equal(await steps.nth(2).locator('.trace-step-flag').textContent(), 'could not run');
    assert.deepEqual(await panel.page.locator('.trace-step.has-error').evaluateAll((items) => items.map((item) => item.querySelector('h5')?.textContent)), ['Step 2', 'Step 3']);
    assert.equal(await panel.text('.trace-stop'), 'Finished after 5 steps (67 tokens, 1,260 ms): finished with an answer.');
    assert.equal(await panel.text('.trace-agent .trace-answer'), 'Final answer\n3 years when registered');

    // Code: the program, its console, the answer, the time.
    assert.equal(await panel.page.locator('.trace-execution .trace-code').textContent(), execution().code);
    assert.equal(await panel.page.locator('.trace-execution .trace-code').evaluate((node) => getComputedStyle(node).whiteSpace), 'pre-wrap');
    assert.equal(await panel.page.locator('.trace-console-text').textContent(), 'years 2 bonus 1');
    assert.equal(await panel.text('.trace-execution .trace-answer'), 'Answer\n3');
    assert.equal(await panel.page.locator('.trace-execution .trace-section-toggle').textContent(), 'Code · JavaScript · answered · 7 ms');
    assert.equal(await panel.page.locator('.trace-exec-error').count(), 0);
  });

  it('posts trace/openPassage with the passage\'s file and lines, from a click and from the keyboard', async () => {
    await finishedRun({ retrieval: retrieval() });
    await panel.page.locator('.trace-passage-link', { hasText: 'docs/faq.md:40' }).click();
    await panel.page.locator('.trace-passage-link').nth(2).focus();
    await panel.page.keyboard.press('Enter');
    await panel.page.locator('.trace-passage-link').nth(0).focus();
    await panel.page.keyboard.press('Space');
    assert.deepEqual(await posted('trace/openPassage'), [
      { file: 'docs/faq.md', startLine: 40, endLine: 40 },
      { file: 'docs/returns/policy.md', startLine: 1, endLine: 8 },
      { file: 'docs/warranty.md', startLine: 12, endLine: 19 },
    ]);
  });

  it('expands and collapses passages and folds sections from the keyboard, with aria-expanded', async () => {
    await finishedRun(fullTrace());
    const expand = panel.page.locator('.trace-passage').first().locator('.trace-expand');
    const text = panel.page.locator('.trace-passage').first().locator('.trace-text');
    assert.equal(await expand.getAttribute('aria-expanded'), 'false');
    assert.equal(await expand.getAttribute('aria-controls'), await text.getAttribute('id'));
    await expand.focus();
    await panel.page.keyboard.press('Enter');
    assert.equal(await expand.getAttribute('aria-expanded'), 'true');
    assert.equal(await text.textContent(), retrieval().passages[0]!.text);
    assert.equal(await expand.textContent(), 'Show less');
    await panel.page.keyboard.press('Space');
    assert.equal(await expand.getAttribute('aria-expanded'), 'false');
    assert.ok((await text.textContent())!.endsWith('…'));

    // Every expandable part is a button with aria-expanded that controls an element in the page.
    const controls = await panel.page.locator('.trace [aria-expanded]').evaluateAll((nodes) =>
      nodes.map((node) => ({ tag: node.tagName, controlled: document.getElementById(node.getAttribute('aria-controls') ?? '') !== null })));
    assert.ok(controls.length >= 4);
    assert.ok(controls.every((control) => control.tag === 'BUTTON' && control.controlled), JSON.stringify(controls));

    // A section's heading is the button that folds it.
    const agentToggle = panel.page.locator('.trace-agent .trace-section-toggle');
    assert.equal(await agentToggle.getAttribute('aria-expanded'), 'true');
    await agentToggle.focus();
    await panel.page.keyboard.press('Enter');
    assert.equal(await agentToggle.getAttribute('aria-expanded'), 'false');
    assert.equal(await panel.page.locator('.trace-step').first().isVisible(), false);
    assert.equal(await panel.page.locator('.trace-execution .trace-code').isVisible(), true, 'the other sections stay open');
    await panel.page.keyboard.press('Enter');
    assert.equal(await panel.page.locator('.trace-step').first().isVisible(), true);
    // Tab moves from the heading's button into the section it opened.
    await panel.page.keyboard.press('Tab');
    assert.equal(await panel.page.evaluate(() => document.activeElement?.closest('.trace-section')?.classList.contains('trace-agent')), true);
  });

  it('shows hostile text as characters, keeps very long lines inside the panel, and renders 200 steps', async () => {
    const hostile = '<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script><b id="escaped">b</b>';
    const long = `${'x'.repeat(30_000)} ${hostile}`;
    // 200 steps of hostile text; the last one's argument and observation a line of 30,000 characters.
    const steps = Array.from({ length: 200 }, (_, index) => step({
      text: `Thought: ${hostile}\nAction: search[${hostile}]`, thought: `${hostile} ${index}`, action: { tool: `<img src=x onerror="window.__pwned=3">`, argument: index === 199 ? long : hostile },
      observation: index === 199 ? `${long}\n`.repeat(3) : `${hostile}\n`.repeat(6), completionTokens: 10, latencyMs: 100,
    }));
    const trace: PatternTrace = {
      retrieval: retrieval({ query: hostile, into: hostile, from: [hostile], passages: [{ file: `${hostile}.md`, startLine: 1, endLine: 2, score: 1, text: long }] }),
      agent: agent({ steps, stop: 'max-steps', answer: hostile }),
      execution: execution({ code: `${long}\n${hostile}`, console: [hostile, long], answer: hostile, error: `${hostile} threw` }),
    };
    panel = await pages.open();
    await panel.ready();
    await panel.send({ type: 'run/started', payload: header });
    // The panel's own time to handle the result, up to the next layout (a message's handler runs
    // before the next message, and the layout reads the document's height).
    const elapsed = await panel.page.evaluate((message) => new Promise<number>((resolve) => {
      const started = performance.now();
      window.postMessage(message, '*');
      window.addEventListener('message', function onMarker(event) {
        if (event.data !== 'rendered') return;
        window.removeEventListener('message', onMarker);
        void document.documentElement.scrollHeight;
        resolve(performance.now() - started);
      });
      window.postMessage('rendered', '*');
    }), { type: 'run/finished', payload: { id: header.id, result: result(trace) } });
    assert.equal(await panel.page.locator('.trace-step').count(), 200);
    console.log(`      200 steps (hostile text, 30,000-character lines) shown in ${Math.round(elapsed)} ms`);
    // A loose bound (2 shared cores): it catches a view that is quadratic in its steps, not a slow machine.
    assert.ok(elapsed < 4_000, `200 steps rendered in ${elapsed} ms`);
    assert.equal(await panel.page.locator('#app img, #app script, #escaped').count(), 0);
    assert.equal(await panel.page.locator('.trace-passage-link').textContent(), `${hostile}.md:1–2`);
    assert.equal(await panel.page.locator('.trace-step').first().locator('.trace-tool').textContent(), '<img src=x onerror="window.__pwned=3">');
    assert.equal(await panel.page.locator('.trace-agent .trace-answer-text').textContent(), hostile);
    assert.equal(await panel.text('.trace-exec-error'), `Error: ${hostile} threw`);
    // The long observation is collapsed to 400 characters until opened; opened, it still wraps.
    const observation = panel.page.locator('.trace-step').last().locator('.trace-observation-text');
    assert.equal((await observation.textContent())!.length, 401);
    await panel.page.locator('.trace-step').last().locator('.trace-observation .trace-expand').click();
    assert.equal(await observation.textContent(), `${long}\n`.repeat(3));
    await panel.page.locator('.trace-passage .trace-expand').click();
    const overflow = await panel.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px`);
    assert.equal(await panel.text('.trace-stop'), 'Stopped after 200 steps (2,000 tokens, 20.0 s): stopped at the step limit without an answer.');
    await panel.page.waitForTimeout(100);
    assert.equal(await panel.page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
  });

  it('shows the trace once the result arrives (the trajectory streams as text), and again after a reload', async () => {
    panel = await pages.open();
    await panel.ready();
    await panel.send({ type: 'run/started', payload: header });
    await panel.send({ type: 'run/token', payload: { id: header.id, text: 'Thought: I should look up the warranty.\nAction: search[warranty length]\nObservation: ' } });
    await panel.flush();
    assert.equal(await panel.page.locator('.trace').count(), 0, 'no trace view while streaming');
    await panel.send({ type: 'run/finished', payload: { id: header.id, result: result({ agent: agent() }) } });
    await panel.flush();
    assert.equal(await panel.page.locator('.run-text').textContent(), '3 years when registered');
    assert.equal(await panel.page.locator('.trace-step').count(), 5);
    assert.equal(await panel.page.locator('.trace-retrieval, .trace-execution').count(), 0, 'only the sections the trace has');
    const saved = (await panel.recorded()).states.at(-1)!;

    panel = await pages.open(saved);
    await panel.ready();
    assert.equal(await panel.page.locator('.trace-step').count(), 5);
    // A result without a trace (a plain prompt) has no trace view.
    await panel.send({ type: 'run/started', payload: { ...header, id: 'run-2' } });
    await panel.send({ type: 'run/finished', payload: { id: 'run-2', result: result(undefined, 'plain') } });
    await panel.flush();
    assert.equal(await panel.page.locator('.trace').count(), 0);
  });

  it('says in Restricted Mode what read the workspace or ran in the sandbox, and that it was allowed', async () => {
    // One page, one run after another (each replaces the last), as a user running prompts would.
    panel = await pages.open();
    await panel.ready();
    let runs = 0;
    const note = async (trace: PatternTrace, restricted = true) => {
      const id = `run-${++runs}`;
      await panel.send({ type: 'run/started', payload: { ...header, id, ...(restricted ? { restricted: true } : {}) } });
      await panel.send({ type: 'run/finished', payload: { id, result: result(trace) } });
      await panel.flush();
      assert.equal(await panel.page.locator('.trace').count(), 1);
      return await panel.page.locator('.trace-restricted').count() === 0 ? undefined : panel.text('.trace-restricted');
    };
    assert.equal(await note(fullTrace()), RESTRICTED_NOTE);
    // One thing: "it", not "both".
    assert.equal(await note({ retrieval: retrieval() }), 'Restricted Mode: retrieval read files of this workspace. It is allowed in an untrusted workspace: it touches nothing outside it.');
    // An agent whose search read the workspace's files (the ReAct sample: no retrieval before rendering).
    assert.equal(await note({ agent: agent(), execution: execution() }), 'Restricted Mode: the agent\'s search read files of this workspace and the code ran in the sandbox. Both are allowed in an untrusted workspace: they touch nothing outside it.');
    const calculateOnly = agent({ steps: agent().steps.filter((each) => each.action?.tool !== 'search') });
    assert.equal(await note({ agent: calculateOnly }), undefined, 'an agent that read no file and ran no code: nothing to say');
    const failedSearch = agent({ steps: [step({ thought: 'search', action: { tool: 'search', argument: 'x' }, observation: 'Error: no files', error: 'search has no files to search' })], stop: 'max-steps', answer: undefined });
    assert.equal(await note({ agent: failedSearch }), undefined, 'a search that failed read nothing');
    assert.equal(await note(fullTrace(), false), undefined, 'a trusted workspace: no note');
  });

  it('links the passages a search or lookup step quoted to their lines, and only those', async () => {
    const searchObservation = [
      '[1] docs/warranty.md:12-19', '## Warranty', 'Every kettle is covered for two years.', '',
      // A passage's own text that looks like a header, inside the passage: not a passage of the result.
      '[3] docs/forged.md:1-2', '',
      '[2] docs/faq.md:40', 'Q: Is the lid covered? A: Yes.',
    ].join('\n');
    const lookupObservation = '(Result 1 / 3) docs/warranty.md:12-19: Every kettle is covered for two years.\n(Result 2 / 3) docs/warranty.md:12-19: The warranty covers the switch.\n(Result 3 / 3) docs/faq.md:40: Yes, for one year.';
    await finishedRun({ agent: agent({ steps: [
      step({ thought: 'look', action: { tool: 'search', argument: 'warranty' }, observation: searchObservation }),
      step({ thought: 'find', action: { tool: 'lookup', argument: 'covered' }, observation: lookupObservation }),
      step({ thought: 'add', action: { tool: 'calculate', argument: '2 + 1' }, observation: '3' }),
      step({ action: { tool: 'finish', argument: '3 years' } }),
    ] }) });
    const steps = panel.page.locator('.trace-step');
    assert.deepEqual(await steps.nth(0).locator('.trace-source-link').allTextContents(), ['docs/warranty.md:12–19', 'docs/faq.md:40']);
    assert.deepEqual(await steps.nth(0).locator('dt').allTextContents(), ['Thought', 'Action', 'Observation', 'Passages']);
    // A lookup quotes a passage once per sentence: linked once.
    assert.deepEqual(await steps.nth(1).locator('.trace-source-link').allTextContents(), ['docs/warranty.md:12–19', 'docs/faq.md:40']);
    assert.equal(await steps.nth(2).locator('.trace-sources').count(), 0);
    assert.equal(await steps.nth(0).locator('.trace-source-link').first().getAttribute('title'), 'Open docs/warranty.md at lines 12–19');
    await steps.nth(0).locator('.trace-source-link').nth(1).click();
    await steps.nth(1).locator('.trace-source-link').first().focus();
    await panel.page.keyboard.press('Enter');
    assert.deepEqual(await posted('trace/openPassage'), [
      { file: 'docs/faq.md', startLine: 40, endLine: 40 },
      { file: 'docs/warranty.md', startLine: 12, endLine: 19 },
    ]);
  });

  it('stacks a step\'s labels above their text in a narrow panel, and keeps them beside it in a wide one', async () => {
    const labelBeside = async () => panel.page.locator('.trace-step').first().evaluate((item) => {
      const dt = item.querySelector('dt.trace-action')!.getBoundingClientRect();
      const dd = item.querySelector('dd.trace-action')!.getBoundingClientRect();
      return dd.left > dt.right;
    });
    await finishedRun(fullTrace());
    await panel.page.setViewportSize({ width: 700, height: 600 });
    assert.equal(await labelBeside(), true);
    await panel.page.setViewportSize({ width: 380, height: 600 });
    assert.equal(await labelBeside(), false);
    // The observation gets the panel's width, not what a label column leaves of it.
    const widths = await panel.page.locator('.trace-step').first().evaluate((item) => ({
      step: item.getBoundingClientRect().width, observation: item.querySelector('.trace-observation-text')!.getBoundingClientRect().width,
    }));
    assert.ok(widths.observation > widths.step * 0.85, JSON.stringify(widths));
    assert.ok(await panel.page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth), 'nothing sticks out sideways');
  });

  for (const [theme, useTheme] of [['Light Modern', useLightTheme], ['Dark Modern', useDarkTheme]] as const) {
    it(`reads in ${theme}: every part of the trace's text at WCAG AA contrast`, async () => {
      panel = await pages.open();
      await panel.ready();
      await useTheme(panel.page);
      await panel.send({ type: 'run/started', payload: { ...header, restricted: true } });
      // A program that failed too: its error is text to read.
      const trace = { ...fullTrace(), execution: execution({ error: 'ReferenceError: cartons is not defined' }) };
      await panel.send({ type: 'run/finished', payload: { id: header.id, result: result(trace) } });
      await panel.flush();
      const poor: string[] = [];
      for (const selector of ['.trace-title', '.trace-restricted', '.trace-section-title', '.trace-section-detail', '.trace-about', '.trace-passage-link', '.trace-score',
        '.trace-text.collapsed', '.trace-expand', '.trace-step-title', '.trace-step-figures', '.trace-step-parts dt', '.trace-thought-text', '.trace-tool',
        '.trace-observation-text', '.trace-step-flag', 'dd.trace-step-error', '.trace-exec-error', '.trace-stop', '.trace-stop strong', '.trace-answer-label', '.trace-answer-text',
        '.trace-code', '.trace-console-text']) {
        const contrast = await panel.page.locator(`.run ${selector}`).first().evaluate(textContrast);
        if (contrast.ratio < AA_TEXT) poor.push(`${selector}: ${contrast.foreground} on ${contrast.background} = ${contrast.ratio}:1`);
      }
      assert.deepEqual(poor, []);
      // The stop reason's colour is on its mark, not its words.
      const mark = await panel.page.locator('.trace-stop strong').evaluate((node) => getComputedStyle(node, '::before').content);
      assert.match(mark, /✓/);
    });
  }

  it('lays a run with all three sections out inside the panel in a dark theme (PROMPT_LAB_SHOTS: a screenshot)', async () => {
    panel = await pages.open();
    await panel.page.setViewportSize({ width: 720, height: 900 });
    await panel.ready();
    await useDarkTheme(panel.page);
    await panel.send({ type: 'run/started', payload: { ...header, restricted: true } });
    await panel.send({ type: 'run/finished', payload: { id: header.id, result: result(fullTrace()) } });
    await panel.flush();
    for (const section of ['.trace-retrieval', '.trace-agent', '.trace-execution']) assert.equal(await panel.page.locator(section).isVisible(), true, section);
    // Nothing sticks out sideways, and the sections' text is the theme's, not the browser's black.
    assert.ok(await panel.page.evaluate(() => document.documentElement.scrollWidth <= document.documentElement.clientWidth));
    assert.equal(await panel.page.locator('.trace-section-title').first().evaluate((node) => getComputedStyle(node).color), 'rgb(204, 204, 204)');
    assert.equal(await panel.page.locator('.trace-passage-link').first().evaluate((node) => getComputedStyle(node).color), 'rgb(77, 170, 252)');
    const shots = process.env.PROMPT_LAB_SHOTS;
    if (shots) {
      mkdirSync(shots, { recursive: true });
      await panel.page.locator('.run').screenshot({ path: path.join(shots, 'traces.png') });
    }
  });

  it('summarises a comparison cell\'s trace on a button that opens the trace view in the cell', async () => {
    panel = await pages.open();
    await panel.ready();
    const record = comparisonRecord({}, [0, 0.7], 1);
    await panel.send({ type: 'compare/started', payload: { comparison: record } });
    await panel.send({ type: 'compare/update', payload: { id: record.id, cells: [
      { index: 0, status: 'done', result: cellResult('3 years', { trace: fullTrace() }) },
      { index: 1, status: 'done', result: cellResult('no idea', { trace: { agent: agent({ steps: agent().steps.slice(0, 2), stop: 'parse-error', answer: undefined }), execution: execution({ answer: undefined, error: 'ReferenceError: require is not defined' }) } }) },
    ] } });
    await panel.flush();
    const toggles = panel.page.locator('.cell .trace-toggle');
    assert.deepEqual(await toggles.allInnerTexts(), ['Trace 3 passages · 5 steps · finish · code ✓', 'Trace 2 steps · parse error · code ✗']);
    assert.equal(await toggles.nth(1).getAttribute('aria-label'), 'Trace of temperature 0.7, sample 1: 2 steps, stopped: the model\'s action could not be read; the code gave no answer');
    assert.equal(await panel.page.locator('.cell .trace').count(), 0, 'built when opened');
    await toggles.nth(1).focus();
    await panel.page.keyboard.press('Enter');
    assert.equal(await toggles.nth(1).getAttribute('aria-expanded'), 'true');
    const cell = panel.page.locator('.cell[data-cell="1"]');
    assert.equal(await cell.locator('.trace-step').count(), 2);
    assert.equal(await cell.locator('.trace-exec-error').textContent(), 'Error: ReferenceError: require is not defined');
    assert.equal(await cell.locator('.trace-title').evaluate((node) => node.tagName), 'H3');
    await panel.page.keyboard.press('Enter');
    assert.equal(await cell.locator('.trace').count(), 0);
    assert.equal(await toggles.nth(1).getAttribute('aria-expanded'), 'false');
    // A passage link in a cell posts the same message.
    await toggles.nth(0).click();
    await panel.page.locator('.cell[data-cell="0"] .trace-passage-link').first().click();
    assert.deepEqual(await posted('trace/openPassage'), [{ file: 'docs/warranty.md', startLine: 12, endLine: 19 }]);
  });

  it('summarises an eval cell\'s samples in its detail and opens their trace views there', async () => {
    panel = await pages.open();
    await panel.ready();
    await panel.send({ type: 'eval/started', payload: { evaluation: evalRecord('eval-1') } });
    await panel.send({ type: 'eval/update', payload: { id: 'eval-1', cells: [
      { index: 0, status: 'done', result: cellResult('3', { trace: { execution: execution() } }), assertions: [], outcome: passed },
      { index: 1, status: 'running', append: 'Thought: ' },
    ] } });
    await panel.flush();
    await panel.page.locator('.eval-cell').first().click();
    const toggle = panel.page.locator('.eval-detail .trace-toggle');
    assert.equal(await toggle.count(), 1, 'only the ended sample has a trace');
    assert.equal(await toggle.innerText(), 'Trace code ✓');
    await toggle.click();
    assert.equal(await panel.page.locator('.eval-detail .trace-code').textContent(), execution().code);
    // The other sample streams on: the detail redraws, the opened trace stays open.
    await panel.send({ type: 'eval/update', payload: { id: 'eval-1', cells: [{ index: 1, status: 'running', append: 'more' }] } });
    await panel.flush();
    assert.equal(await panel.page.locator('.eval-detail .trace-toggle').getAttribute('aria-expanded'), 'true');
    assert.equal(await panel.page.locator('.eval-detail .trace-code').count(), 1);
  });
  // A comparison's or an eval's cell opened on its trace, and that trace's Restricted Mode note (none: undefined).
  async function cellNote(cell: string, toggleIn: string): Promise<string | undefined> {
    const toggle = panel.page.locator(`${toggleIn} .trace-toggle`).first();
    if (await toggle.getAttribute('aria-expanded') !== 'true') await toggle.click();
    assert.equal(await panel.page.locator(`${cell} .trace`).count(), 1, 'the trace view is open');
    return await panel.page.locator(`${cell} .trace-restricted`).count() === 0 ? undefined : panel.text(`${cell} .trace-restricted`);
  }

  it('says in a comparison cell\'s trace that it started in Restricted Mode when compare/started says so, after a reload too, and only then', async () => {
    const cell = '.cell[data-cell="0"]';
    const ended = (record: ComparisonRecord): ComparisonRecord => ({ ...record, cells: [{ ...record.cells[0]!, status: 'done', text: '3 years', result: cellResult('3 years', { trace: fullTrace() }) }] });
    const start = async (id: string, restricted: boolean) => {
      const record = comparisonRecord({ id }, [0], 1);
      await panel.send({ type: 'compare/started', payload: { comparison: record, ...(restricted ? { restricted: true } : {}) } });
      await panel.send({ type: 'compare/update', payload: { id, cells: [{ index: 0, status: 'done', result: cellResult('3 years', { trace: fullTrace() }) }] } });
      await panel.flush();
      return record;
    };
    panel = await pages.open();
    await panel.ready();
    const restricted = await start('cmp-restricted', true);
    // The run view's note, in the same place: first under the trace's heading.
    assert.equal(await cellNote(cell, cell), RESTRICTED_NOTE);
    assert.equal(await panel.page.locator(`${cell} .trace-title + .trace-restricted`).count(), 1);

    // A reload restores it from the saved state, before the host says anything.
    const saved = (await panel.recorded()).states.at(-1)!;
    assert.equal(saved.comparisonRestricted, true);
    panel = await pages.open(saved);
    await panel.ready();
    assert.equal(await cellNote(cell, cell), RESTRICTED_NOTE);
    // The host's own copy after the reload says it again.
    await panel.send({ type: 'compare/started', payload: { comparison: ended(restricted), resumed: true, restricted: true } });
    await panel.flush();
    assert.equal(await cellNote(cell, cell), RESTRICTED_NOTE);

    // The next comparison started in a trusted window: no note, and the last one's flag is gone.
    await start('cmp-trusted', false);
    assert.equal(await cellNote(cell, cell), undefined);
    const trusted = (await panel.recorded()).states.at(-1)!;
    assert.equal(trusted.comparison?.id, 'cmp-trusted');
    assert.equal('comparisonRestricted' in trusted, false);
    panel = await pages.open(trusted);
    await panel.ready();
    assert.equal(await cellNote(cell, cell), undefined);
    // A comparison reopened from History (the host sends no flag): no note either.
    await panel.send({ type: 'compare/started', payload: { comparison: ended(comparisonRecord({ id: 'cmp-history' }, [0], 1)) } });
    await panel.flush();
    assert.equal(await cellNote(cell, cell), undefined);
  });

  it('says in an eval sample\'s trace that it started in Restricted Mode when eval/started says so, after a reload too, and only then', async () => {
    const sample = '.eval-detail .eval-sample[data-cell="0"]';
    const start = async (id: string, restricted: boolean) => {
      await panel.send({ type: 'eval/started', payload: { evaluation: evalRecord(id, 1), ...(restricted ? { restricted: true } : {}) } });
      await panel.send({ type: 'eval/update', payload: { id, cells: [{ index: 0, status: 'done', result: cellResult('3', { trace: fullTrace() }), assertions: [], outcome: passed }] } });
      await panel.flush();
      await panel.page.locator('.eval-cell').first().click();
    };
    panel = await pages.open();
    await panel.ready();
    await start('eval-restricted', true);
    assert.equal(await cellNote(sample, sample), RESTRICTED_NOTE);
    assert.equal(await panel.page.locator(`${sample} .trace-title + .trace-restricted`).count(), 1);
    // A batch for the eval redraws the opened detail: the note stays.
    await panel.send({ type: 'eval/update', payload: { id: 'eval-restricted', cells: [{ index: 0, status: 'done', result: cellResult('3', { trace: fullTrace() }), assertions: [], outcome: passed }] } });
    await panel.flush();
    assert.equal(await cellNote(sample, sample), RESTRICTED_NOTE);

    // A reload restores it from the saved state (the detail stays open).
    const saved = (await panel.recorded()).states.at(-1)!;
    assert.equal(saved.evaluationRestricted, true);
    panel = await pages.open(saved);
    await panel.ready();
    assert.equal(await cellNote(sample, sample), RESTRICTED_NOTE);

    // The next eval started in a trusted window: no note, and the last one's flag is gone.
    await start('eval-trusted', false);
    assert.equal(await cellNote(sample, sample), undefined);
    const trusted = (await panel.recorded()).states.at(-1)!;
    assert.equal(trusted.evaluation?.id, 'eval-trusted');
    assert.equal('evaluationRestricted' in trusted, false);
  });
});
