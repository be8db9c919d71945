// The rendered prompt's tokens as chips, grouped by part (instruction, examples, content, cue,
// message overhead), each group headed by its count. A chip shows its token's text with whitespace
// made visible; its id shows on hover (title) and is read out on focus (aria-label). Token text is
// model-facing and untrusted: it is only ever set as textContent. The chips are one tab stop: arrow
// keys, Home and End move between them (one listener on the list, not one per chip), and the list
// is built in one DocumentFragment.
import type { RenderedPromptView } from '../../../src/shared/protocol';
import { el } from '../dom';
import { number, plural } from '../format';

type Tokens = NonNullable<RenderedPromptView['tokens']>;

const GROUP_LABELS: Record<string, string> = { overhead: 'message overhead' };

/** · for a space, ⏎ for a newline, → for a tab, ␍ for a carriage return; ∅ for an empty piece (a
 * character whose bytes end in the next token). */
export function visibleToken(text: string): string {
  return text === '' ? '∅' : text.replace(/ /g, '·').replace(/\n/g, '⏎').replace(/\t/g, '→').replace(/\r/g, '␍');
}

export function tokenChipsView(tokens: Tokens): HTMLElement {
  const list = el('div', { className: 'token-chips', attributes: { role: 'list', 'aria-label': 'Prompt tokens by part' } });
  const fragment = document.createDocumentFragment();
  let first = true;
  for (const group of tokens.groups) {
    const label = GROUP_LABELS[group.part] ?? group.part;
    const unlisted = group.count - group.tokens.length;
    const chips = el('div', { className: 'token-group-chips' });
    for (const token of group.tokens) {
      const chip = el('span', {
        className: `token-chip part-${group.part}`,
        attributes: {
          role: 'listitem', tabindex: first ? '0' : '-1', title: `id ${token.id}`, 'data-id': String(token.id), 'data-index': String(token.index),
          'aria-label': `${JSON.stringify(token.text)}, id ${token.id}, ${label}`,
        },
      }, visibleToken(token.text));
      first = false;
      chips.append(chip);
      // A newline token ends its line, as it does in the text.
      if (token.text.endsWith('\n')) chips.append(el('span', { className: 'token-break', attributes: { 'aria-hidden': 'true' } }));
    }
    fragment.append(el('section', { className: 'token-group', attributes: { 'data-part': group.part, 'aria-label': `${label}, ${plural(group.count, 'token')}` } },
      el('h4', { className: 'token-group-name' }, el('span', { className: `part part-${group.part}` }, label), ` ${number(group.count)}`,
        unlisted > 0 ? el('span', { className: 'note' }, ` (${number(unlisted)} not listed: message wrapping and reply priming)`) : undefined),
      chips));
  }
  list.append(fragment);
  list.addEventListener('keydown', (event) => moveFocus(list, event));
  list.addEventListener('focusin', (event) => {
    // The focused chip becomes the list's tab stop.
    const chip = (event.target as HTMLElement).closest('.token-chip');
    if (!chip) return;
    list.querySelector('.token-chip[tabindex="0"]')?.setAttribute('tabindex', '-1');
    chip.setAttribute('tabindex', '0');
  });
  return el('details', { className: 'prompt-token-chips', attributes: { open: '' } },
    el('summary', {}, 'Tokens by part'), list,
    tokens.cut ? el('p', { className: 'note' }, 'Only the first tokens are shown; the counts are of all of them.') : undefined);
}

function moveFocus(list: HTMLElement, event: KeyboardEvent): void {
  const chip = (event.target as HTMLElement).closest('.token-chip');
  if (!chip) return;
  const step = { ArrowRight: 1, ArrowDown: 1, ArrowLeft: -1, ArrowUp: -1 }[event.key];
  const all = list.querySelectorAll<HTMLElement>('.token-chip');
  let next: HTMLElement | undefined;
  if (step !== undefined) next = all[(Array.prototype.indexOf.call(all, chip) as number) + step];
  else if (event.key === 'Home') next = all[0];
  else if (event.key === 'End') next = all[all.length - 1];
  if (!next) return;
  event.preventDefault();
  next.focus();
}
