// The panel's entry point. Order matters: the message listener is installed before `webview/ready`
// is posted, so the host's first message cannot be missed.
import './panel.css';
import { isHostMessage, PROTOCOL_VERSION, readPanelState, dispatch, type Handlers, type HostToWebview, type PanelState } from '../../src/shared/protocol';
import { registerToolkit, Tag } from './components/toolkit';
import { el } from './dom';
import { emptyView, promptView } from './views/promptView';
import { loadState, post, saveState } from './vscodeApi';

registerToolkit();

const app = document.getElementById('app') as HTMLElement;
let state: PanelState = readPanelState(loadState()) ?? { version: 1 };

function render(): void {
  app.replaceChildren(
    el('header', { className: 'panel-header' }, el('h1', {}, 'Prompt Lab')),
    el(Tag.divider, { attributes: { role: 'separator' } }),
    state.prompt ? promptView(state.prompt) : emptyView(),
  );
}

function update(next: PanelState): void {
  state = next;
  saveState(state);
  render();
}

const handlers: Handlers<HostToWebview> = {
  'panel/init': ({ active }) => {
    if (active) update({ ...state, prompt: active });
  },
  'prompt/show': ({ prompt }) => update({ ...state, prompt }),
};

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (isHostMessage(event.data)) dispatch(handlers, event.data);
});

render();
post('webview/ready', { protocolVersion: PROTOCOL_VERSION });
