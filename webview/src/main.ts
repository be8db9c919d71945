// The panel's entry point. Order matters: the message listener is installed before `webview/ready`
// is posted, so the host's first message cannot be missed.
import './panel.css';
import './compare.css';
import './history.css';
import './eval.css';
import { isHostMessage, PROTOCOL_VERSION, readPanelState, dispatch, RUN_TEXT_LIMIT, type Handlers, type HostToWebview, type PanelState } from '../../src/shared/protocol';
import { applyUpdate, isSettled } from './compare/comparisonModel';
import { registerToolkit, Tag } from './components/toolkit';
import { el } from './dom';
import { SaveThrottle } from './saveThrottle';
import { ComparisonView } from './views/comparisonView';
import { EvalView } from './views/evalView';
import { emptyView, promptView } from './views/promptView';
import { RunView } from './views/runView';
import { ViewSwitch, type ShownView } from './views/viewSwitch';
import { cellCompletionKey, RUN_COMPLETION_KEY } from '../../src/shared/protocol';
import { FeedbackRegistry } from './history/feedbackRegistry';
import { RecordsView } from './history/recordsView';
import { loadState, post, saveState } from './vscodeApi';
import './probabilities/probabilities.css';
import './traces/traces.css';
import { NextTokenExplorer } from './probabilities/nextTokenExplorer';
import { useExplorer } from './probabilities/probabilityToggle';
import { settleReply } from './probabilities/requests';

registerToolkit();

const app = document.getElementById('app') as HTMLElement;
let state: PanelState = readPanelState(loadState()) ?? { version: 1 };
/** The comparison the host sent this document (`compare/started`), whose updates it may apply. A
 * copy restored from saved state takes none: it may be older than the host thinks (saves are
 * throttled, and a hidden panel's last save can be lost), and an update appended to it would show
 * text the cell never had. The host sends its own record when this document is ready. */
let hostComparison: string | undefined;
const saver = new SaveThrottle(() => saveState(state));
const feedback = new FeedbackRegistry({
  rate: (recordId, completion, rating) => post('feedback/rate', { recordId, completion, rating }),
  annotate: (recordId, completion, note, betterAnswer) => post('feedback/annotate', { recordId, completion, note, betterAnswer }),
  load: (recordIds) => post('feedback/load', { recordIds }),
}, state.feedback, (saved) => save({ ...state, feedback: saved }));
const recordsView = new RecordsView(() => {
  const next = { ...state };
  delete next.shown;
  save(next);
  showChosenView();
});
const runView = new RunView((id) => post('run/abort', { id }), (run, text) => feedback.controlsFor(run.id, RUN_COMPLETION_KEY, `the run of ${run.fileName}`, text));
const comparisonView = new ComparisonView({
  stop: (id, cell) => post('compare/stop', cell === undefined ? { id } : { id, cell }),
  rerunColumn: (id, column) => post('compare/rerunColumn', { id, column }),
  export: (id, format) => post('compare/export', { id, format }),
  copyCell: (id, cell) => post('compare/copyCell', { id, cell }),
  baselineChanged: (id, cell) => save(withBaseline(state, cell === undefined ? undefined : { comparison: id, cell })),
  feedback: (id, cell, where, text) => feedback.controlsFor(id, cellCompletionKey(cell), where, text),
});
const evalView = new EvalView({
  stop: (id, cell) => post('eval/stop', cell === undefined ? { id } : { id, cell }),
  rerunFailed: (id) => post('eval/rerunFailed', { id }),
  export: (id, format) => post('eval/export', { id, format }),
  viewChanged: (view) => save({ ...state, evalView: view }),
  feedback: (id, cell, what, text) => feedback.controlsFor(id, cellCompletionKey(cell), what, text),
});
const viewSwitch = new ViewSwitch((view) => {
  save({ ...state, view });
  showChosenView();
});
const promptSlot = el('div', { className: 'prompt-slot' });
const explorer = new NextTokenExplorer((element) => promptSlot.before(element), (saved) => {
  const next = { ...state };
  delete next.explorer;
  // 'soon': a slider sends a change per step; a reload flushes the last one first.
  save(saved ? { ...next, explorer: saved } : next, 'soon');
});
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

/** `from` with the record comparison closed: something new started. */
function withoutRecords(from: PanelState): PanelState {
  const next = { ...from };
  delete next.shown;
  return next;
}

/** `from` with `key` set when the comparison or eval it goes with started in Restricted Mode (the
 * key left out otherwise): a new one's flag never carries over from the last. */
function withRestricted(from: PanelState, key: 'comparisonRestricted' | 'evaluationRestricted', restricted: true | undefined): PanelState {
  const next = { ...from };
  delete next[key];
  return restricted === true ? { ...next, [key]: true } : next;
}

/** The saved baseline cell, when it belongs to the comparison shown. */
const baselineCell = (from: PanelState): number | undefined =>
  from.baseline && from.baseline.comparison === from.comparison?.id ? from.baseline.cell : undefined;

/** The chosen view while it has something to show, else whichever has. */
function availableViews(): ShownView[] {
  return [state.run && 'run' as const, state.comparison && 'comparison' as const, state.evaluation && 'eval' as const]
    .filter((view): view is ShownView => Boolean(view));
}

function shownView(): ShownView | undefined {
  const available = availableViews();
  return state.view && available.includes(state.view) ? state.view : available[0];
}

function showChosenView(): void {
  const view = shownView();
  runView.element.hidden = view !== 'run';
  comparisonView.element.hidden = view !== 'comparison';
  evalView.element.hidden = view !== 'eval';
  viewSwitch.update(availableViews(), view);
  // The record comparison, while open, covers the rest (its Close brings it back).
  const records = state.shown === 'records' && state.records !== undefined;
  recordsView.element.hidden = !records;
  if (records) for (const element of [runView.element, comparisonView.element, evalView.element, viewSwitch.element]) element.hidden = true;
}

/** The records whose completions the panel shows: their feedback is asked for. */
const shownRecordIds = (): string[] => [
  state.run?.result ? state.run.id : '',
  state.comparison && isSettled(state.comparison) ? state.comparison.id : '',
  state.evaluation && isSettled(state.evaluation) ? state.evaluation.id : '',
];

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
  'prompt/rendered': ({ uri, rendered, problem }) => {
    if (state.prompt?.uri !== uri) return; // another prompt's late answer
    const prompt = { ...state.prompt };
    delete prompt.rendered;
    delete prompt.renderProblem;
    save({ ...state, prompt: { ...prompt, ...(rendered ? { rendered } : {}), ...(problem !== undefined ? { renderProblem: problem } : {}) } });
    renderPrompt();
  },
  'run/started': (header) => {
    save({ ...withoutRecords(state), run: { ...header, text: '' }, view: 'run' });
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
    feedback.load([id]);
  },
  'compare/started': ({ comparison, resumed, restricted }) => {
    hostComparison = comparison.id;
    // Restricted Mode as the host says now (it knows how the comparison started; a record reopened
    // from History never says).
    if (resumed && state.comparison?.id === comparison.id) {
      // The host's copy after this document was reloaded: newer than the saved one, same baseline
      // and the same view as the user left them.
      save(withRestricted({ ...state, comparison }, 'comparisonRestricted', restricted));
      comparisonView.show(comparison, baselineCell(state), state.comparisonRestricted);
    } else {
      // A comparison this page has not seen (also one that started while the panel was hidden or
      // loading): it is shown, and the last one's baseline means nothing in it.
      save(withRestricted({ ...withoutRecords(withBaseline(state, undefined)), comparison, view: 'comparison' }, 'comparisonRestricted', restricted));
      comparisonView.show(comparison, undefined, state.comparisonRestricted);
    }
    showChosenView();
    if (isSettled(comparison)) feedback.load([comparison.id]);
  },
  'compare/update': (update) => {
    const record = state.comparison;
    if (record?.id !== update.id) return; // another comparison's late batch
    if (hostComparison !== update.id) return; // the saved copy: the host's record replaces it first
    comparisonView.apply(applyUpdate(record, update));
    save(state, isSettled(record) ? 'now' : 'soon');
    if (isSettled(record)) feedback.load([record.id]);
  },
  'records/show': ({ view }) => {
    save({ ...state, records: view, shown: 'records' });
    recordsView.show(view);
    showChosenView();
  },
  'feedback/show': ({ recordId, feedback: saved }) => feedback.show(recordId, saved),
  'feedback/failed': ({ recordId, completion, message }) => feedback.failed(recordId, completion, message),
  'eval/started': ({ evaluation, resumed, restricted }) => {
    if (resumed && state.evaluation?.id === evaluation.id) {
      // The host's copy after a reload: newer than the saved one; filters and view stay as they were.
      save(withRestricted({ ...state, evaluation }, 'evaluationRestricted', restricted));
    } else {
      save(withRestricted({ ...state, evaluation, view: 'eval', evalView: { evaluation: evaluation.id, failuresOnly: false } }, 'evaluationRestricted', restricted));
    }
    evalView.show(evaluation, state.evalView, state.evaluationRestricted);
    showChosenView();
    if (isSettled(evaluation)) feedback.load([evaluation.id]);
  },
  'eval/update': (update) => {
    if (state.evaluation?.id !== update.id) return; // another eval's late batch
    // The view applies the batch to the record it holds, which is the state's.
    const settled = isSettled(state.evaluation);
    evalView.update(update);
    save(state, isSettled(state.evaluation) ? 'now' : 'soon');
    if (!settled && isSettled(state.evaluation)) feedback.load([update.id]);
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
  recordsView.element,
  evalView.element,
  promptSlot,
);
renderPrompt();
runView.show(state.run);
comparisonView.show(state.comparison, baselineCell(state), state.comparisonRestricted);
recordsView.show(state.records);
evalView.show(state.evaluation, state.evalView, state.evaluationRestricted);
showChosenView();
post('webview/ready', { protocolVersion: PROTOCOL_VERSION });
feedback.load(shownRecordIds());
// The explorer as the user left it: its distribution is asked for again (after `ready`, so the host answers).
if (state.explorer) void explorer.restore(state.explorer);
