// "Export ▾": a button that opens a group of format buttons, as menus behave: the first format is
// focused on open, Escape or a click elsewhere closes it, choosing a format closes it and gives the
// focus back to the button. The comparison's header and the eval view use it.
import { actionButton, el } from '../dom';

export class ExportMenu<Format extends string> {
  readonly toggle: HTMLButtonElement;
  readonly element: HTMLElement;
  private readonly options: HTMLElement;

  /** `idPrefix` keeps ids and classes apart when two menus are in the panel (`export`, `eval-export`). */
  constructor(idPrefix: string, formats: readonly { format: Format; label: string }[], onExport: (format: Format) => void) {
    this.toggle = actionButton('Export', `${idPrefix}-toggle`, () => this.setOpen(this.options.hidden));
    this.toggle.append(el('span', { attributes: { 'aria-hidden': 'true' } }, ' ▾'));
    this.toggle.setAttribute('aria-expanded', 'false');
    this.toggle.setAttribute('aria-controls', `${idPrefix}-options`);
    this.options = el('div', { id: `${idPrefix}-options`, className: 'export-options', attributes: { role: 'group', 'aria-label': 'Export as' } },
      ...formats.map(({ format, label }) => actionButton(label, `${idPrefix}-${format}`, () => {
        this.setOpen(false);
        this.toggle.focus();
        onExport(format);
      })));
    this.options.hidden = true;
    this.options.addEventListener('keydown', (event) => {
      if (event.key !== 'Escape') return;
      this.setOpen(false);
      this.toggle.focus();
    });
    this.element = el('div', { className: 'export-menu' }, this.toggle, this.options);
    document.addEventListener('click', (event) => {
      if (!this.options.hidden && !this.element.contains(event.target as Node)) this.setOpen(false);
    });
  }

  setOpen(open: boolean): void {
    this.options.hidden = !open;
    this.toggle.setAttribute('aria-expanded', String(open));
    if (open) (this.options.firstElementChild as HTMLElement | null)?.focus();
  }
}
