// One cell of the comparison grid: its status, its text (streamed in as text nodes, or a word diff
// against the baseline), its numbers, warnings and error, and its buttons. The grid keeps one
// CellView per cell and redraws only the cells a batch touched.
import type { ComparisonRecord } from '../../../src/shared/protocol';
import { isEnded, type ComparisonCell } from '../compare/comparisonModel';
import { el } from '../dom';
import { number } from '../format';
import type { WordDiff } from '../wordDiff';
import { resultDetails } from './resultDetails';
import { probabilityToggle, type ProbabilityToggle } from '../probabilities/probabilityToggle';
import { hasTrace } from '../traces/traceSummary';
import { traceToggle } from '../traces/traceToggle';

export interface CellActions {
  stop(cell: number): void;
  copy(cell: number): void;
  /** Pressed on the baseline cell itself: diffing ends. */
  toggleBaseline(cell: number): void;
  /** The 👍/👎 and note controls for an ended cell (webview/src/history/). */
  feedback?(cell: number, where: string, text: () => string): HTMLElement;
}

const STATUS_LABEL: Record<ComparisonCell['status'], string> = {
  queued: 'queued',
  running: 'running…',
  done: 'done',
  failed: 'failed',
  stopped: 'stopped',
};

function button(label: string, className: string, title: string, onClick: () => void): HTMLButtonElement {
  const element = el('button', { className: `action ${className}`, attributes: { type: 'button', title } }, label) as HTMLButtonElement;
  element.addEventListener('click', onClick);
  return element;
}

export class CellView {
  readonly element: HTMLElement;
  private readonly status = el('span', { className: 'pill cell-status' });
  private readonly baselineMark = el('span', { className: 'pill baseline-mark' }, 'baseline');
  private readonly stopButton: HTMLButtonElement;
  private readonly baselineButton: HTMLButtonElement;
  private readonly text: HTMLElement;
  private readonly details = el('div', { className: 'cell-details' });
  /** The cell's trace view, under its details while its Trace button is pressed. */
  private readonly traceSlot = el('div', { className: 'cell-trace' });
  /** The Trace button was pressed: a redraw of the same run keeps the trace open. */
  private traceOpen = false;
  /** What the text block shows now, so a batch appends only to a block that shows the plain text. */
  private showing: 'text' | 'diff' = 'text';
  private readonly feedback: HTMLElement | undefined;
  /** The cell's probability view toggle (in the bar; enabled once the cell ended). */
  private readonly probabilities: ProbabilityToggle;

  /** The cell in words: "t=0.4, sample 2". */
  private readonly where: string;

  constructor(
    private readonly record: ComparisonRecord,
    readonly index: number,
    actions: CellActions,
    /** The comparison started in Restricted Mode: the cell's trace view says so. */
    private readonly restricted: boolean,
  ) {
    const cell = record.cells[index]!;
    const where = `${record.columns[cell.column]?.label ?? `column ${cell.column + 1}`}, sample ${cell.sample + 1}`;
    this.where = where;
    this.stopButton = button('Stop', 'cell-stop', `Stop ${where}`, () => {
      this.stopButton.disabled = true;
      actions.stop(index);
    });
    this.baselineButton = button('Baseline', 'cell-baseline', `Diff the other cells against ${where}`, () => actions.toggleBaseline(index));
    this.baselineButton.setAttribute('aria-pressed', 'false');
    this.text = el('pre', { className: 'cell-text', attributes: { tabindex: '0', 'aria-label': `Completion of ${where}` } });
    this.probabilities = probabilityToggle({ kind: 'cell', comparison: record.id, cell: index }, this.text, where);
    this.element = el('td', { className: 'cell', attributes: { 'data-cell': String(index) } },
      el('div', { className: 'cell-bar' },
        this.status,
        this.baselineMark,
        el('span', { className: 'cell-actions' },
          this.stopButton,
          button('Copy', 'cell-copy', `Copy the text of ${where}`, () => actions.copy(index)),
          this.baselineButton,
          this.probabilities.button,
        ),
      ),
      this.text,
      this.details,
      this.traceSlot,
    );
    this.feedback = actions.feedback?.(index, where, () => this.cell.text);
    if (this.feedback) this.element.append(this.feedback);
    this.baselineMark.hidden = true;
    this.refresh();
  }

  private get cell(): ComparisonCell {
    return this.record.cells[this.index]!;
  }

  /** Streamed text: appended as a text node while the block shows the plain text. */
  append(text: string): void {
    if (text !== '' && this.showing === 'text') this.text.append(document.createTextNode(text));
  }

  /** Status, buttons, numbers and the whole text again, from the record. `rerun`: the cell starts
   * over, so a Stop pressed on its last run no longer holds. */
  refresh(rerun = false): void {
    const { cell } = this;
    const ended = isEnded(cell.status);
    this.element.className = `cell status-${cell.status}`;
    this.status.textContent = STATUS_LABEL[cell.status];
    // A Stop pressed from the keyboard disappears when the cell ends: keep focus in the cell.
    if (ended && document.activeElement === this.stopButton) this.text.focus();
    this.stopButton.hidden = ended;
    if (rerun) this.stopButton.disabled = false;
    if (rerun) this.probabilities.reset();
    this.probabilities.button.hidden = !ended;
    this.text.setAttribute('aria-busy', String(!ended));
    this.showText();
    if (rerun) this.traceOpen = false;
    this.details.replaceChildren(...this.detailsOf(cell));
    if (this.feedback) this.feedback.hidden = !ended;
  }

  /** The cell's own text, as one text node. */
  showText(): void {
    this.showing = 'text';
    this.text.replaceChildren(document.createTextNode(this.cell.text));
    this.text.classList.remove('diff');
    this.details.querySelector('.cell-diff-note')?.remove();
  }

  /** The cell's text as a diff against the baseline: deletions and insertions marked, as text. */
  showDiff(diff: WordDiff): void {
    this.showing = 'diff';
    this.text.classList.add('diff');
    this.text.replaceChildren(...diff.parts.map((part) =>
      part.kind === 'same' ? document.createTextNode(part.text) : el(part.kind === 'insert' ? 'ins' : 'del', {}, part.text)));
    const note = `vs baseline: ${number(diff.inserted)} words added, ${number(diff.deleted)} removed${diff.simplified ? ' · diff simplified (long texts)' : ''}`;
    const existing = this.details.querySelector('.cell-diff-note');
    if (existing) existing.textContent = note;
    else this.details.prepend(el('p', { className: 'note cell-diff-note' }, note));
  }

  /** Marks this cell as the one the others are diffed against (or not). */
  markBaseline(isBaseline: boolean): void {
    this.baselineMark.hidden = !isBaseline;
    this.baselineButton.setAttribute('aria-pressed', String(isBaseline));
    this.element.classList.toggle('is-baseline', isBaseline);
  }

  private detailsOf(cell: ComparisonCell): HTMLElement[] {
    if (!cell.result) {
      this.traceSlot.replaceChildren();
      this.traceSlot.hidden = true;
      return [];
    }
    const details = resultDetails(cell.result, 'cell');
    const trace = cell.result.trace;
    if (!hasTrace(trace)) {
      this.traceSlot.replaceChildren();
      this.traceSlot.hidden = true;
      return details;
    }
    const toggle = traceToggle(trace, this.traceSlot, { level: 3, restricted: this.restricted }, this.where, this.traceOpen, (open) => { this.traceOpen = open; });
    return [el('div', { className: 'cell-trace-bar' }, toggle.button), ...details];
  }
}
