import type { PromptSnapshot } from '../../../src/shared/protocol';
import { el } from '../dom';
import { plural } from '../format';

/** The prompt the panel is about: its name, what it is, and its text. */
export function promptView(prompt: PromptSnapshot): HTMLElement {
  return el('section', { className: 'prompt', attributes: { 'aria-labelledby': 'prompt-name' } },
    el('header', { className: 'prompt-header' },
      el('h2', { id: 'prompt-name', className: 'prompt-name', attributes: { title: prompt.uri } }, prompt.fileName),
      el('span', { className: 'pill prompt-language' }, prompt.languageId),
      el('span', { className: 'pill count prompt-lines' }, plural(prompt.lineCount, 'line')),
    ),
    el('pre', { className: 'prompt-text', attributes: { tabindex: '0', 'aria-label': `Text of ${prompt.fileName}` } },
      prompt.text),
    prompt.truncated && el('p', { className: 'note' },
      `Showing the first ${plural(prompt.text.length, 'character')}.`),
  );
}

/** Shown until a prompt is opened. */
export function emptyView(): HTMLElement {
  return el('section', { className: 'empty' },
    el('p', {}, 'Open a .prompt file in the editor to work on it here.'),
  );
}
