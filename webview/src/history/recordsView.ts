// Two history records side by side (History → Compare Two Records): which records, the prompt that
// was sent as a word diff (left → right), the settings with the ones that differ marked in words as
// well as colour, and the completions paired row by row, the right one as a word diff against the
// left. Every text is inserted as text.
import type { RecordComparisonView, RecordSide } from '../../../src/shared/protocol';
import { el } from '../dom';
import { number } from '../format';
import { wordDiff } from '../wordDiff';

function diffBlock(before: string, after: string, label: string): HTMLElement {
  const diff = wordDiff(before, after);
  const text = el('pre', { className: 'records-text diff', attributes: { tabindex: '0', 'aria-label': label } },
    ...diff.parts.map((part) => (part.kind === 'same' ? document.createTextNode(part.text) : el(part.kind === 'insert' ? 'ins' : 'del', {}, part.text))));
  const note = diff.inserted + diff.deleted === 0
    ? 'identical'
    : `${number(diff.inserted)} words added, ${number(diff.deleted)} removed${diff.simplified ? ' · diff simplified (long texts)' : ''}`;
  return el('div', { className: 'records-diff' }, el('p', { className: 'note records-diff-note' }, note), text);
}

function sideHeader(side: RecordSide, which: 'Left' | 'Right'): HTMLElement {
  const when = side.createdAt ? new Date(side.createdAt).toLocaleString() : '';
  return el('div', { className: `records-side records-${which.toLowerCase()}` },
    el('h3', {}, `${which}: ${side.kind} · ${side.fileName || 'no prompt file'}`),
    el('p', { className: 'note' }, [when, `${side.backend}${side.model ? `/${side.model}` : ''}`, `${side.completions.length} completion${side.completions.length === 1 ? '' : 's'}`].filter(Boolean).join(' · ')));
}

export class RecordsView {
  readonly element = el('section', { className: 'records', attributes: { 'aria-label': 'Record comparison' } });

  constructor(private readonly onClose: () => void) {}

  show(view: RecordComparisonView | undefined): void {
    if (!view) {
      this.element.replaceChildren();
      return;
    }
    const close = el('button', { className: 'action records-close', attributes: { type: 'button', title: 'Close the record comparison' } }, 'Close');
    close.addEventListener('click', () => this.onClose());
    const differing = view.settings.filter((row) => row.differs).length;
    const settings = el('table', { className: 'records-settings' },
      el('thead', {}, el('tr', {}, el('th', { attributes: { scope: 'col' } }, 'Setting'), el('th', { attributes: { scope: 'col' } }, 'Left'), el('th', { attributes: { scope: 'col' } }, 'Right'))),
      el('tbody', {}, ...view.settings.map((row) => el('tr', { className: row.differs ? 'differs' : 'same' },
        el('th', { attributes: { scope: 'row' } }, row.name, row.differs ? el('span', { className: 'differs-mark' }, ' ≠') : undefined),
        el('td', {}, row.left ?? '—'),
        el('td', {}, row.right ?? '—')))));
    const pairs = el('table', { className: 'records-completions' },
      el('thead', {}, el('tr', {}, el('th', { attributes: { scope: 'col' } }, 'Completion'), el('th', { attributes: { scope: 'col' } }, 'Left'), el('th', { attributes: { scope: 'col' } }, 'Right, diffed against left'))),
      el('tbody', {}, ...view.pairs.map((pair) => el('tr', { className: 'records-pair' },
        el('th', { attributes: { scope: 'row' } }, pair.label),
        el('td', { className: 'records-cell' }, pair.left ? el('pre', { className: 'records-text', attributes: { tabindex: '0', 'aria-label': `Left: ${pair.left.label}` } }, pair.left.text) : el('p', { className: 'note' }, 'none')),
        el('td', { className: 'records-cell' }, pair.right
          ? (pair.left ? diffBlock(pair.left.text, pair.right.text, `Right: ${pair.right.label}, diffed against left`) : el('pre', { className: 'records-text', attributes: { tabindex: '0' } }, pair.right.text))
          : el('p', { className: 'note' }, 'none'))))));
    this.element.replaceChildren(
      el('header', { className: 'records-header' }, el('h2', {}, 'Record comparison'), close),
      el('div', { className: 'records-sides' }, sideHeader(view.left, 'Left'), sideHeader(view.right, 'Right')),
      el('h3', {}, 'Prompt sent'),
      view.left.promptText === view.right.promptText
        ? el('p', { className: 'note records-same-prompt' }, 'Both records sent the same prompt.')
        : diffBlock(view.left.promptText, view.right.promptText, 'Prompt, right diffed against left'),
      el('h3', {}, `Settings · ${differing === 0 ? 'all the same' : `${differing} differ${differing === 1 ? 's' : ''}`}`),
      settings,
      el('h3', {}, 'Completions'),
      pairs,
    );
  }
}
