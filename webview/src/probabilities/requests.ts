// Requests to the host that expect an answer: each gets an id, and the host's reply carries it in
// `replyTo`. main.ts hands every reply message to `settleReply`.
import type { HostMessage, HostToWebview, WebviewToHost } from '../../../src/shared/protocol';
import { postRequest } from '../vscodeApi';

const pending = new Map<string, (payload: unknown) => void>();
let counter = 0;

/** Posts `type` with a fresh id; resolves with the payload of the reply of type `replyType`. */
export function request<K extends keyof WebviewToHost, R extends keyof HostToWebview>(type: K, payload: WebviewToHost[K], replyType: R): Promise<HostToWebview[R]> {
  const id = `${replyType}-${++counter}`;
  return new Promise((resolve) => {
    pending.set(id, resolve as (payload: unknown) => void);
    postRequest(type, payload, id);
  });
}

/** Resolves the request `message` answers; a reply to no pending request (a reloaded page's) is dropped. */
export function settleReply(message: HostMessage): void {
  const resolve = message.replyTo === undefined ? undefined : pending.get(message.replyTo);
  if (!resolve) return;
  pending.delete(message.replyTo!);
  resolve(message.payload);
}
