// A completion as its tokens, each coloured by the probability the model gave it (five bands on a
// theme-aware scale, with a legend). Hovering or focusing a token shows the chosen token and the
// top alternatives with their probabilities; the token strip is one tab stop whose arrow keys move
// between tokens (Home/End to the ends), Enter opens the next-token explorer before that token and
// Escape hides the tooltip. Model text goes in as text nodes only.
import { probabilityOf, type LogprobsView, type TokenProbability } from '../../../src/shared/probabilities';
import { el } from '../dom';
import { number } from '../format';

/** The upper bounds of the colour bands, in probability; a token falls in the first band it is below. */
export const BANDS: readonly { below: number; label: string }[] = [
  { below: 0.1, label: '< 10%' },
  { below: 0.3, label: '10–30%' },
  { below: 0.6, label: '30–60%' },
  { below: 0.9, label: '60–90%' },
  { below: Infinity, label: '≥ 90%' },
];

export const bandOf = (probability: number): number => BANDS.findIndex((band) => probability < band.below);

/** A probability as a percentage with one decimal (two below 1%). */
export const pct = (probability: number): string => (probability === 0 ? '0%' : `${number(probability * 100, probability < 0.01 ? 2 : 1)}%`);

/** Whitespace made visible, for token labels (not for the completion text itself). */
export function visible(text: string): string {
  if (text === '') return '∅';
  return text.replace(/ /g, '␣').replace(/\n/g, '↵').replace(/\t/g, '⇥').replace(/\r/g, '␍');
}

export type ExploreAt = (position: number, tokens: readonly TokenProbability[]) => void;

export class ProbabilityView {
  readonly element = el('div', { className: 'prob-view' });
  private readonly strip = el('pre', { className: 'prob-tokens', attributes: { role: 'group', 'aria-label': 'Completion tokens by probability; arrow keys move, Enter explores the next token there' } });
  private readonly tip = el('div', { className: 'prob-tip', attributes: { role: 'tooltip', id: `prob-tip-${Math.random().toString(36).slice(2)}` } });
  private tokens: readonly TokenProbability[] = [];
  private spans: HTMLElement[] = [];
  private current = 0;

  constructor(private readonly explore: ExploreAt) {
    this.tip.hidden = true;
    this.strip.addEventListener('mouseover', (event) => {
      const index = this.indexOf(event.target);
      if (index !== undefined) this.showTip(index);
    });
    this.strip.addEventListener('mouseleave', () => {
      if (!this.strip.contains(document.activeElement)) this.hideTip();
    });
    this.strip.addEventListener('focusin', (event) => {
      const index = this.indexOf(event.target);
      if (index !== undefined) this.showTip(index);
    });
    this.strip.addEventListener('focusout', (event) => {
      if (!this.strip.contains(event.relatedTarget as Node | null)) this.hideTip();
    });
    this.strip.addEventListener('click', (event) => {
      const index = this.indexOf(event.target);
      if (index !== undefined) {
        this.focus(index);
        this.explore(index, this.tokens);
      }
    });
    this.strip.addEventListener('keydown', (event) => this.onKey(event));
  }

  showLoading(): void {
    this.element.replaceChildren(el('p', { className: 'note prob-status', attributes: { role: 'status' } }, 'Loading token probabilities…'));
  }

  show(view: LogprobsView): void {
    if (view.kind === 'none') {
      this.element.replaceChildren(el('p', { className: 'note prob-status prob-none', attributes: { role: 'status' } }, `No token probabilities: ${view.reason}`));
      return;
    }
    this.tokens = view.tokens;
    this.current = 0;
    const fragment = document.createDocumentFragment();
    this.spans = view.tokens.map((token, index) => {
      const span = document.createElement('span');
      span.className = `prob-token band-${bandOf(probabilityOf(token.logprob))}`;
      span.textContent = token.token;
      span.tabIndex = index === 0 ? 0 : -1;
      span.dataset.index = String(index);
      fragment.append(span);
      return span;
    });
    this.strip.replaceChildren(fragment);
    this.hideTip();
    this.element.replaceChildren(this.legend(view.tokens.length, `${view.backend}${view.model ? ` · ${view.model}` : ''}`), this.strip, this.tip);
  }

  private legend(count: number, source: string): HTMLElement {
    return el('div', { className: 'prob-legend', attributes: { 'aria-label': 'Colour legend: probability of each generated token' } },
      el('span', { className: 'note' }, `${number(count)} tokens · ${source} · probability:`),
      ...BANDS.map((band, index) => el('span', { className: `prob-swatch band-${index}` }, band.label)),
    );
  }

  private indexOf(target: EventTarget | null): number | undefined {
    const index = target instanceof HTMLElement ? target.dataset.index : undefined;
    return index === undefined ? undefined : Number(index);
  }

  private focus(index: number): void {
    const next = Math.max(0, Math.min(this.spans.length - 1, index));
    this.spans[this.current]?.setAttribute('tabindex', '-1');
    this.current = next;
    const span = this.spans[next];
    if (!span) return;
    span.tabIndex = 0;
    span.focus();
  }

  private onKey(event: KeyboardEvent): void {
    const index = this.indexOf(event.target);
    if (index === undefined) return;
    const moves: Record<string, number> = { ArrowRight: index + 1, ArrowDown: index + 1, ArrowLeft: index - 1, ArrowUp: index - 1, Home: 0, End: this.spans.length - 1 };
    if (event.key in moves) {
      event.preventDefault();
      this.focus(moves[event.key]!);
    } else if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      this.explore(index, this.tokens);
    } else if (event.key === 'Escape') {
      this.hideTip();
    }
  }

  private showTip(index: number): void {
    const token = this.tokens[index];
    const span = this.spans[index];
    if (!token || !span) return;
    const chosen = probabilityOf(token.logprob);
    const alternatives = token.top.some((alt) => alt.token === token.token) ? token.top : [...token.top, { token: token.token, logprob: token.logprob }];
    const rows = alternatives.map((alt) => {
      const probability = probabilityOf(alt.logprob);
      const isChosen = alt.token === token.token;
      return el('tr', { className: isChosen ? 'chosen' : '' },
        el('td', { className: 'prob-alt-token' }, visible(alt.token)),
        el('td', { className: 'prob-alt-bar' }, barOf(probability)),
        el('td', { className: 'prob-alt-p' }, pct(probability)),
        el('td', { className: 'prob-alt-mark' }, isChosen ? 'chosen' : ''),
      );
    });
    this.tip.replaceChildren(
      el('div', { className: 'prob-tip-head' }, `Token ${number(index + 1)}: `, el('strong', { className: 'prob-tip-chosen' }, visible(token.token)), ` · ${pct(chosen)}`),
      token.top.length > 0
        ? el('table', { className: 'prob-alts' }, el('tbody', {}, ...rows))
        : el('p', { className: 'note' }, 'No alternatives were returned for this token.'),
      el('div', { className: 'note' }, 'Enter or click: explore the next token here'),
    );
    this.tip.hidden = false;
    span.setAttribute('aria-describedby', this.tip.id);
    // Below the token, kept inside the view.
    const host = this.element.getBoundingClientRect();
    const box = span.getBoundingClientRect();
    this.tip.style.left = `${Math.max(0, Math.min(box.left - host.left, host.width - 280))}px`;
    this.tip.style.top = `${box.bottom - host.top + 4}px`;
  }

  private hideTip(): void {
    this.tip.hidden = true;
  }
}

/** A horizontal bar of `probability` (0–1): of the cell's width, or of `pixels` beside a number. */
export function barOf(probability: number, className = 'prob-bar', pixels?: number): HTMLElement {
  const bar = el('span', { className, attributes: { 'aria-hidden': 'true' } });
  const share = Math.max(0, Math.min(1, probability));
  bar.style.width = pixels === undefined ? `${share * 100}%` : `${share * pixels}px`;
  return bar;
}
