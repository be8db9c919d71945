// The "Probabilities" toggle of a completion (the run view's and each comparison cell's): pressed,
// it hides the plain text, asks the host for the completion's log-probabilities (only now: they
// never travel with the streamed text) and shows them as a ProbabilityView; pressed again, the text
// is back. Also the "Next token after the prompt" button. One explorer serves the whole panel.
import type { CompletionSource } from '../../../src/shared/probabilities';
import { el } from '../dom';
import type { NextTokenExplorer } from './nextTokenExplorer';
import { ProbabilityView } from './probabilityView';
import { request } from './requests';

let explorer: NextTokenExplorer | undefined;

/** Set once by main.ts: the panel's explorer. */
export function useExplorer(shared: NextTokenExplorer): void {
  explorer = shared;
}

export interface ProbabilityToggle {
  button: HTMLButtonElement;
  /** Shows the plain text again (a cell that runs again). */
  reset(): void;
}

/** A toggle for `source`'s probability view, placed after `text` (which it hides while pressed). */
export function probabilityToggle(source: CompletionSource, text: HTMLElement, label: string): ProbabilityToggle {
  const button = el('button', { className: 'action prob-toggle', attributes: { type: 'button', 'aria-pressed': 'false', title: `Colour each token of ${label} by its probability` } }, 'Probabilities') as HTMLButtonElement;
  let view: ProbabilityView | undefined;
  const reset = () => {
    view?.element.remove();
    view = undefined;
    text.hidden = false;
    button.setAttribute('aria-pressed', 'false');
  };
  button.addEventListener('click', () => {
    if (view) return reset();
    view = new ProbabilityView((position, tokens) => void explorer?.open(source, position, tokens, label));
    const shown = view;
    button.setAttribute('aria-pressed', 'true');
    text.hidden = true;
    text.after(shown.element);
    shown.showLoading();
    void request('logprobs/get', { source }, 'logprobs/reply').then((reply) => {
      if (view === shown) shown.show(reply.result);
    });
  });
  return { button, reset };
}

/** "Next token after the prompt" for `source`. */
export function exploreAfterPromptButton(source: CompletionSource, label: string): HTMLButtonElement {
  const button = el('button', { className: 'action explore-prompt', attributes: { type: 'button', title: 'The model\'s next-token distribution right after the prompt' } }, 'Next token…') as HTMLButtonElement;
  button.addEventListener('click', () => {
    // The completion's tokens (when there are any) show the original continuation beside branches.
    void request('logprobs/get', { source }, 'logprobs/reply').then((reply) =>
      explorer?.open(source, 0, reply.result.kind === 'tokens' ? reply.result.tokens : [], label));
  });
  return button;
}
