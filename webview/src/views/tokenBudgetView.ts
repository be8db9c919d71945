// The prompt's tokens by part (instruction, examples, content, cue, message overhead) as a stacked
// bar against the model's context window, the remaining room as empty track, a legend with the
// numbers, and what a run costs. Segment widths are set through CSSOM (`element.style.width`): the
// CSP forbids style attributes, not style properties.
import type { ComparisonRecord } from '../../../src/shared/protocol';
import { costText, type TokenBudget } from '../compare/cost';
import { el } from '../dom';
import { number, percent } from '../format';

interface Part { name: string; tokens: number }

const partsOf = (tokens: TokenBudget): Part[] => [...tokens.parts, { name: 'overhead', tokens: tokens.overhead }];

function bar(tokens: TokenBudget, parts: Part[]): HTMLElement {
  const contextWindow = tokens.contextWindow;
  // Without a known window, or with a prompt that does not fit it, the bar is the prompt itself.
  const whole = contextWindow !== undefined && contextWindow >= tokens.total ? contextWindow : Math.max(tokens.total, 1);
  const label = contextWindow === undefined
    ? `Prompt of ${number(tokens.total)} tokens; context window unknown`
    : `Prompt of ${number(tokens.total)} tokens: ${percent(tokens.total, contextWindow)} of a ${number(contextWindow)}-token context window`;
  const track = el('div', { className: 'token-bar', attributes: { role: 'img', 'aria-label': label } });
  if (contextWindow !== undefined && tokens.total > contextWindow) track.classList.add('overflow');
  for (const part of parts) {
    if (part.tokens <= 0) continue;
    const segment = el('span', { className: `token-part part-${part.name}`, attributes: { title: `${part.name}: ${number(part.tokens)} tokens` } });
    segment.style.width = `${(part.tokens / whole) * 100}%`;
    track.append(segment);
  }
  return track;
}

function totalLine(tokens: TokenBudget): string {
  const approximate = tokens.exact ? '' : ' (approximate)';
  const windowText = tokens.contextWindow === undefined
    ? 'context window unknown'
    : tokens.total > tokens.contextWindow
      ? `more than the ${number(tokens.contextWindow)}-token context window`
      : `${percent(tokens.total, tokens.contextWindow)} of a ${number(tokens.contextWindow)}-token context window`;
  return `${number(tokens.total)} prompt tokens${approximate} · ${windowText} · ${tokens.tokenizer}`;
}

export class TokenBudgetView {
  readonly element = el('section', { className: 'token-budget', attributes: { 'aria-label': 'Prompt tokens and cost' } });
  private readonly cost = el('p', { className: 'token-cost' });
  private record: ComparisonRecord | undefined;

  show(record: ComparisonRecord): void {
    this.record = record;
    const { tokens } = record;
    this.element.hidden = tokens === undefined;
    if (!tokens) {
      this.element.replaceChildren();
      return;
    }
    const parts = partsOf(tokens);
    this.element.replaceChildren(
      bar(tokens, parts),
      el('ul', { className: 'token-legend' },
        ...parts.map((part) => el('li', { className: `legend-item part-${part.name}` },
          el('span', { className: 'swatch', attributes: { 'aria-hidden': 'true' } }),
          `${part.name} `,
          el('span', { className: 'token-count' }, number(part.tokens))))),
      el('p', { className: 'token-total' }, totalLine(tokens)),
      this.cost,
    );
    this.updateCost();
  }

  /** The cost line changes as cells end; the bar does not. */
  updateCost(): void {
    const tokens = this.record?.tokens;
    if (this.record && tokens) this.cost.textContent = `Cost: ${costText(this.record, tokens)}`;
  }
}
