// The trace view's two expandable parts, both buttons with aria-expanded and aria-controls (so
// Enter and Space work, and a screen reader says "collapsed"/"expanded"):
// - a long text shown as its first few lines, with "Show all" (passages, observations, code);
// - a section whose heading is a button that folds it (the WAI-ARIA accordion pattern: the heading
//   stays a heading for navigation, the button inside it does the folding).
// Text is assigned as text only; a collapsed block holds only its preview in the DOM, so 200 long
// observations cost little until they are opened.
import { el } from '../dom';
import { number } from '../format';

let counter = 0;
/** A document-unique id for aria-controls. */
export const uniqueId = (prefix: string): string => `${prefix}-${++counter}`;

export interface PreviewLimits {
  lines: number;
  characters: number;
}

/** The first `limits.lines` lines of `text`, cut at `limits.characters`; undefined when it all fits. */
export function previewOf(text: string, limits: PreviewLimits): string | undefined {
  let end = -1;
  for (let line = 0; line < limits.lines; line++) {
    end = text.indexOf('\n', end + 1);
    if (end === -1) break;
  }
  const cut = Math.min(end === -1 ? text.length : end, limits.characters);
  return cut >= text.length ? undefined : text.slice(0, cut);
}

const lineCount = (text: string): number => {
  let count = 1;
  for (let at = text.indexOf('\n'); at !== -1; at = text.indexOf('\n', at + 1)) count++;
  return count;
};

/** `text` in a `<pre>` of `className`, collapsed to a preview when it is long. `label` names the
 * block for a screen reader ("Passage text", "Observation of step 3"). */
export function collapsibleText(text: string, className: string, label: string, limits: PreviewLimits): HTMLElement {
  const id = uniqueId('trace-text');
  const block = el('pre', { className: `trace-text ${className}`, id, attributes: { tabindex: '0', 'aria-label': label } });
  const preview = previewOf(text, limits);
  if (preview === undefined) {
    block.textContent = text;
    return el('div', { className: 'trace-text-block' }, block);
  }
  const lines = lineCount(text);
  const more = lines > 1 ? `${number(lines)} lines` : `${number(text.length)} characters`;
  const button = el('button', { className: 'trace-expand', attributes: { 'type': 'button', 'aria-expanded': 'false', 'aria-controls': id, 'aria-label': `Show all of ${label} (${more})` } }) as HTMLButtonElement;
  const set = (expanded: boolean) => {
    block.textContent = expanded ? text : `${preview}…`;
    block.classList.toggle('collapsed', !expanded);
    button.setAttribute('aria-expanded', String(expanded));
    button.textContent = expanded ? 'Show less' : `Show all · ${more}`;
    button.setAttribute('aria-label', `${expanded ? 'Show less of' : 'Show all of'} ${label}${expanded ? '' : ` (${more})`}`);
  };
  button.addEventListener('click', () => set(button.getAttribute('aria-expanded') !== 'true'));
  set(false);
  return el('div', { className: 'trace-text-block' }, block, button);
}

/** A heading at `level` (2–6; deeper levels stay 6) of `className`. */
export function heading(level: number, className: string, ...children: (Node | string)[]): HTMLElement {
  return el(`h${Math.min(Math.max(level, 2), 6)}`, { className }, ...children);
}

/** A section whose heading folds it: `<hN><button aria-expanded>title</button></hN>` and the body. */
export function foldingSection(level: number, className: string, title: string, detail: string, ...body: (HTMLElement | false | undefined)[]): HTMLElement {
  const bodyId = uniqueId('trace-section');
  const toggle = el('button', { className: 'trace-section-toggle', attributes: { 'type': 'button', 'aria-expanded': 'true', 'aria-controls': bodyId } },
    el('span', { className: 'trace-chevron', attributes: { 'aria-hidden': 'true' } }),
    el('span', { className: 'trace-section-title' }, title),
    detail !== '' && el('span', { className: 'trace-section-detail' }, ` · ${detail}`)) as HTMLButtonElement;
  const content = el('div', { className: 'trace-section-body', id: bodyId }, ...body);
  toggle.addEventListener('click', () => {
    const expanded = toggle.getAttribute('aria-expanded') !== 'true';
    toggle.setAttribute('aria-expanded', String(expanded));
    content.hidden = !expanded;
  });
  return el('section', { className: `trace-section ${className}` }, heading(level, 'trace-section-heading', toggle), content);
}
