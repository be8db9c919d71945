// Run, Comparison or Eval: when the panel holds more than one, toggle buttons (aria-pressed) choose
// which shows; only those it holds are offered. Hidden while there is only one.
import type { PanelView } from '../../../src/shared/protocol';
import { el } from '../dom';

export type ShownView = PanelView;

export class ViewSwitch {
  readonly element = el('div', { className: 'view-switch', attributes: { role: 'group', 'aria-label': 'Show' } });
  private readonly buttons: Record<ShownView, HTMLButtonElement>;

  constructor(onChoose: (view: ShownView) => void) {
    const make = (view: ShownView, label: string) => {
      const button = el('button', { className: `action view-${view}`, attributes: { type: 'button', 'aria-pressed': 'false' } }, label) as HTMLButtonElement;
      button.addEventListener('click', () => onChoose(view));
      return button;
    };
    this.buttons = { run: make('run', 'Run'), comparison: make('comparison', 'Comparison'), eval: make('eval', 'Eval') };
    this.element.append(this.buttons.run, this.buttons.comparison, this.buttons.eval);
  }

  /** `available`: the views that have something to show. */
  update(available: readonly ShownView[], shown: ShownView | undefined): void {
    this.element.hidden = available.length < 2;
    for (const [view, button] of Object.entries(this.buttons) as [ShownView, HTMLButtonElement][]) {
      button.hidden = !available.includes(view);
      button.setAttribute('aria-pressed', String(view === shown));
    }
  }
}
