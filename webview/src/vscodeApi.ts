// The typed edge of `acquireVsCodeApi()`: the only place the webview posts to the host or touches
// persisted state.
import type { PanelState, WebviewMessage, WebviewToHost } from '../../src/shared/protocol';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

// acquireVsCodeApi may be called once per page.
const api = acquireVsCodeApi();

export function post<K extends keyof WebviewToHost>(type: K, payload: WebviewToHost[K]): void {
  api.postMessage({ type, payload } as WebviewMessage);
}

export function loadState(): unknown {
  return api.getState();
}

export function saveState(state: PanelState): void {
  api.setState(state);
}

/** A request that expects a reply carrying `replyTo: id` (see probabilities/requests.ts). */
export function postRequest<K extends keyof WebviewToHost>(type: K, payload: WebviewToHost[K], id: string): void {
  api.postMessage({ type, payload, id } as WebviewMessage);
}
