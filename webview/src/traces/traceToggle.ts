// A comparison or eval cell's trace, in a few words on a button ("4 steps · finish"): pressed, it
// opens the cell's trace view in the slot given (under the cell's text), pressed again it closes it.
// The view is built when opened, not before: a grid of agent cells holds only its summaries.
import type { PatternTrace } from '../../../src/shared/protocol';
import { el } from '../dom';
import { uniqueId } from './disclosure';
import { traceSummary } from './traceSummary';
import { traceView, type TraceViewOptions } from './traceView';

export interface TraceToggle {
  button: HTMLButtonElement;
  readonly expanded: boolean;
}

/** A toggle for `trace` whose view goes into `slot`, drawn with `view` (its "Trace" heading's level,
 * and whether the cell ran in Restricted Mode); `where` names the cell ("t=0.4, sample 2");
 * `onChange` hears when it opens or closes. */
export function traceToggle(trace: PatternTrace, slot: HTMLElement, view: TraceViewOptions, where: string, expanded = false, onChange?: (expanded: boolean) => void): TraceToggle {
  const summary = traceSummary(trace);
  slot.id ||= uniqueId('trace-slot');
  const button = el('button', {
    className: 'action trace-toggle',
    attributes: { 'type': 'button', 'aria-expanded': 'false', 'aria-controls': slot.id, 'aria-label': `Trace of ${where}: ${summary.spoken}`, 'title': `Show how ${where} got its answer` },
  },
  el('span', { className: 'trace-toggle-label', attributes: { 'aria-hidden': 'true' } }, 'Trace'),
  ' ',
  el('span', { className: 'trace-toggle-summary' }, summary.text)) as HTMLButtonElement;
  const set = (open: boolean) => {
    button.setAttribute('aria-expanded', String(open));
    slot.replaceChildren(...(open ? [traceView(trace, view)] : []));
    slot.hidden = !open;
  };
  button.addEventListener('click', () => {
    const open = button.getAttribute('aria-expanded') !== 'true';
    set(open);
    onChange?.(open);
  });
  set(expanded);
  return {
    button,
    get expanded() {
      return button.getAttribute('aria-expanded') === 'true';
    },
  };
}
