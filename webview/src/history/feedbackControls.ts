// 👍 / 👎 and a note or a better answer under every completion the panel shows (the run, each
// comparison cell). The controls are native buttons (aria-pressed toggles, reachable by Tab, pressed
// with Enter or Space); the note form opens inline, Ctrl+Enter saves it, Escape closes it and gives
// focus back to the button that opened it. What is saved is the host's answer (`feedback/show`): the
// buttons show the saved rating, and a failure is said under the buttons (role=alert).
import type { CompletionFeedback, Rating } from '../../../src/shared/protocol';
import { el } from '../dom';
import { thumbIcon } from './thumbIcon';

export interface FeedbackSink {
  rate(recordId: string, completion: string, rating: Rating | null): void;
  annotate(recordId: string, completion: string, note: string, betterAnswer: string): void;
}

export class FeedbackControls {
  readonly element: HTMLElement;
  private readonly up: HTMLButtonElement;
  private readonly down: HTMLButtonElement;
  private readonly noteButton: HTMLButtonElement;
  private readonly summary = el('p', { className: 'feedback-summary' });
  /** role=alert only while it says something: an empty alert is still one to assistive technology. */
  private readonly problem = el('p', { className: 'feedback-problem' });
  private form: HTMLElement | undefined;
  private saved: CompletionFeedback = {};

  constructor(
    readonly recordId: string,
    readonly completion: string,
    /** What the completion is, for labels: `the run`, `temperature 0.7, sample 2`. */
    private readonly what: string,
    /** The completion's text, offered as the start of a better answer. */
    private readonly completionText: () => string,
    private readonly sink: FeedbackSink,
  ) {
    const toggle = (rating: Rating, word: string, label: string) => {
      const button = el('button', { className: `action feedback-${rating}`, attributes: { type: 'button', 'aria-pressed': 'false', 'aria-label': `${label}: ${what}`, title: `${label} (saved in the history record)` } }, word) as HTMLButtonElement;
      button.prepend(thumbIcon(rating));
      button.addEventListener('click', () => {
        const next = this.saved.rating === rating ? null : rating;
        this.show({ ...this.saved, ...(next ? { rating: next } : { rating: undefined }) }, true);
        this.sink.rate(this.recordId, this.completion, next);
      });
      return button;
    };
    // A word beside the thumb says it without the picture too.
    this.up = toggle('up', 'Good', 'Good completion');
    this.down = toggle('down', 'Bad', 'Bad completion');
    this.noteButton = el('button', { className: 'action feedback-note', attributes: { type: 'button', 'aria-expanded': 'false', 'aria-label': `Note or better answer: ${what}`, title: 'Add a note or the answer you wanted' } }, 'Note…') as HTMLButtonElement;
    this.noteButton.addEventListener('click', () => (this.form ? this.closeForm() : this.openForm()));
    this.element = el('div', { className: 'feedback', attributes: { role: 'group', 'aria-label': `Feedback on ${what}`, 'data-completion': completion } },
      el('div', { className: 'feedback-buttons' }, this.up, this.down, this.noteButton),
      this.summary,
      this.problem,
    );
    this.problem.hidden = true;
    this.show({});
  }

  /** The saved feedback (or, while the host saves it, what the user just chose). */
  show(feedback: CompletionFeedback, pending = false): void {
    this.saved = { ...feedback };
    if (feedback.rating === undefined) delete this.saved.rating;
    this.up.setAttribute('aria-pressed', String(this.saved.rating === 'up'));
    this.down.setAttribute('aria-pressed', String(this.saved.rating === 'down'));
    this.element.classList.toggle('pending', pending);
    const parts = [this.saved.note ? `Note: ${this.saved.note}` : '', this.saved.betterAnswer ? 'Better answer saved' : ''].filter(Boolean);
    this.summary.textContent = parts.join(' · ');
    this.summary.hidden = parts.length === 0;
    if (!pending) this.fail(undefined);
  }

  fail(message: string | undefined): void {
    this.problem.textContent = message ?? '';
    this.problem.hidden = message === undefined;
    if (message === undefined) this.problem.removeAttribute('role');
    else this.problem.setAttribute('role', 'alert');
    if (message !== undefined) this.element.classList.remove('pending');
  }

  private openForm(): void {
    const note = el('textarea', { className: 'feedback-note-text', attributes: { rows: '2', 'aria-label': `Note on ${this.what}` } }) as HTMLTextAreaElement;
    note.value = this.saved.note ?? '';
    const better = el('textarea', { className: 'feedback-better-text', attributes: { rows: '4', 'aria-label': `Better answer for ${this.what}` } }) as HTMLTextAreaElement;
    better.value = this.saved.betterAnswer ?? this.completionText();
    const save = el('button', { className: 'action feedback-save', attributes: { type: 'button' } }, 'Save') as HTMLButtonElement;
    const cancel = el('button', { className: 'action feedback-cancel', attributes: { type: 'button' } }, 'Cancel') as HTMLButtonElement;
    const submit = () => {
      // An unedited completion is no better answer: only an edit is kept as one.
      const betterAnswer = better.value === this.completionText() ? '' : better.value;
      this.show({ ...this.saved, note: note.value || undefined, betterAnswer: betterAnswer || undefined }, true);
      this.sink.annotate(this.recordId, this.completion, note.value, betterAnswer);
      this.closeForm();
    };
    save.addEventListener('click', submit);
    cancel.addEventListener('click', () => this.closeForm());
    const form = el('div', { className: 'feedback-form', attributes: { role: 'group', 'aria-label': `Note on ${this.what}` } },
      el('label', { className: 'feedback-label' }, 'Note', note),
      el('label', { className: 'feedback-label' }, 'Better answer (edit the completion)', better),
      el('div', { className: 'feedback-form-buttons' }, save, cancel),
    );
    form.addEventListener('keydown', (event) => {
      if (event.key === 'Escape') {
        // The form's own: the view around it (an eval cell's detail) must not close as well.
        event.preventDefault();
        event.stopPropagation();
        this.closeForm();
      } else if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        submit();
      }
    });
    this.form = form;
    this.noteButton.setAttribute('aria-expanded', 'true');
    this.summary.before(form);
    note.focus();
  }

  private closeForm(): void {
    this.form?.remove();
    this.form = undefined;
    this.noteButton.setAttribute('aria-expanded', 'false');
    this.noteButton.focus();
  }
}
