// A matrix cell opened: for each sample of that test in that column, its output (as text), the
// outcome, every assertion's result with its score and reason, the word diff of the output against
// the test's expected answer when it has one, a prompt pattern's trace behind a button, and, once the
// eval ended (it is in history then), 👍/👎 and a note or better answer for each output that came
// back (keyed `cell:<index>`).
import { isSettled, testName, type EvalCell } from '../../../src/shared/protocol';
import { el } from '../dom';
import { ratio } from '../format';
import { expectedOf, type EvalIndex } from '../eval/evalModel';
import { wordDiff } from '../wordDiff';
import { resultDetails } from './resultDetails';
import { hasTrace } from '../traces/traceSummary';
import { traceToggle } from '../traces/traceToggle';

export interface DetailActions {
  close(): void;
  stop(cell: number): void;
  /** The feedback controls of cell `cell` (history/feedbackRegistry.ts); `what` names it. */
  feedback?(cell: number, what: string, text: () => string): HTMLElement;
}

/** Which samples' traces are open: kept while the detail redraws for a sample still streaming. */
type OpenTraces = Set<number>;

function varsList(vars: Record<string, unknown>): HTMLElement {
  return el('dl', { className: 'eval-vars' }, ...Object.entries(vars).flatMap(([name, value]) => [
    el('dt', {}, name),
    el('dd', {}, typeof value === 'string' ? value : JSON.stringify(value)),
  ]));
}

/** A sample's trace button and the slot its view opens in (none when the sample has no trace);
 * `restricted`: the eval started in Restricted Mode. */
function sampleTrace(cell: EvalCell, index: number, where: string, openTraces: OpenTraces, restricted: boolean): [HTMLElement, HTMLElement] | [] {
  const trace = cell.result?.trace;
  if (!hasTrace(trace)) return [];
  const slot = el('div', { className: 'eval-trace' });
  const toggle = traceToggle(trace, slot, { level: 5, restricted }, where, openTraces.has(index), (open) => {
    if (open) openTraces.add(index);
    else openTraces.delete(index);
  });
  return [el('div', { className: 'eval-trace-bar' }, toggle.button), slot];
}

function sampleView(cell: EvalCell, index: number, expected: string | undefined, actions: DetailActions, rate: string | undefined, openTraces: OpenTraces, restricted: boolean): HTMLElement {
  const verdict = cell.status === 'failed' ? 'error' : cell.outcome ? (cell.outcome.error ? 'error' : cell.outcome.pass ? 'pass' : 'fail') : cell.status;
  const heading = `Sample ${cell.testSample + 1}${cell.seed !== undefined ? ` · seed ${cell.seed}` : ''} · ${verdict}${cell.outcome ? ` · score ${ratio(cell.outcome.score)}` : ''}`;
  const stop = cell.status === 'queued' || cell.status === 'running'
    ? (() => {
      const button = el('button', { className: 'action eval-stop-cell', attributes: { type: 'button' } }, 'Stop') as HTMLButtonElement;
      button.addEventListener('click', () => { button.disabled = true; actions.stop(index); });
      return button;
    })()
    : undefined;
  const assertions = (cell.assertions ?? []).map((result) => el('li', { className: `eval-assertion ${result.error ? 'verdict-error' : result.pass ? 'verdict-pass' : 'verdict-fail'}` },
    el('span', { className: 'eval-verdict', attributes: { 'aria-hidden': 'true' } }, result.error ? '!' : result.pass ? '✓' : '✗'),
    el('span', { className: 'eval-assertion-type' }, result.type),
    el('span', { className: 'eval-assertion-score' }, `${result.error ? 'error' : result.pass ? 'pass' : 'fail'} · ${ratio(result.score)}`),
    el('span', { className: 'eval-assertion-reason' }, result.reason),
    result.judge && el('span', { className: 'eval-judge' }, `judge: ${result.judge.verdict}`)));
  const output = el('pre', { className: 'eval-output', attributes: { tabindex: '0', 'aria-label': 'Output' } });
  const done = cell.status !== 'queued' && cell.status !== 'running';
  let diffNote: HTMLElement | undefined;
  if (expected !== undefined && done && cell.text !== '') {
    const diff = wordDiff(expected, cell.text);
    output.classList.add('diff');
    output.append(...diff.parts.map((part) => (part.kind === 'same' ? document.createTextNode(part.text) : el(part.kind === 'insert' ? 'ins' : 'del', {}, part.text))));
    diffNote = el('p', { className: 'note eval-diff-note' }, `vs expected: ${diff.inserted} words added, ${diff.deleted} removed${diff.simplified ? ' · diff simplified (long texts)' : ''}`);
  } else output.textContent = cell.text;
  return el('section', { className: 'eval-sample', attributes: { 'data-cell': String(index) } },
    el('h4', {}, heading), stop,
    cell.outcome && el('p', { className: 'eval-outcome' }, cell.outcome.reason),
    assertions.length > 0 ? el('ul', { className: 'eval-assertions', attributes: { 'aria-label': 'Assertions' } }, ...assertions) : undefined,
    diffNote, output,
    // Rated once the whole eval ended: its record is saved in history then.
    rate !== undefined && cell.status === 'done' && actions.feedback ? actions.feedback(index, rate, () => cell.text) : undefined,
    ...sampleTrace(cell, index, `sample ${cell.testSample + 1}`, openTraces, restricted),
    ...(cell.result ? resultDetails(cell.result, 'cell') : []));
}

export class EvalCellDetail {
  readonly element = el('section', { className: 'eval-detail', attributes: { 'aria-label': 'Cell detail' } });
  open: { test: number; column: number } | undefined;
  private readonly openTraces: OpenTraces = new Set();

  constructor(private readonly actions: DetailActions) {
    this.element.hidden = true;
    this.element.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') actions.close();
    });
  }

  /** `restricted`: the eval started in Restricted Mode (its samples' traces say so). */
  show(index: EvalIndex, open: { test: number; column: number } | undefined, restricted: boolean): void {
    // Another cell (or none): its samples' traces start closed.
    if (open?.test !== this.open?.test || open?.column !== this.open?.column) this.openTraces.clear();
    this.open = open;
    const test = open && index.record.tests[open.test];
    const column = open && index.record.columns[open.column];
    if (!open || !test || !column) {
      this.open = undefined;
      this.element.hidden = true;
      this.element.replaceChildren();
      return;
    }
    const close = el('button', { className: 'action eval-detail-close', attributes: { type: 'button', 'aria-label': 'Close the detail' } }, 'Close') as HTMLButtonElement;
    close.addEventListener('click', () => this.actions.close());
    const expected = expectedOf(test);
    const cells = index.cellIndexesOf(open.test, open.column);
    this.element.hidden = false;
    this.element.replaceChildren(
      el('header', { className: 'eval-detail-header' },
        el('h3', { attributes: { title: `${test.file}:${test.position.line + 1}` } }, `${testName(test)} · ${column.label}`),
        close),
      varsList(test.vars),
      ...(expected !== undefined ? [el('p', { className: 'note' }, 'Outputs are shown as a word diff against the test\'s expected answer.')] : []),
      ...cells.map((cellIndex) => {
        const cell = index.record.cells[cellIndex]!;
        const what = `${testName(test)} · ${column.label}${cells.length > 1 ? `, sample ${cell.testSample + 1}` : ''}`;
        return sampleView(cell, cellIndex, expected, this.actions, isSettled(index.record) ? what : undefined, this.openTraces, restricted);
      }),
    );
  }
}
