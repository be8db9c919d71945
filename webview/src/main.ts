// The panel's entry point. Order matters: the message listener is installed before `webview/ready`
// is posted, so the host's first message cannot be missed.
import './panel.css';
import { isHostMessage, PROTOCOL_VERSION, readPanelState, dispatch, RUN_TEXT_LIMIT, type Handlers, type HostToWebview, type PanelState } from '../../src/shared/protocol';
import { registerToolkit, Tag } from './components/toolkit';
import { el } from './dom';
import { emptyView, promptView } from './views/promptView';
import { RunView } from './views/runView';
import { loadState, post, saveState } from './vscodeApi';

registerToolkit();

const app = document.getElementById('app') as HTMLElement;
let state: PanelState = readPanelState(loadState()) ?? { version: 1 };
const runView = new RunView((id) => post('run/abort', { id }));
const promptSlot = el('div', { className: 'prompt-slot' });

function renderPrompt(): void {
  promptSlot.replaceChildren(state.prompt ? promptView(state.prompt) : emptyView());
}

function save(next: PanelState): void {
  state = next;
  saveState(state);
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
    save({ ...state, run: { ...header, text: '' } });
    runView.show(state.run);
  },
  'run/token': ({ id, text }) => {
    const run = state.run;
    if (run?.id !== id || run.result) return; // another run's late batch
    save({ ...state, run: { ...run, text: (run.text + text).slice(0, RUN_TEXT_LIMIT) } });
    runView.append(text);
  },
  'run/finished': ({ id, result }) => {
    const run = state.run;
    if (run?.id !== id) return;
    save({ ...state, run: { ...run, text: result.text, result } });
    runView.finish(result);
  },
};

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isHostMessage(event.data)) dispatch(handlers, event.data);
});

app.replaceChildren(
  el('header', { className: 'panel-header' }, el('h1', {}, 'Prompt Lab')),
  el(Tag.divider, { attributes: { role: 'separator' } }),
  runView.element,
  promptSlot,
);
renderPrompt();
runView.show(state.run);
post('webview/ready', { protocolVersion: PROTOCOL_VERSION });
