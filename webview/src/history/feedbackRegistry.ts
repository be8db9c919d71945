// The feedback of every completion the panel shows, by record and completion key: it hands out the
// controls the run view and the comparison cells put under their text, applies the host's answers
// to them, and keeps what was saved in the panel's state (so a reload shows it before the host's
// fresh copy arrives; the host's store stays the truth and is asked again after every load).
import type { CompletionFeedback, PanelState, Rating } from '../../../src/shared/protocol';
import { FeedbackControls, type FeedbackSink } from './feedbackControls';

type Saved = NonNullable<PanelState['feedback']>;
/** Records whose feedback the saved state keeps: those shown now, and a few before. */
const KEEP_RECORDS = 8;

export interface FeedbackHost extends FeedbackSink {
  load(recordIds: string[]): void;
}

export class FeedbackRegistry {
  private readonly controls = new Map<string, FeedbackControls>();
  private saved: Saved;

  constructor(
    private readonly host: FeedbackHost,
    initial: Saved | undefined,
    /** Called with the feedback to keep in the panel's state. */
    private readonly persist: (saved: Saved) => void,
  ) {
    this.saved = { ...(initial ?? {}) };
  }

  /** The controls for one completion (new ones replace an older view's). */
  controlsFor(recordId: string, completion: string, what: string, text: () => string): HTMLElement {
    const controls = new FeedbackControls(recordId, completion, what, text, {
      rate: (id, key, rating: Rating | null) => this.host.rate(id, key, rating),
      annotate: (id, key, note, better) => this.host.annotate(id, key, note, better),
    });
    controls.show(this.saved[recordId]?.[completion] ?? {});
    this.controls.set(`${recordId}\n${completion}`, controls);
    return controls.element;
  }

  /** Asks the host for the saved feedback of these records. */
  load(recordIds: string[]): void {
    const ids = [...new Set(recordIds.filter((id) => id !== ''))];
    if (ids.length > 0) this.host.load(ids);
  }

  /** The host's saved feedback of one record. */
  show(recordId: string, feedback: Record<string, CompletionFeedback>): void {
    const next: Saved = { ...this.saved };
    delete next[recordId];
    next[recordId] = feedback;
    const ids = Object.keys(next);
    for (const old of ids.slice(0, Math.max(0, ids.length - KEEP_RECORDS))) delete next[old];
    this.saved = next;
    this.persist(next);
    for (const [key, controls] of this.controls) {
      if (key.startsWith(`${recordId}\n`)) controls.show(feedback[controls.completion] ?? {});
    }
  }

  failed(recordId: string, completion: string, message: string): void {
    const controls = this.controls.get(`${recordId}\n${completion}`);
    if (!controls) return;
    // What was saved before shows again, with why the change was not.
    controls.show(this.saved[recordId]?.[completion] ?? {});
    controls.fail(message);
  }
}
