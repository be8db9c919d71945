// The three prompt-pattern samples (prompts/answer-from-context.prompt: RAG, prompts/react-agent.prompt:
// ReAct, prompts/pal-word-problem.prompt: PAL) run from the palette in the packaged extension
// (code-server, Chromium) against a scripted OpenAI-compatible server over real HTTP; the panel's
// trace views show what each pattern did: the retrieved passages with file:lines and scores (a link
// opens the file at those lines), the agent's steps with their actions, observations, tokens and
// latency, the program with its console output and answer; a comparison cell opens its trajectory.
// Retrieval, the tools and the sandbox are the extension's own, on the samples' real files.
// Screenshots (test-output/e2e/): trace-rag.png, trace-rag-passage-opened.png, trace-react.png,
// trace-pal.png, trace-compare.png (the light theme the workbench starts in), trace-react-dark.png,
// trace-pal-dark.png; every part of the traces' text meets WCAG AA contrast in both themes.
import * as assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { corpusIndex } from '../../src/core/patterns/retrieval/index';
import { nodeRetrievalSource } from '../../src/core/patterns/retrieval/nodeSource';
import { retrieverOver } from '../../src/core/patterns/retrieval/retriever';
import { DEFAULT_CHUNK } from '../../src/core/patterns/retrieveSpec';
import type { Locator } from 'playwright-core';
import type { Passage } from '../../src/core/patterns/trace';
import { AA_TEXT, textContrast } from '../support/contrast';
import { startFaultServer, type Fault, type FaultServer } from '../support/faultServer';
import { ROOT, startPackaged, workbenchHooks, Workbench } from './workbench';

type Message = { role: string; content: string };
const messagesOf = (body: Record<string, unknown>) => (body.messages ?? []) as Message[];
/** Splits a reply into the tokens the server streams (a word and the space before it). */
const tokens = (text: string) => text.split(/(?= )/);

/** RAG: an answer that cites the passages by number, as the prompt asks. */
const RAG_ANSWER = 'The primary mirror is 2.4 metres wide [0]. It was ground to the wrong shape, so the first images were blurred [1]. The first servicing mission, STS-61 in December 1993, fixed it with corrective optics [2].';

/** ReAct: the step that answers a trajectory with `i` observations so far (the agent sends the
 * trajectory as the last, assistant, message; the first step ends the user's "Thought:" cue). */
const REACT_STEPS = [
  ' I need the year Hubble was launched. I\'ll search for it.\nAction: search[Hubble Space Telescope launch]\n',
  'Thought: The first passage should say the year. I\'ll look up 1990.\nAction: lookup[1990]\n',
  'Thought: Hubble was launched in 1990 and Apollo 11 landed on the Moon in 1969. I\'ll subtract.\nAction: calculate[1990 - 1969]\n',
  'Thought: 21 years passed between the two.\nAction: finish[21 years]',
];
const REACT_ACTIONS = ['search[Hubble Space Telescope launch]', 'lookup[1990]', 'calculate[1990 - 1969]', 'finish[21 years]'];

/** PAL: a program that prints its working and assigns `answer`. */
const PAL_CODE = [
  'const eggsPerDay = 18;',
  'const keptPerDay = 6;',
  'const eggsSoldPerWeek = (eggsPerDay - keptPerDay) * 7;',
  'const cartons = eggsSoldPerWeek / 6;',
  'console.log("eggs sold per week", eggsSoldPerWeek, "cartons", cartons);',
  'const answer = cartons * 3;',
].join('\n');

/** Which sample asked, by its system message; what the scripted model answers. */
function respondTo(body: Record<string, unknown>): Fault {
  const messages = messagesOf(body);
  const system = messages.find((message) => message.role === 'system')?.content ?? '';
  if (system.includes('numbered context passages')) return { kind: 'ok', tokens: tokens(RAG_ANSWER) };
  if (system.includes('JavaScript program')) return { kind: 'ok', tokens: tokens(`${PAL_CODE}\n`) };
  if (system.includes('Thought, Action and Observation')) {
    const last = messages.at(-1)!;
    const observations = last.role === 'assistant' ? (last.content.match(/^Observation:/gm) ?? []).length : 0;
    return { kind: 'ok', tokens: tokens(REACT_STEPS[observations] ?? 'Action: finish[out of script]') };
  }
  return { kind: 'ok', tokens: tokens('Not a sample of this test.') };
}

/** The samples' folder copied into a fresh workspace: the prompts and the Markdown files they read. */
function sampleWorkspace(): string {
  const folder = mkdtempSync(path.join(os.tmpdir(), 'prompt-lab-traces-'));
  cpSync(path.join(ROOT, 'prompts'), path.join(folder, 'prompts'), { recursive: true });
  return folder;
}

/** What the extension's retrieval should find for `question`: the same ranking, run here over the
 * same files with the sample's settings (`from`, the default chunk size, `top: 4`). */
async function expectedPassages(folder: string, question: string): Promise<Passage[]> {
  const rank = retrieverOver(corpusIndex(nodeRetrievalSource(folder), ['prompts/docs/**/*.md'], DEFAULT_CHUNK));
  return rank(question, 4);
}

/** The trace's texts a user reads, by part: each must meet WCAG AA contrast in the theme shown. */
const TRACE_TEXT = ['.trace-title', '.trace-section-title', '.trace-section-detail'];
const PASSAGE_TEXT = [...TRACE_TEXT, '.trace-about', '.trace-rank', '.trace-passage-link', '.trace-score', '.trace-passage .trace-text', '.trace-expand'];
const AGENT_TEXT = [...TRACE_TEXT, '.trace-stop', '.trace-stop strong', '.trace-step-title', '.trace-step-figures', '.trace-step-parts dt',
  '.trace-thought-text', '.trace-tool', '.trace-action-call', '.trace-observation-text', '.trace-answer-label', '.trace-answer-text'];
const CODE_TEXT = [...TRACE_TEXT, '.trace-code', '.trace-console .trace-label', '.trace-console-text', '.trace-answer-label', '.trace-answer-text', '.trace-execution .trace-about'];

/** Every selector's first element in `run` (the run view) has text that meets WCAG AA against its background. */
async function assertReadable(run: Locator, selectors: string[]): Promise<void> {
  const poor: string[] = [];
  for (const selector of selectors) {
    const element = run.locator(selector).first();
    assert.equal(await element.count(), 1, `${selector} is shown`);
    const contrast = await element.evaluate(textContrast);
    if (contrast.ratio < AA_TEXT) poor.push(`${selector}: ${contrast.foreground} on ${contrast.background} = ${contrast.ratio}:1`);
  }
  assert.deepEqual(poor, [], `text below ${AA_TEXT}:1`);
}

const lines = (passage: Passage) => passage.startLine === passage.endLine ? `${passage.startLine}` : `${passage.startLine}–${passage.endLine}`;

describe('e2e: the pattern samples\' traces in the packaged extension', function () {
  // Runs take seconds on a quiet machine; on two cores shared with other test runs a test of three
  // runs took over two minutes. Every wait is for a state, so a longer limit only gives load room.
  this.timeout(300_000);
  let workbench: Workbench;
  let server: FaultServer;
  let fixture: string;

  before(async function () {
    this.timeout(180_000);
    server = await startFaultServer({ chunkDelayMs: 1, respondTo });
    fixture = sampleWorkspace();
    // The samples name `openai/gpt-4o-mini`: the backend `openai` is the scripted server, on
    // loopback (no key needed).
    workbench = await startPackaged({
      'promptLab.backends': [{ id: 'openai', kind: 'openai', baseURL: server.url, defaultModel: 'gpt-4o-mini', maxRetries: 0, timeoutMs: 600_000 }],
    }, fixture);
  });

  workbenchHooks(() => workbench, 'traces-failed', async () => {
    await server?.close();
    if (fixture) rmSync(fixture, { recursive: true, force: true });
  });

  /** Opens `fileName` in the first editor group, as a user clicking there first would: Quick Open
   * opens a file in the active group, and after a click in the panel that is the panel's own. */
  async function openInFirstGroup(fileName: string): Promise<void> {
    await focusWorkbench();
    await workbench.page.keyboard.press('Control+1'); // View: Focus First Editor Group
    await workbench.page.locator('.editor-group-container').first().and(workbench.page.locator('.active')).waitFor();
    await workbench.quickOpen(fileName);
  }

  /** Runs the open sample from the palette and waits until the panel says it is done. */
  /** The run view (not a comparison's cells, also in the page once one ran). */
  async function runSample(fileName: string): Promise<Locator> {
    await openInFirstGroup(fileName);
    await workbench.runCommand('Prompt Lab: Run Prompt');
    const panel = workbench.webview();
    await panel.locator('.run-title', { hasText: `Run · ${fileName}` }).waitFor({ timeout: 60_000 });
    await panel.locator('.run-status', { hasText: /^(done|failed)$/ }).waitFor({ timeout: 60_000 });
    const error = await panel.locator('.run-error').allInnerTexts();
    assert.equal(await panel.locator('.run-status').innerText(), 'done', `the run failed: ${error.join(' ')}`);
    return panel.locator('section.run');
  }

  it('RAG: shows the retrieved passages with file:lines and scores under the answer; a link opens the file at those lines', async () => {
    server.reset();
    const panel = await runSample('answer-from-context.prompt');
    assert.equal(await panel.locator('.run-text').innerText(), RAG_ANSWER);
    assert.deepEqual(await panel.locator('.trace-section-title').allInnerTexts(), ['Retrieved passages']);

    const source = readFileSync(path.join(fixture, 'prompts/answer-from-context.prompt'), 'utf8');
    const question = /^ {2}default:\n {4}question: (.+)$/m.exec(source)![1]!;
    const expected = await expectedPassages(workbench.folder, question);
    assert.ok(expected.length > 0 && expected.length <= 4, `${expected.length} passages`);
    assert.deepEqual(await panel.locator('.trace-passage-link').allInnerTexts(), expected.map((passage) => `${passage.file}:${lines(passage)}`));
    assert.deepEqual(await panel.locator('.trace-score').allInnerTexts(), expected.map((passage) => `score ${passage.score.toFixed(2)}`));
    assert.match(await panel.locator('.trace-retrieval .trace-about').innerText(), new RegExp(`^“${question.replace(/[?.*+()[\]]/g, '\\$&')}” over prompts/docs/\\*\\*/\\*\\.md: 6 files, \\d+ chunks, ranked in [\\d,]+ ms\\. The passages fill the input passages\\.$`));
    // The model was given the same passages, in the same order.
    const sent = messagesOf(server.requests[0]!.body!).at(-1)!.content;
    expected.forEach((passage, index) => assert.ok(sent.includes(`[${index}] ${passage.file}: ${passage.text}`), `passage ${index} in the request`));
    await assertReadable(panel, PASSAGE_TEXT);
    console.log(`    screenshot: ${await workbench.screenshot('trace-rag.png')}`);

    // The second passage's link: its file opens in the first group with its lines selected.
    const chosen = expected[1]!;
    await panel.locator('.trace-passage-link').nth(1).click();
    const fileName = path.basename(chosen.file);
    await workbench.page.locator('.editor-group-container .tab.active', { hasText: fileName }).waitFor({ timeout: 30_000 });
    // Beside the panel, not over it: two groups, the panel still shown in its own.
    assert.equal(await workbench.page.locator('.editor-group-container').count(), 2);
    await workbench.page.locator('.editor-group-container:not(.active) .tab.active', { hasText: 'Prompt Lab' }).waitFor();
    const fileLines = readFileSync(path.join(workbench.folder, chosen.file), 'utf8').split('\n');
    const selected = fileLines.slice(chosen.startLine - 1, chosen.endLine).join('\n');
    // The selection runs from the first line's start to the last line's end: the cursor is there.
    const status = workbench.page.locator('.statusbar-item[id="status.editor.selection"]');
    await status.filter({ hasText: `Ln ${chosen.endLine}, Col ${fileLines[chosen.endLine - 1]!.length + 1} (${selected.length} selected)` }).waitFor({ timeout: 10_000 });
    // The editor shows the passage's first line (Monaco writes spaces as no-break spaces).
    const shown = (await workbench.page.locator('.editor-group-container.active .monaco-editor .view-lines').innerText()).replace(/\u00a0/g, ' ');
    assert.ok(shown.includes(fileLines[chosen.startLine - 1]!), `line ${chosen.startLine} in view`);
    console.log(`    screenshot: ${await workbench.screenshot('trace-rag-passage-opened.png')}`);
  });

  it('ReAct: shows each step\'s thought, action, observation, tokens and latency, and the final answer', async () => {
    server.reset();
    const panel = await runSample('react-agent.prompt');
    assert.equal(await panel.locator('.run-text').innerText(), '21 years');
    assert.deepEqual(await panel.locator('.trace-section-title').allInnerTexts(), ['Agent steps']);
    const steps = panel.locator('.trace-step');
    assert.equal(await steps.count(), 4);
    assert.equal(server.requests.length, 4, 'one request per step');
    assert.deepEqual(await panel.locator('.trace-step-title').allInnerTexts(), ['Step 1', 'Step 2', 'Step 3', 'Step 4']);
    assert.deepEqual(await panel.locator('.trace-action-call').allInnerTexts(), REACT_ACTIONS);
    // Tokens as the server counted them (its usage), a latency for every step.
    const figures = await panel.locator('.trace-step-figures').allInnerTexts();
    figures.forEach((figure, index) => assert.match(figure, new RegExp(`^${tokens(REACT_STEPS[index]!).length} tokens · [\\d,]+ ms$`), `step ${index + 1}`));
    assert.equal(await steps.nth(0).locator('.trace-thought-text').innerText(), 'I need the year Hubble was launched. I\'ll search for it.');

    // Each observation is what the tool gave the model: the last request holds the whole trajectory.
    const trajectory = messagesOf(server.requests[3]!.body!).at(-1)!.content;
    // (the last observation ends the trajectory: no Thought follows it yet)
    const observations = [...trajectory.matchAll(/^Observation: ([\s\S]*?)\n(?=Thought:|(?![\s\S]))/gm)].map((match) => match[1]!);
    assert.equal(observations.length, 3);
    for (const [index, observation] of observations.entries()) {
      const step = steps.nth(index);
      const expand = step.locator('.trace-observation .trace-expand');
      if (await expand.count() > 0) await expand.click();
      assert.equal(await step.locator('.trace-observation-text').textContent(), observation, `step ${index + 1}'s observation`);
    }
    assert.match(observations[0]!, /^\[1\] prompts\/docs\/hubble-[\w-]+\.md:\d+-\d+\n/);
    // The search's and the lookup's passages are links to their lines, as the tool quoted them.
    const quoted = (observation: string, pattern: RegExp) => [...new Set([...observation.matchAll(pattern)].map((match) => `${match[1]}:${match[2]}${match[3] && match[3] !== match[2] ? `–${match[3]}` : ''}`))];
    assert.deepEqual(await steps.nth(0).locator('.trace-source-link').allInnerTexts(), quoted(observations[0]!, /^\[\d+\] (\S+\.md):(\d+)-(\d+)$/gm));
    assert.deepEqual(await steps.nth(1).locator('.trace-source-link').allInnerTexts(), quoted(observations[1]!, /^\(Result \d+ \/ \d+\) (\S+\.md):(\d+)-(\d+): /gm));
    assert.ok(await steps.nth(1).locator('.trace-source-link').count() > 0);
    assert.equal(await steps.nth(2).locator('.trace-source-link').count(), 0, 'calculate reads no passage');
    assert.match(observations[1]!, /^\(Result 1 \/ \d+\) prompts\/docs\/[\w-]+\.md:\d+-\d+: .*1990/);
    assert.equal(observations[2], '21');
    assert.equal(await steps.nth(3).locator('.trace-observation').count(), 0, 'finish has no observation');
    assert.equal(await panel.locator('.trace-step.has-error').count(), 0);
    assert.match(await panel.locator('.trace-stop').innerText(), /^Finished after 4 steps \([\d,]+ tokens, [\d,]+ ms\): finished with an answer\.$/);
    assert.equal(await panel.locator('.trace-agent .trace-answer-text').innerText(), '21 years');
    await assertReadable(panel, AGENT_TEXT);
    console.log(`    screenshot: ${await workbench.screenshot('trace-react.png')}`);
  });

  it('PAL: shows the program, its console output and its answer', async () => {
    server.reset();
    const panel = await runSample('pal-word-problem.prompt');
    assert.equal(await panel.locator('.run-text').innerText(), '42');
    assert.deepEqual(await panel.locator('.trace-section-title').allInnerTexts(), ['Code']);
    assert.equal((await panel.locator('.trace-execution .trace-code').textContent())!.trim(), PAL_CODE);
    assert.equal(await panel.locator('.trace-console-text').textContent(), 'eggs sold per week 84 cartons 14');
    assert.equal(await panel.locator('.trace-execution .trace-answer-text').innerText(), '42');
    assert.equal(await panel.locator('.trace-exec-error').count(), 0);
    assert.match(await panel.locator('.trace-execution .trace-section-toggle').innerText(), /^Code · JavaScript · answered · [\d,]+ ms$/);
    await assertReadable(panel, CODE_TEXT);
    console.log(`    screenshot: ${await workbench.screenshot('trace-pal.png')}`);
  });

  it('a comparison of the ReAct sample: each cell\'s Trace button opens its trajectory in the cell', async () => {
    server.reset();
    await openInFirstGroup('react-agent.prompt');
    await workbench.runCommand('Prompt Lab: Compare Temperatures');
    await workbench.answerInput('Temperature (1/2)', '0, 1');
    await workbench.answerInput('samples (2/2)', '1');
    const panel = workbench.webview();
    await panel.locator('.compare-title', { hasText: 'react-agent.prompt' }).waitFor({ timeout: 60_000 });
    await panel.locator('.compare-status', { hasText: 'done' }).waitFor({ timeout: 90_000 });
    assert.deepEqual(await panel.locator('.cell-text').allInnerTexts(), ['21 years', '21 years']);
    const toggles = panel.locator('.cell .trace-toggle');
    assert.deepEqual(await toggles.allInnerTexts(), ['Trace 4 steps · finish', 'Trace 4 steps · finish']);
    await toggles.nth(1).click();
    const cell = panel.locator('.cell[data-cell="1"]');
    assert.equal(await toggles.nth(1).getAttribute('aria-expanded'), 'true');
    assert.deepEqual(await cell.locator('.trace-action-call').allInnerTexts(), REACT_ACTIONS);
    assert.equal(await cell.locator('.trace-step-figures').count(), 4);
    assert.equal(await panel.locator('.cell[data-cell="0"] .trace').count(), 0, 'only the opened cell shows its trace');
    assert.equal(server.requests.length, 8, 'two cells of four steps');
    await cell.locator('.trace-answer').scrollIntoViewIfNeeded();
    console.log(`    screenshot: ${await workbench.screenshot('trace-compare.png')}`);
  });

  it('the traces read in the dark theme too (Dark Modern)', async () => {

    await colorTheme('Dark Modern');
    await workbench.page.locator('.monaco-workbench.vs-dark').waitFor({ timeout: 30_000 });
    server.reset();
    let panel = await runSample('react-agent.prompt');
    assert.equal(await panel.locator('.trace-step').count(), 4);
    // The theme reached the panel: light text on a dark background.
    const title = await panel.locator('.trace-section-title').first().evaluate(textContrast);
    assert.ok(parseInt(title.background.slice(1, 3), 16) < 0x40, `a dark background, not ${title.background}`);
    await assertReadable(panel, AGENT_TEXT);
    console.log(`    screenshot: ${await workbench.screenshot('trace-react-dark.png')}`);
    panel = await runSample('answer-from-context.prompt');
    await assertReadable(panel, PASSAGE_TEXT);
    panel = await runSample('pal-word-problem.prompt');
    await assertReadable(panel, CODE_TEXT);
    console.log(`    screenshot: ${await workbench.screenshot('trace-pal-dark.png')}`);
  });

  /** Keys pressed while the panel's webview has the focus go to its frame: focus the workbench, as
   * a user clicking outside the panel would. */
  async function focusWorkbench(): Promise<void> {
    if (await workbench.page.evaluate(() => document.activeElement?.tagName === 'IFRAME')) await workbench.page.locator('.part.sidebar .composite.title').click();
  }

  /** Picks a colour theme as a user does: Ctrl+K Ctrl+T, its name, Enter. */
  async function colorTheme(name: string): Promise<void> {
    const page = workbench.page;
    await focusWorkbench();
    await page.keyboard.press('Control+K');
    await page.keyboard.press('Control+T');
    await page.locator('.quick-input-widget input').waitFor();
    await page.keyboard.type(name);
    await page.locator('.quick-input-list .monaco-list-row.focused .label-name', { hasText: new RegExp(`^${name}$`) }).waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
  }
});
