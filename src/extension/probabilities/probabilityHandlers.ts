// The panel's handlers for the probability requests: each checks what the webview sent, asks
// probabilityRequests.ts and posts the answer with `replyTo` set to the request's id.
import * as vscode from 'vscode';
import type { Handlers, HostToWebview, WebviewToHost } from '../../shared/protocol';
import { isCompletionSource, type ProbabilityWebviewMessages, type SamplerSettings } from '../../shared/probabilities';
import { continueAt, logprobsOf, nextTokensAt, type ProbabilityDependencies } from './probabilityRequests';

type Reply = <K extends keyof HostToWebview>(replyTo: string | undefined, type: K, payload: HostToWebview[K]) => void;

/** The handlers, returning whether a reply will come (false: the request was malformed and is dropped). */
type ProbabilityHandlers = { [K in keyof ProbabilityWebviewMessages]: (payload: WebviewToHost[K], message: { id?: string }) => boolean | void };

const isSettings = (value: unknown): value is SamplerSettings => {
  if (typeof value !== 'object' || value === null) return false;
  const { temperature, topK, topP, minP, greedy } = value as Record<string, unknown>;
  const finite = (n: unknown) => typeof n === 'number' && Number.isFinite(n);
  return finite(temperature) && (temperature as number) >= 0 && Number.isInteger(topK) && (topK as number) >= 0
    && finite(topP) && (topP as number) >= 0 && (topP as number) <= 1 && finite(minP) && (minP as number) >= 0 && (minP as number) <= 1
    && (greedy === undefined || typeof greedy === 'boolean');
};

export function probabilityHandlers(deps: () => ProbabilityDependencies | undefined, reply: Reply): ProbabilityHandlers & Pick<Handlers<WebviewToHost>, keyof ProbabilityWebviewMessages> {
  const unavailable = 'Token probabilities are not available in this window.';
  return {
    'logprobs/get': ({ source }, { id }) => {
      if (!isCompletionSource(source)) return false;
      const services = deps();
      if (!services) return reply(id, 'logprobs/reply', { source, result: { kind: 'none', reason: unavailable } });
      void logprobsOf(services, source).then((result) => reply(id, 'logprobs/reply', { source, result }));
      return true;
    },
    'nextTokens/get': ({ source, position }, { id }) => {
      if (!isCompletionSource(source) || !Number.isInteger(position)) return false;
      const services = deps();
      if (!services) return reply(id, 'nextTokens/reply', { source, position, result: { kind: 'unavailable', reason: unavailable } });
      void nextTokensAt(services, source, position).then((result) => reply(id, 'nextTokens/reply', { source, position, result }));
      return true;
    },
    'nextTokens/continue': (request, { id }) => {
      const { source, position, token, settings } = request;
      if (!isCompletionSource(source) || !Number.isInteger(position) || !isSettings(settings)) return false;
      if (typeof token !== 'object' || token === null || typeof token.text !== 'string' || (token.id !== undefined && !Number.isInteger(token.id))) return false;
      const services = deps();
      if (!services) return reply(id, 'nextTokens/branch', { result: { kind: 'unavailable', reason: unavailable } });
      void continueAt(services, request).then((result) => reply(id, 'nextTokens/branch', { result }));
      return true;
    },
  };
}



/** The test hook's command: the panel's own handlers, answered to the caller instead of the webview. */
export function registerProbabilityRequestCommand(command: string, deps: () => ProbabilityDependencies | undefined): vscode.Disposable {
  return vscode.commands.registerCommand(command, (message?: unknown) => new Promise<unknown>((resolve) => {
    const { type, payload } = (typeof message === 'object' && message !== null ? message : {}) as { type?: unknown; payload?: unknown };
    const handlers = probabilityHandlers(deps, (_replyTo, _type, answer) => resolve(answer));
    if (typeof type !== 'string' || !(type in handlers) || typeof payload !== 'object' || payload === null) return resolve(undefined);
    const handler = handlers[type as keyof ProbabilityWebviewMessages] as (payload: unknown, message: { id?: string }) => boolean | void;
    // A malformed request gets no reply, as in the panel: the caller gets undefined.
    if (handler(payload, { id: 'test' }) === false) resolve(undefined);
  }));
}
