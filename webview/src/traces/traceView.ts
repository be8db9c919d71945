// The trace view: what a prompt pattern did on its way to the answer, under the run's completion
// and in a comparison or eval cell opened on it. Up to three sections, each a heading that folds it:
// - Retrieved passages: file and lines as a button that opens them in the editor (the host checks
//   the file is in the workspace), the BM25 score, the text collapsed to a few lines;
// - Agent steps: numbered, each with its thought, action `tool[argument]`, observation (a search's
//   or lookup's passages also as links to their lines), tokens and latency, a step whose action
//   could not be read or run marked as such; the stop reason and the final answer;
// - Code: the program in a monospace block, its console output, the answer or the error, the time.
// Every string in a trace came from a model or a workspace file: text nodes only, never markup.
import type { AgentStep, AgentTrace, ExecutionTrace, Passage, PatternTrace, RetrievalTrace } from '../../../src/shared/protocol';
import { el } from '../dom';
import { number, plural } from '../format';
import { post } from '../vscodeApi';
import { collapsibleText, foldingSection, heading } from './disclosure';
import { STOP_LONG } from './traceSummary';

export interface TraceViewOptions {
  /** The level of the "Trace" heading (the run view: 3); sections and steps are one and two below. */
  level: number;
  /** The run (comparison, eval) started in Restricted Mode: say that retrieval and the sandbox were allowed. */
  restricted?: boolean;
}

/** Passages and observations: a few lines until opened. */
const TEXT_PREVIEW = { lines: 4, characters: 400 };
/** A program: longer before it folds (it is what the user came to read). */
const CODE_PREVIEW = { lines: 30, characters: 3_000 };

const ms = (value: number): string => (value >= 10_000 ? `${number(value / 1000, 1)} s` : `${number(value)} ms`);

/** Where a passage is: its file and lines (the host opens it; it checks the file is in the workspace). */
type Place = Pick<Passage, 'file' | 'startLine' | 'endLine'>;

function openPassage(place: Place): void {
  post('trace/openPassage', { file: place.file, startLine: place.startLine, endLine: place.endLine });
}

const lineRange = (place: Place): string =>
  place.startLine === place.endLine ? `${place.startLine}` : `${place.startLine}–${place.endLine}`;

/** A link that opens `place` in the editor: `file:lines`. */
function placeLink(place: Place, className: string): HTMLElement {
  const where = `${place.file}:${lineRange(place)}`;
  const link = el('button', { className, attributes: { type: 'button', title: `Open ${place.file} at line${place.startLine === place.endLine ? '' : 's'} ${lineRange(place)}` } }, where);
  link.addEventListener('click', () => openPassage(place));
  return link;
}

/** A search result's passage header, `[2] docs/moon.md:12-18` (tools/search.ts), and a lookup
 * result's line, `(Result 1 / 3) docs/moon.md:12-18: the sentence`. */
const SEARCH_HEADER = /^\[(\d+)\] (\S[^\n]*?):(\d+)(?:-(\d+))?$/;
const LOOKUP_LINE = /^\(Result \d+ \/ \d+\) (\S[^\n]*?):(\d+)(?:-(\d+))?: /;

/** The passages a `search` or `lookup` observation quotes, in order, each once: so a step links to
 * the lines it read, as the retrieved passages do. A search's headers are read only where a passage
 * starts (the first line, or after a blank line) and numbered 1, 2, 3…: a passage's own text that
 * looks like a header is not taken for one. */
export function observedPlaces(tool: string, observation: string): Place[] {
  const places: Place[] = [];
  const add = (file: string, start: string, end: string | undefined) => {
    const place = { file, startLine: Number(start), endLine: Number(end ?? start) };
    if (!places.some((known) => known.file === place.file && known.startLine === place.startLine && known.endLine === place.endLine)) places.push(place);
  };
  const lines = observation.split('\n');
  if (tool === 'search') {
    let next = 1;
    lines.forEach((line, index) => {
      const header = SEARCH_HEADER.exec(line);
      if (header && Number(header[1]) === next && (index === 0 || lines[index - 1]!.trim() === '')) {
        next++;
        add(header[2]!, header[3]!, header[4]);
      }
    });
  } else if (tool === 'lookup') {
    for (const line of lines) {
      const found = LOOKUP_LINE.exec(line);
      if (found) add(found[1]!, found[2]!, found[3]);
    }
  }
  return places;
}

function passageItem(passage: Passage, rank: number): HTMLElement {
  const where = `${passage.file}:${lineRange(passage)}`;
  return el('li', { className: 'trace-passage' },
    el('div', { className: 'trace-passage-head' },
      el('span', { className: 'trace-rank', attributes: { 'aria-hidden': 'true' } }, `${rank}.`),
      placeLink(passage, 'trace-passage-link'),
      el('span', { className: 'trace-score', attributes: { title: 'BM25 score: comparable within this query only' } }, `score ${number(passage.score, 2)}`)),
    collapsibleText(passage.text, 'trace-passage-text', `passage ${rank}, ${where}`, TEXT_PREVIEW));
}

function retrievalSection(retrieval: RetrievalTrace, level: number): HTMLElement {
  const about = el('p', { className: 'note trace-about' },
    `“${retrieval.query}” over ${retrieval.from.join(', ')}: ${plural(retrieval.files, 'file')}, ${plural(retrieval.chunks, 'chunk')}, ranked in ${ms(retrieval.durationMs)}. The passages fill the input `,
    el('code', {}, retrieval.into), '.');
  return foldingSection(level, 'trace-retrieval', 'Retrieved passages', plural(retrieval.passages.length, 'passage'),
    about,
    retrieval.passages.length === 0
      ? el('p', { className: 'note trace-empty' }, 'Nothing matched the query.')
      : el('ol', { className: 'trace-passages', attributes: { 'aria-label': 'Retrieved passages, best first' } }, ...retrieval.passages.map((passage, index) => passageItem(passage, index + 1))));
}

/** One `<dt>name</dt><dd>…</dd>` pair of a step. */
const part = (name: string, className: string, value: Node | string): HTMLElement[] =>
  [el('dt', { className }, name), el('dd', { className }, value)];

function stepItem(step: AgentStep, index: number, level: number): HTMLElement {
  const n = index + 1;
  const parsed = step.thought !== undefined || step.action !== undefined;
  const parts: HTMLElement[] = [];
  if (step.thought !== undefined) parts.push(...part('Thought', 'trace-thought', collapsibleText(step.thought, 'trace-thought-text', `thought of step ${n}`, TEXT_PREVIEW)));
  // What the model wrote, when no thought or action could be read from it: what "parse error" means.
  if (!parsed) parts.push(...part('Model text', 'trace-model-text', collapsibleText(step.text, 'trace-raw-text', `model text of step ${n}`, TEXT_PREVIEW)));
  if (step.action) parts.push(...part('Action', 'trace-action', el('code', { className: 'trace-action-call' }, el('span', { className: 'trace-tool' }, step.action.tool), `[${step.action.argument}]`)));
  if (step.observation !== undefined) parts.push(...part('Observation', 'trace-observation', collapsibleText(step.observation, 'trace-observation-text', `observation of step ${n}`, TEXT_PREVIEW)));
  const places = step.action && step.observation !== undefined && step.error === undefined ? observedPlaces(step.action.tool, step.observation) : [];
  if (places.length > 0) {
    parts.push(...part('Passages', 'trace-sources', el('ul', { className: 'trace-source-list', attributes: { 'aria-label': `Passages step ${n} read` } },
      ...places.map((place) => el('li', {}, placeLink(place, 'trace-passage-link trace-source-link'))))));
  }
  if (step.error !== undefined) parts.push(...part('Problem', 'trace-step-error', step.error));
  return el('li', { className: `trace-step${step.error !== undefined ? ' has-error' : ''}` },
    el('div', { className: 'trace-step-head' },
      heading(level, 'trace-step-title', `Step ${n}`),
      el('span', { className: 'trace-step-figures' }, `${plural(step.completionTokens, 'token')} · ${ms(step.latencyMs)}`),
      step.error !== undefined && el('span', { className: 'pill trace-step-flag' }, step.action ? 'could not run' : 'could not read')),
    el('dl', { className: 'trace-step-parts' }, ...parts));
}

function answerBlock(answer: string, label: string): HTMLElement {
  return el('div', { className: 'trace-answer', attributes: { role: 'group', 'aria-label': label } },
    el('div', { className: 'trace-answer-label' }, label),
    el('pre', { className: 'trace-answer-text' }, answer));
}

function agentSection(agent: AgentTrace, level: number): HTMLElement {
  const tokens = agent.steps.reduce((sum, step) => sum + step.completionTokens, 0);
  const latency = agent.steps.reduce((sum, step) => sum + step.latencyMs, 0);
  return foldingSection(level, 'trace-agent', 'Agent steps', `${plural(agent.steps.length, 'step')} · ${STOP_LONG[agent.stop]}`,
    el('p', { className: `trace-stop stop-${agent.stop}` },
      `${agent.stop === 'finish' ? 'Finished' : 'Stopped'} after ${plural(agent.steps.length, 'step')} (${plural(tokens, 'token')}, ${ms(latency)}): `,
      el('strong', {}, STOP_LONG[agent.stop]), '.'),
    agent.steps.length > 0 && el('ol', { className: 'trace-steps', attributes: { 'aria-label': 'Agent steps' } }, ...agent.steps.map((step, index) => stepItem(step, index, level + 1))),
    agent.answer !== undefined && answerBlock(agent.answer, 'Final answer'));
}

function executionSection(execution: ExecutionTrace, level: number): HTMLElement {
  const ok = execution.error === undefined && execution.answer !== undefined;
  return foldingSection(level, 'trace-execution', 'Code', `${execution.language === 'javascript' ? 'JavaScript' : execution.language} · ${ok ? 'answered' : 'no answer'} · ${ms(execution.durationMs)}`,
    execution.code === undefined
      ? el('p', { className: 'note trace-empty' }, 'The completion has no code block to run.')
      : collapsibleText(execution.code, 'trace-code', 'code', CODE_PREVIEW),
    execution.console.length > 0 && el('div', { className: 'trace-console' },
      el('div', { className: 'trace-label' }, `Console · ${plural(execution.console.length, 'line')}`),
      collapsibleText(execution.console.join('\n'), 'trace-console-text', 'console output', TEXT_PREVIEW)),
    execution.answer !== undefined && answerBlock(execution.answer, 'Answer'),
    execution.error !== undefined && el('p', { className: 'trace-exec-error' }, el('span', { className: 'trace-label' }, 'Error: '), execution.error),
    el('p', { className: 'note trace-about' }, `Ran in ${ms(execution.durationMs)} in a QuickJS sandbox: no file system, no network, limited memory and time.`));
}

/** What ran under Restricted Mode, and why it was allowed to: retrieval and an agent's `search`
 * read files of this workspace, a PAL program ran in the sandbox. */
function restrictedNote(trace: PatternTrace): HTMLElement | undefined {
  const searched = trace.agent?.steps.some((step) => step.action?.tool === 'search' && step.error === undefined) === true;
  const ran = [
    trace.retrieval && 'retrieval read files of this workspace',
    searched && 'the agent\'s search read files of this workspace',
    trace.execution && 'the code ran in the sandbox',
  ].filter((part): part is string => Boolean(part));
  if (ran.length === 0) return undefined;
  const list = ran.length === 1 ? ran[0]! : `${ran.slice(0, -1).join(', ')} and ${ran.at(-1)!}`;
  const allowed = ran.length === 1
    ? 'It is allowed in an untrusted workspace: it touches nothing outside it.'
    : `${ran.length === 2 ? 'Both' : 'All three'} are allowed in an untrusted workspace: they touch nothing outside it.`;
  return el('p', { className: 'note trace-restricted' }, el('strong', {}, 'Restricted Mode: '), `${list}. ${allowed}`);
}

/** The trace view of `trace`. */
export function traceView(trace: PatternTrace, options: TraceViewOptions): HTMLElement {
  const { level } = options;
  return el('section', { className: 'trace', attributes: { 'aria-label': 'Trace' } },
    heading(level, 'trace-title', 'Trace'),
    options.restricted === true && restrictedNote(trace),
    trace.retrieval && retrievalSection(trace.retrieval, level + 1),
    trace.agent && agentSection(trace.agent, level + 1),
    trace.execution && executionSection(trace.execution, level + 1));
}
