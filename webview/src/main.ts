// The panel's entry point. Order matters: the message listener is installed before `webview/ready`
// is posted, so the host's first message cannot be missed.
import './panel.css';
import './compare.css';
import { isHostMessage, PROTOCOL_VERSION, readPanelState, dispatch, RUN_TEXT_LIMIT, type Handlers, type HostToWebview, type PanelState } from '../../src/shared/protocol';
import { applyUpdate, isSettled } from './compare/comparisonModel';
import { registerToolkit, Tag } from './components/toolkit';
import { el } from './dom';
import { SaveThrottle } from './saveThrottle';
import { ComparisonView } from './views/comparisonView';
import { emptyView, promptView } from './views/promptView';
import { RunView } from './views/runView';
import { ViewSwitch, type ShownView } from './views/viewSwitch';
import { loadState, post, saveState } from './vscodeApi';
import './probabilities/probabilities.css';
import { NextTokenExplorer } from './probabilities/nextTokenExplorer';
import { useExplorer } from './probabilities/probabilityToggle';
import { settleReply } from './probabilities/requests';

registerToolkit();

const app = document.getElementById('app') as HTMLElement;
let state: PanelState = readPanelState(loadState()) ?? { version: 1 };
const saver = new SaveThrottle(() => saveState(state));
const runView = new RunView((id) => post('run/abort', { id }));
const comparisonView = new ComparisonView({
  stop: (id, cell) => post('compare/stop', cell === undefined ? { id } : { id, cell }),
  rerunColumn: (id, column) => post('compare/rerunColumn', { id, column }),
  export: (id, format) => post('compare/export', { id, format }),
  copyCell: (id, cell) => post('compare/copyCell', { id, cell }),
  baselineChanged: (id, cell) => save(withBaseline(state, cell === undefined ? undefined : { comparison: id, cell })),
});
const viewSwitch = new ViewSwitch((view) => {
  save({ ...state, view });
  showChosenView();
});
const promptSlot = el('div', { className: 'prompt-slot' });
const explorer = new NextTokenExplorer((element) => promptSlot.before(element));
useExplorer(explorer);

function renderPrompt(): void {
  promptSlot.replaceChildren(state.prompt ? promptView(state.prompt) : emptyView());
}

/** `now` for what the user did and for ends; `soon` while text streams in (see SaveThrottle). */
function save(next: PanelState, when: 'now' | 'soon' = 'now'): void {
  state = next;
  saver[when]();
}

/** `from` with this baseline, or with none (the key left out, not kept as undefined). */
function withBaseline(from: PanelState, baseline: PanelState['baseline']): PanelState {
  const next = { ...from };
  delete next.baseline;
  return baseline ? { ...next, baseline } : next;
}

/** The saved baseline cell, when it belongs to the comparison shown. */
const baselineCell = (from: PanelState): number | undefined =>
  from.baseline && from.baseline.comparison === from.comparison?.id ? from.baseline.cell : undefined;

/** The chosen view while it has something to show, else whichever has. */
function shownView(): ShownView | undefined {
  if (state.view === 'comparison' && state.comparison) return 'comparison';
  if (state.run) return 'run';
  return state.comparison ? 'comparison' : undefined;
}

function showChosenView(): void {
  const view = shownView();
  runView.element.hidden = view !== 'run';
  comparisonView.element.hidden = view !== 'comparison';
  viewSwitch.update(state.run !== undefined && state.comparison !== undefined, view);
}

const handlers: Handlers<HostToWebview> = {
  'panel/init': ({ active }) => {
    if (active) {
      save({ ...state, prompt: active });
      renderPrompt();
    }
  },
  'prompt/show': ({ prompt }) => {
    save({ ...state, prompt });
    renderPrompt();
  },
  'run/started': (header) => {
    save({ ...state, run: { ...header, text: '' }, view: 'run' });
    runView.show(state.run);
    showChosenView();
  },
  'run/token': ({ id, text }) => {
    const run = state.run;
    if (run?.id !== id || run.result) return; // another run's late batch
    save({ ...state, run: { ...run, text: (run.text + text).slice(0, RUN_TEXT_LIMIT) } }, 'soon');
    runView.append(text);
  },
  'run/finished': ({ id, result }) => {
    const run = state.run;
    if (run?.id !== id) return;
    save({ ...state, run: { ...run, text: result.text, result } });
    runView.finish(result);
  },
  'compare/started': ({ comparison, resumed }) => {
    if (resumed && state.comparison?.id === comparison.id) {
      // The host's copy after this document was reloaded: newer than the saved one, same baseline
      // and the same view as the user left them.
      save({ ...state, comparison });
      comparisonView.show(comparison, baselineCell(state));
    } else {
      // A comparison this page has not seen (also one that started while the panel was hidden or
      // loading): it is shown, and the last one's baseline means nothing in it.
      save({ ...withBaseline(state, undefined), comparison, view: 'comparison' });
      comparisonView.show(comparison);
    }
    showChosenView();
  },
  'compare/update': (update) => {
    const record = state.comparison;
    if (record?.id !== update.id) return; // another comparison's late batch
    comparisonView.apply(applyUpdate(record, update));
    save(state, isSettled(record) ? 'now' : 'soon');
  },
  // Replies to the probability views' requests (probabilities/requests.ts).
  'logprobs/reply': (_payload, message) => settleReply(message),
  'nextTokens/reply': (_payload, message) => settleReply(message),
  'nextTokens/branch': (_payload, message) => settleReply(message),
};

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isHostMessage(event.data)) dispatch(handlers, event.data);
});
// A reload or a hidden panel discards the page: a pending save is written first.
window.addEventListener('pagehide', () => saver.flush());

app.replaceChildren(
  el('header', { className: 'panel-header' }, el('h1', {}, 'Prompt Lab')),
  el(Tag.divider, { attributes: { role: 'separator' } }),
  viewSwitch.element,
  runView.element,
  comparisonView.element,
  promptSlot,
);
renderPrompt();
runView.show(state.run);
comparisonView.show(state.comparison, baselineCell(state));
showChosenView();
post('webview/ready', { protocolVersion: PROTOCOL_VERSION });
