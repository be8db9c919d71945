import type { PromptSnapshot, RenderedPromptView } from '../../../src/shared/protocol';
import { el } from '../dom';
import { number, plural } from '../format';
import { tokenChipsView } from '../tokens/tokenChips';

/** The prompt the panel is about: its name, then the prompt as it is sent (its messages, rendered
 * with the prompt's defaults, each part marked and counted); the .prompt source, which the editor
 * beside the panel shows, is folded away below. Until the host has rendered it, the source shows. */
export function promptView(prompt: PromptSnapshot): HTMLElement {
  const source = el('pre', { className: 'prompt-text', attributes: { tabindex: '0', 'aria-label': `Text of ${prompt.fileName}` } }, prompt.text);
  const cut = prompt.truncated && el('p', { className: 'note' }, `Showing the first ${plural(prompt.text.length, 'character')}.`);
  const rendered = prompt.rendered;
  return el('section', { className: 'prompt', attributes: { 'aria-labelledby': 'prompt-name' } },
    el('header', { className: 'prompt-header' },
      el('h2', { id: 'prompt-name', className: 'prompt-name', attributes: { title: prompt.uri } }, prompt.fileName),
      el('span', { className: 'pill prompt-language' }, prompt.languageId),
      el('span', { className: 'pill count prompt-lines' }, plural(prompt.lineCount, 'line')),
      rendered && el('span', { className: 'pill count prompt-tokens', attributes: { title: rendered.exact ? `exact count, ${rendered.tokenizer}` : `approximate count with ${rendered.tokenizer}` } },
        `${rendered.exact ? '' : '~'}${plural(rendered.total, 'token')} (${rendered.tokenizer})`),
    ),
    ...(rendered
      ? [renderedView(rendered), el('details', { className: 'prompt-source' }, el('summary', {}, 'Source'), source, cut)]
      : [source, cut, prompt.renderProblem && el('p', { className: 'note prompt-render-problem' }, `Not rendered: ${prompt.renderProblem}`)]),
  );
}

/** The messages with their parts marked, a legend that counts each part and the overhead, and (when
 * the host listed them) the tokens as chips grouped by part. */
function renderedView(rendered: RenderedPromptView): HTMLElement {
  const legend = el('ul', { className: 'prompt-parts', attributes: { 'aria-label': 'Tokens per part' } },
    ...rendered.parts.map((part) => el('li', { className: `part part-${part.name}`, attributes: { 'data-part': part.name } }, `${part.name} ${number(part.tokens)}`)),
    el('li', { className: 'part part-overhead', attributes: { 'data-part': 'overhead', title: 'Message wrapping and reply priming: tokens that are no part\'s text' } }, `message overhead ${number(rendered.overhead)}`),
  );
  const messages = rendered.messages.map((message) => el('div', { className: 'prompt-message' },
    el('div', { className: 'prompt-role' }, message.role),
    el('pre', { className: 'prompt-rendered', attributes: { tabindex: '0', 'aria-label': `${message.role} message` } },
      ...message.segments.map((segment) => (segment.part
        ? el('mark', { className: `part part-${segment.part}`, attributes: { title: segment.part, 'data-part': segment.part } }, segment.text)
        : segment.text))),
  ));
  return el('div', { className: 'prompt-rendered-view' },
    el('p', { className: 'note' }, 'As sent, with the prompt\'s defaults:'),
    legend, ...messages,
    rendered.tokens && tokenChipsView(rendered.tokens),
    rendered.truncated && el('p', { className: 'note' }, 'The rendered prompt is cut here.'),
  );
}

/** Shown until a prompt is opened. */
export function emptyView(): HTMLElement {
  return el('section', { className: 'empty' },
    el('p', {}, 'Open a .prompt file in the editor to work on it here.'),
  );
}
