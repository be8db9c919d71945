// The HTTP side: a fetch that only talks to the backend's own origin and never follows a redirect
// (so the key cannot be carried elsewhere), and retries with backoff that honour Retry-After.
//
// Retries are ours, not the SDK's (it is given maxRetries 0): its wait is not cancellable and it
// waits as long as any Retry-After says; ours stops at once on abort, and gives up with a message
// when the server asks for more than MAX_RETRY_AFTER_MS. Only a request whose stream has not started
// is retried: once text has arrived, a failure ends the run with the partial text.
import { APIConnectionError, APIError } from 'openai';
import { KeyOriginError, retriableStatus } from './failures';

/** Longest Retry-After we wait for; a server asking for more gets a clear error instead. */
export const MAX_RETRY_AFTER_MS = 60_000;

export interface GuardOptions {
  origin: string;
  backendId: string;
  /** No key: remove the placeholder the SDK insists on, so no Authorization header is sent at all. */
  keyless: boolean;
}

function urlOf(input: string | URL | Request): URL {
  return new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
}

/** Wraps fetch: requests go only to `origin`, redirects come back as responses (never followed). */
export function originGuardedFetch(inner: typeof fetch, options: GuardOptions): typeof fetch {
  return async (input, init) => {
    const url = urlOf(input as string | URL | Request);
    if (url.origin !== options.origin) {
      throw new KeyOriginError(`Backend '${options.backendId}' is bound to ${options.origin}: a request to ${url.origin} was not sent`);
    }
    const headers = new Headers(init?.headers);
    if (options.keyless) {
      headers.delete('authorization');
      headers.delete('api-key');
    }
    return inner(input, { ...init, headers, redirect: 'manual' });
  };
}

/** How long to wait before the next attempt, or undefined when this failure is not worth retrying. */
export function retryDelayMs(error: unknown, attempt: number, random: () => number = Math.random): number | undefined {
  if (error instanceof APIError && error.status !== undefined) {
    const headers = error.headers;
    const should = headers?.get('x-should-retry');
    if (should === 'false') return undefined;
    if (should !== 'true' && !retriableStatus(error.status)) return undefined;
    const fromHeaders = retryAfterMs(headers);
    if (fromHeaders !== undefined) return fromHeaders;
  } else if (!(error instanceof APIConnectionError) || hasCause(error, KeyOriginError)) {
    return undefined;
  }
  // OpenAI's SDK schedule: 0.5 s doubling to 8 s, minus up to 25 % jitter.
  return Math.min(500 * 2 ** attempt, 8000) * (1 - random() * 0.25);
}

/** `retry-after-ms` (OpenAI's), else `Retry-After` in seconds or as an HTTP date. */
export function retryAfterMs(headers: Headers | undefined): number | undefined {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const value = headers?.get('retry-after');
  if (!value) return undefined;
  const seconds = Number.parseFloat(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

function hasCause(error: unknown, type: new (...args: never[]) => Error): boolean {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current instanceof type) return true;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** Resolves after `ms`, or at once (false) when the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false);
    const done = (completed: boolean) => {
      clearTimeout(timer);
      signal.removeEventListener('abort', onAbort);
      resolve(completed);
    };
    const onAbort = () => done(false);
    const timer = setTimeout(() => done(true), ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

export interface RetryOptions {
  maxRetries: number;
  signal: AbortSignal;
  log(message: string): void;
  /** `429 from api.openai.com`, for the log line. */
  describe(error: unknown): string;
}

export class RetryGaveUp extends Error {
  constructor(readonly last: unknown, readonly retries: number) {
    super('retries exhausted');
  }
}

/** Runs `attempt` until it succeeds, fails for good, or the signal aborts. Throws RetryGaveUp with
 * the last error and the number of retries made. */
export async function withRetries<T>(attempt: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let retry = 0; ; retry++) {
    try {
      return await attempt();
    } catch (error) {
      if (options.signal.aborted) throw new RetryGaveUp(error, retry);
      const delay = retryDelayMs(error, retry);
      if (delay === undefined || retry >= options.maxRetries) throw new RetryGaveUp(error, retry);
      if (delay > MAX_RETRY_AFTER_MS) {
        options.log(`${options.describe(error)}: the server asks to wait ${Math.round(delay / 1000)} s, more than ${MAX_RETRY_AFTER_MS / 1000} s; not retrying`);
        throw new RetryGaveUp(error, retry);
      }
      options.log(`${options.describe(error)}: retrying in ${(delay / 1000).toFixed(1)} s (retry ${retry + 1} of ${options.maxRetries})`);
      if (!(await sleep(delay, options.signal))) throw new RetryGaveUp(error, retry);
    }
  }
}
