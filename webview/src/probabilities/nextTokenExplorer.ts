// The next-token explorer: the model's distribution at one position of a completion (or right after
// the prompt) as a bar chart of its 40 most probable tokens and "the rest", reshaped live by the
// sampler's knobs (temperature, top-k, top-p, min-p, greedy) with core's own sampler math, one column
// per stage that runs, so a reader sees what each stage keeps and which stage cut a token. "Sample"
// draws 100 tokens with a shown seed (as the local model's dist sampler draws); "Continue with this
// token" asks the host to generate from there with that token forced; branches line up side by side.
import { applySampler, histogram, NEUTRAL_SETTINGS, sample, type BranchView, type CompletionSource, type ExplorerState, type NextTokenDistribution, type SampledDistribution, type SamplerSettings, type TokenProbability } from '../../../src/shared/probabilities';
import { el } from '../dom';
import { number } from '../format';
import { barOf, pct, visible } from './probabilityView';
import { request } from './requests';

/** Tokens drawn as bars; the others are summed as "the rest". */
export const CHART_ROWS = 40;
export const DRAWS = 100;
/** The width of a whole (probability 1) bar in the chart. */
const BAR_PX = 80;

interface Opened {
  source: CompletionSource;
  position: number;
  /** The completion's tokens, when known: the chosen token at `position` and the original continuation. */
  tokens: readonly TokenProbability[];
  label: string;
}

interface Slider { input: HTMLInputElement; output: HTMLElement; key: 'temperature' | 'topK' | 'topP' | 'minP' }

export class NextTokenExplorer {
  readonly element = el('section', { className: 'explorer', attributes: { 'aria-label': 'Next-token explorer' } });
  private readonly heading = el('h2', { className: 'explorer-title' }, 'Next token');
  private readonly status = el('p', { className: 'note explorer-status', attributes: { role: 'status' } });
  // Not a live region: it changes on every slider step. The status line above is one.
  private readonly summary = el('p', { className: 'explorer-summary' });
  private readonly chart = el('table', { className: 'explorer-chart' });
  private readonly controls = el('div', { className: 'explorer-controls' });
  private readonly sampleBar = el('div', { className: 'explorer-sample' });
  private readonly branches = el('div', { className: 'explorer-branches', attributes: { 'aria-label': 'Branches' } });
  private readonly sliders: Slider[] = [];
  private readonly greedy = el('input', { attributes: { type: 'checkbox', class: 'explorer-greedy' } }) as HTMLInputElement;
  private readonly seedInput = el('input', { className: 'explorer-seed', attributes: { type: 'number', min: '0', step: '1', value: '1', 'aria-label': 'Seed' } }) as HTMLInputElement;
  private readonly continueButton = el('button', { className: 'action primary explorer-continue', attributes: { type: 'button' } }, 'Continue with this token') as HTMLButtonElement;
  private settings: SamplerSettings = { ...NEUTRAL_SETTINGS };
  private opened: Opened | undefined;
  private distribution: NextTokenDistribution | undefined;
  private sampled: SampledDistribution | undefined;
  private draws: { seed: number; counts: number[] } | undefined;
  /** The token chosen for "Continue", by index into the distribution's tokens. */
  private selected = 0;
  /** Answers to an older request are dropped. */
  private generation = 0;
  /** The token to select when a restored explorer's distribution arrives (by id). */
  private restoredSelection: number | undefined;

  /** `place` puts the explorer into the page the first time it opens (it is not there before);
   * `saved` hears its state after every change (undefined once closed), for the panel's saved state. */
  constructor(private readonly place: (element: HTMLElement) => void = () => undefined, private readonly saved: (state: ExplorerState | undefined) => void = () => undefined) {
    this.element.hidden = true;
    const close = el('button', { className: 'action explorer-close', attributes: { type: 'button', title: 'Close the explorer' } }, 'Close');
    close.addEventListener('click', () => {
      this.element.hidden = true;
      this.opened = undefined;
      this.saved(undefined);
    });
    this.seedInput.addEventListener('change', () => this.save());
    this.controls.append(
      this.slider('temperature', 'Temperature', 0, 2, 0.01),
      this.slider('topK', 'Top-k (0: off)', 0, 100, 1),
      this.slider('topP', 'Top-p (1: off)', 0, 1, 0.01),
      this.slider('minP', 'Min-p (0: off)', 0, 1, 0.01),
      el('label', { className: 'explorer-control' }, this.greedy, ' Greedy'),
    );
    this.greedy.addEventListener('change', () => this.set({ greedy: this.greedy.checked }));
    const sampleButton = el('button', { className: 'action explorer-sample-button', attributes: { type: 'button' } }, `Sample ${DRAWS}`);
    sampleButton.addEventListener('click', () => this.drawSamples());
    this.continueButton.addEventListener('click', () => void this.continueWithSelected());
    this.sampleBar.append(el('label', {}, 'Seed ', this.seedInput), sampleButton, this.continueButton);
    this.chart.addEventListener('click', (event) => {
      const row = (event.target as HTMLElement).closest?.('tr[data-index]') as HTMLElement | null;
      if (row) this.select(Number(row.dataset.index));
    });
    this.chart.addEventListener('keydown', (event) => {
      const row = (event.target as HTMLElement).closest?.('tr[data-index]') as HTMLElement | null;
      if (!row) return;
      const index = Number(row.dataset.index);
      const step = event.key === 'ArrowDown' ? 1 : event.key === 'ArrowUp' ? -1 : 0;
      if (step !== 0) {
        event.preventDefault();
        const next = this.chart.querySelector<HTMLElement>(`tr[data-index="${index + step}"]`);
        next?.focus();
      } else if (event.key === 'Enter' || event.key === ' ') {
        event.preventDefault();
        this.select(index);
      }
    });
    this.element.append(
      el('header', { className: 'explorer-header' }, this.heading, close),
      this.status, this.controls, this.summary, el('div', { className: 'explorer-chart-scroll' }, this.chart), this.sampleBar, this.branches,
    );
  }

  /** Opens the explorer before token `position` of a completion and asks the host for the distribution. */
  async open(source: CompletionSource, position: number, tokens: readonly TokenProbability[], label: string): Promise<void> {
    const generation = ++this.generation;
    this.opened = { source, position, tokens, label };
    this.distribution = undefined;
    this.sampled = undefined;
    this.draws = undefined;
    this.save();
    this.reveal();
    const after = tokens.slice(Math.max(0, position - 3), position).map((token) => token.token).join('');
    this.heading.textContent = position === 0 ? `Next token after the prompt · ${label}` : `Next token at token ${number(position + 1)} · ${label}`;
    if (position > 0) this.heading.append(el('span', { className: 'note explorer-after' }, ` after “…${visible(after)}”`));
    this.status.textContent = 'Asking the model…';
    this.chart.replaceChildren();
    this.summary.textContent = '';
    this.element.scrollIntoView?.({ block: 'nearest' });
    const reply = await request('nextTokens/get', { source, position }, 'nextTokens/reply');
    if (generation !== this.generation) return;
    if (reply.result.kind === 'unavailable') {
      this.status.textContent = `No next-token distribution: ${reply.result.reason}`;
      return;
    }
    this.showDistribution(reply.result.distribution);
  }

  /** Shows a distribution (also the tests' and bench's entry, with no host). */
  showDistribution(distribution: NextTokenDistribution): void {
    this.distribution = distribution;
    this.reveal();
    const chosen = this.opened?.tokens[this.opened.position]?.token;
    const restored = this.restoredSelection === undefined ? -1 : distribution.tokens.findIndex((token) => token.id === this.restoredSelection);
    this.restoredSelection = undefined;
    const at = restored !== -1 ? restored : chosen === undefined ? -1 : distribution.tokens.findIndex((token) => token.text === chosen);
    this.selected = Math.max(0, at);
    this.status.textContent = distribution.exact
      ? `Exact: ${distribution.backend} · ${distribution.model}, the model's own probabilities over ${number(distribution.tokens.length + (distribution.rest.count ?? 0))} tokens.`
      : `Partial (top ${number(distribution.tokens.length)}): ${distribution.backend} · ${distribution.model} returns only its most probable tokens; the rest hold ${pct(distribution.rest.probability)}.`;
    this.redraw();
  }

  /** Opens the explorer as a reload left it: its settings and seed at once, then the distribution at
   * its position, asked of the host again (the host keeps the completion across the page's reload). */
  restore(state: ExplorerState): Promise<void> {
    this.set(state.settings);
    this.seedInput.value = String(state.seed);
    this.restoredSelection = state.selected;
    const tokens = state.tokens.map((token) => ({ token, logprob: 0, top: [] }));
    return this.open(state.source, state.position, tokens, state.label);
  }

  /** The state to save, while the explorer is open. */
  get state(): ExplorerState | undefined {
    const opened = this.opened;
    if (!opened) return undefined;
    const selected = this.sampled?.tokens[this.selected]?.id ?? this.restoredSelection;
    return {
      source: opened.source, position: opened.position, label: opened.label, tokens: opened.tokens.map((token) => token.token),
      settings: { ...this.settings }, seed: Math.max(0, Math.floor(Number(this.seedInput.value) || 0)),
      ...(selected !== undefined ? { selected } : {}),
    };
  }

  private save(): void {
    if (this.opened) this.saved(this.state);
  }

  private reveal(): void {
    if (!this.element.isConnected) this.place(this.element);
    this.element.hidden = false;
  }

  /** Changes sampler settings and redraws (the sliders' path; also used by tests and the bench). */
  set(change: Partial<SamplerSettings>): void {
    this.settings = { ...this.settings, ...change };
    for (const slider of this.sliders) {
      const value = this.settings[slider.key];
      if (Number(slider.input.value) !== value) slider.input.value = String(value);
      slider.output.textContent = slider.key === 'topK' ? String(value) : number(value, 2);
    }
    this.greedy.checked = this.settings.greedy === true;
    this.draws = undefined;
    this.redraw();
    this.save();
  }

  private slider(key: Slider['key'], label: string, min: number, max: number, step: number): HTMLElement {
    const input = el('input', { className: `explorer-${key}`, attributes: { type: 'range', min: String(min), max: String(max), step: String(step), value: String(this.settings[key]), 'aria-label': label } }) as HTMLInputElement;
    const output = el('output', { className: 'explorer-value' }, key === 'topK' ? String(this.settings[key]) : number(this.settings[key], 2));
    input.addEventListener('input', () => this.set({ [key]: Number(input.value) }));
    this.sliders.push({ input, output, key });
    return el('label', { className: 'explorer-control' }, `${label} `, input, output);
  }

  private select(index: number): void {
    this.selected = index;
    this.redraw();
    this.save();
    this.chart.querySelector<HTMLElement>(`tr[data-index="${index}"]`)?.focus();
  }

  private redraw(): void {
    const distribution = this.distribution;
    if (!distribution) return;
    const sampled = applySampler(distribution, this.settings);
    this.sampled = sampled;
    const stages = sampled.stages;
    const shown = sampled.tokens.slice(0, CHART_ROWS);
    const counts = this.draws?.counts;
    const head = el('tr', {},
      el('th', { attributes: { scope: 'col' } }, 'token'),
      el('th', { attributes: { scope: 'col' } }, 'model'),
      ...stages.map((stage) => el('th', { className: 'explorer-stage', attributes: { scope: 'col' } }, stage.name === 'greedy' ? 'greedy' : `${stage.name} ${stage.name === 'top-k' ? stage.value : number(stage.value, 2)}`)),
      el('th', { attributes: { scope: 'col' } }, 'after sampler'),
      counts ? el('th', { attributes: { scope: 'col' } }, `drawn / ${DRAWS}`) : undefined,
    );
    const rows = shown.map((token, index) => el('tr', {
      className: `${token.cutBy ? 'cut' : 'kept'}${index === this.selected ? ' selected' : ''}`,
      attributes: { 'data-index': String(index), tabindex: index === this.selected ? '0' : '-1', 'aria-selected': String(index === this.selected) },
    },
    el('th', { className: 'explorer-token', attributes: { scope: 'row' } }, visible(token.text)),
    el('td', { className: 'explorer-p' }, barOf(token.probability, 'prob-bar before', BAR_PX), el('span', {}, pct(token.probability))),
    ...stages.map((stage) => {
      const p = stage.probabilities[index]!;
      return el('td', { className: `explorer-p${p === 0 ? ' cut' : ''}` }, p === 0 ? `cut` : pct(p));
    }),
    el('td', { className: 'explorer-p' }, barOf(token.afterSampler, 'prob-bar after', BAR_PX), el('span', {}, token.cutBy ? `cut by ${token.cutBy}` : pct(token.afterSampler))),
    counts ? el('td', { className: 'explorer-p' }, barOf(counts[index]! / DRAWS, 'prob-bar drawn', BAR_PX), el('span', {}, `${counts[index]} (exp. ${number(token.afterSampler * DRAWS, 1)})`)) : undefined,
    ));
    const restTokens = sampled.tokens.slice(CHART_ROWS);
    const restModel = restTokens.reduce((sum, token) => sum + token.probability, 0) + distribution.rest.probability;
    const restAfter = restTokens.reduce((sum, token) => sum + token.afterSampler, 0);
    const restCount = restTokens.length + (distribution.rest.count ?? 0);
    const rest = el('tr', { className: 'explorer-rest' },
      el('th', { attributes: { scope: 'row' } }, `the rest (${number(restCount)}${distribution.rest.count === undefined && distribution.rest.probability > 0 ? '+' : ''} tokens)`),
      el('td', { className: 'explorer-p' }, barOf(restModel, 'prob-bar before', BAR_PX), el('span', {}, pct(restModel))),
      ...stages.map((stage) => el('td', { className: 'explorer-p' }, pct(stage.probabilities.slice(CHART_ROWS).reduce((sum, p) => sum + p, 0)))),
      el('td', { className: 'explorer-p' }, barOf(restAfter, 'prob-bar after', BAR_PX), el('span', {}, pct(restAfter))),
      counts ? el('td', { className: 'explorer-p' }, String(counts.slice(CHART_ROWS).reduce((sum, n) => sum + n, 0))) : undefined,
    );
    this.chart.replaceChildren(el('thead', {}, head), el('tbody', {}, ...rows, rest));
    const kept = sampled.tokens.filter((token) => token.afterSampler > 0).length;
    this.summary.textContent = `${stages.map((stage) => `${stage.name} keeps ${number(stage.kept)}`).join(' → ')}: ${number(kept)} token${kept === 1 ? '' : 's'} can be drawn.`
      + (sampled.complete ? '' : ' Unlisted tokens could pass these cuts; they are treated as cut.');
    const selected = sampled.tokens[this.selected];
    this.continueButton.textContent = selected ? `Continue with “${visible(selected.text)}”` : 'Continue with this token';
    this.continueButton.disabled = !selected || !this.opened;
  }

  private drawSamples(): void {
    if (!this.sampled) return;
    const seed = Math.max(0, Math.floor(Number(this.seedInput.value) || 0));
    this.seedInput.value = String(seed);
    const draws = sample(this.sampled, seed, DRAWS);
    this.draws = { seed, counts: histogram(this.sampled, draws) };
    this.redraw();
    this.save();
    this.summary.append(` Drew ${DRAWS} with seed ${seed}.`);
  }

  private async continueWithSelected(): Promise<void> {
    const opened = this.opened;
    const token = this.sampled?.tokens[this.selected];
    if (!opened || !token) return;
    this.continueButton.disabled = true;
    const pendingCard = el('article', { className: 'branch pending', attributes: { 'aria-busy': 'true' } }, el('p', { className: 'note' }, `Generating with “${visible(token.text)}”…`));
    this.showBranches(opened).append(pendingCard);
    const reply = await request('nextTokens/continue', { source: opened.source, position: opened.position, token: { id: token.id, text: token.text }, settings: { ...this.settings } }, 'nextTokens/branch');
    this.continueButton.disabled = false;
    pendingCard.replaceWith(reply.result.kind === 'unavailable'
      ? el('article', { className: 'branch failed' }, el('p', { className: 'note' }, `No branch: ${reply.result.reason}`))
      : branchCard(reply.result));
  }

  /** The branches area, with the original continuation first when this position has not been branched yet. */
  private showBranches(opened: Opened): HTMLElement {
    const key = `${JSON.stringify(opened.source)}@${opened.position}`;
    if (this.branches.dataset.key !== key) {
      this.branches.dataset.key = key;
      const original = opened.tokens.slice(opened.position).map((token) => token.token).join('');
      this.branches.replaceChildren(original === '' ? '' : el('article', { className: 'branch original' },
        el('h3', {}, 'original'),
        el('pre', {}, el('mark', {}, opened.tokens[opened.position]?.token ?? ''), original.slice((opened.tokens[opened.position]?.token ?? '').length)),
      ));
    }
    return this.branches;
  }
}

function branchCard(branch: BranchView): HTMLElement {
  return el('article', { className: 'branch', attributes: { 'data-branch': branch.id } },
    el('h3', {}, `with “${visible(branch.forced)}”`),
    el('pre', {}, el('mark', {}, branch.text.slice(0, branch.forced.length)), branch.text.slice(branch.forced.length)),
    branch.error ? el('p', { className: 'note error' }, branch.error) : el('p', { className: 'note' }, `finish: ${branch.finishReason}`),
  );
}
