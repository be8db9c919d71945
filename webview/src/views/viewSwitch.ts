// Run or Comparison: when the panel holds both, two toggle buttons (aria-pressed) choose which
// shows. Hidden while there is only one of them.
import { el } from '../dom';

export type ShownView = 'run' | 'comparison';

export class ViewSwitch {
  readonly element = el('div', { className: 'view-switch', attributes: { role: 'group', 'aria-label': 'Show' } });
  private readonly buttons: Record<ShownView, HTMLButtonElement>;

  constructor(onChoose: (view: ShownView) => void) {
    const make = (view: ShownView, label: string) => {
      const button = el('button', { className: `action view-${view}`, attributes: { type: 'button', 'aria-pressed': 'false' } }, label) as HTMLButtonElement;
      button.addEventListener('click', () => onChoose(view));
      return button;
    };
    this.buttons = { run: make('run', 'Run'), comparison: make('comparison', 'Comparison') };
    this.element.append(this.buttons.run, this.buttons.comparison);
  }

  update(available: boolean, shown: ShownView | undefined): void {
    this.element.hidden = !available;
    for (const [view, button] of Object.entries(this.buttons)) button.setAttribute('aria-pressed', String(view === shown));
  }
}
