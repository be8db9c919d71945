// What went wrong, said so a person can act on it: which host, which backend, what to do next.
// Every message passes through scrubSecrets: a server may echo the key (OpenAI's 401 quotes a masked
// one), and the key must never reach a result, a log line or an error.
import { APIConnectionError, APIConnectionTimeoutError, APIError } from 'openai';
import type { BackendConfig } from '../backendConfig';

export const SET_API_KEY_COMMAND = 'Prompt Lab: Set API Key';

/** Raised by the origin guard (never by the network): the request did not leave the process. */
export class KeyOriginError extends Error {
  override readonly name = 'KeyOriginError';
}

export interface FailureRecord {
  message: string;
  status?: number;
  retriable?: boolean;
}

/** Where the failure happened, for the message. */
export interface FailureContext {
  config: BackendConfig;
  /** `api.openai.com`, `127.0.0.1:8080`. */
  host: string;
  origin: string;
  timeoutMs: number;
  /** Retries made before giving up. */
  retries: number;
  /** Characters of text received before the failure. */
  received: number;
}

/** Removes the key, and anything shaped like an OpenAI key (masked or not), from text. */
export function scrubSecrets(text: string, key: string | undefined): string {
  let out = text;
  if (key && key.length >= 4) out = out.split(key).join('[key]');
  return out.replace(/\bsk-[A-Za-z0-9_*-]{6,}/g, '[key]');
}

/** Where the user supplies the key: the command in VS Code, the environment variable in the CLI. */
export function keyHint(config: BackendConfig): string {
  return config.apiKeyEnv
    ? `run "${SET_API_KEY_COMMAND}" (CLI: set the environment variable ${config.apiKeyEnv})`
    : `run "${SET_API_KEY_COMMAND}"`;
}

/** Statuses worth another try (OpenAI's SDK retries the same set). */
export function retriableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

function serverMessage(error: APIError): string | undefined {
  const body = error.error as { message?: unknown } | undefined;
  if (body && typeof body.message === 'string' && body.message.trim()) return body.message.trim();
  // A body that is not OpenAI's error JSON: the SDK keeps its text as the message.
  const text = error.message.replace(/^\d{3}\s*/, '').trim();
  return text && text !== 'status code (no body)' ? text.slice(0, 300) : undefined;
}

function causeText(error: unknown): string {
  const parts: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    parts.push(typeof code === 'string' ? `${current.message} (${code})` : current.message);
    current = (current as { cause?: unknown }).cause;
  }
  return [...new Set(parts)].join(': ');
}

function tries(context: FailureContext): string {
  return context.retries > 0 ? ` after ${context.retries + 1} attempts` : '';
}

/** Turns what the SDK (or the stream) threw into the result record's error. */
export function describeFailure(error: unknown, context: FailureContext, key: string | undefined): FailureRecord {
  const { config, host } = context;
  const record = ((): FailureRecord => {
    const guard = findCause(error, KeyOriginError);
    if (guard) return { message: guard.message, retriable: false };
    if (error instanceof APIError && error.status !== undefined) {
      const status = error.status;
      const said = serverMessage(error);
      if (status === 401) {
        return { status, retriable: false, message: `401 from ${host}: the key for backend '${config.id}' was rejected — ${keyHint(config)}` };
      }
      if (status === 403) {
        return { status, retriable: false, message: `403 from ${host}: the key for backend '${config.id}' may not do this${said ? ` (${said})` : ''} — check the key's project and permissions, or ${keyHint(config)}` };
      }
      if (status >= 300 && status < 400) {
        const location = error.headers?.get('location') ?? 'another address';
        return { status, retriable: false, message: `${status} from ${host}: a redirect to ${location} was not followed — the key for backend '${config.id}' is only sent to ${context.origin}; set the backend's URL to where the API really is` };
      }
      if (status === 404) {
        return { status, retriable: false, message: `404 from ${host}: ${said ?? 'not found'} — check the model (or Azure deployment) name and the backend's URL` };
      }
      if (status === 429) {
        return { status, retriable: true, message: `429 from ${host}: rate limited${tries(context)}${said ? ` (${said})` : ''} — wait and run again, or lower the backend's concurrency` };
      }
      if (status >= 500) {
        return { status, retriable: true, message: `${status} from ${host}: the server failed${tries(context)}${said ? ` (${said})` : ''}` };
      }
      return { status, retriable: retriableStatus(status), message: `${status} from ${host}: ${said ?? 'the request was refused'}` };
    }
    if (error instanceof APIConnectionTimeoutError || (error instanceof Error && error.name === 'IdleTimeout')) {
      const what = context.received > 0 ? `stopped sending for ${context.timeoutMs} ms mid-stream` : `did not answer within ${context.timeoutMs} ms${tries(context)}`;
      return { retriable: true, message: `${host} ${what} (backend '${config.id}'; raise timeoutMs in its settings if the model is slow)` };
    }
    if (error instanceof APIConnectionError) {
      return { retriable: true, message: `Could not reach ${host} for backend '${config.id}'${tries(context)}: ${causeText(error.cause ?? error)} — is the server running and the URL right?` };
    }
    if (error instanceof SyntaxError) {
      return { retriable: false, message: `${host} sent a stream event that is not valid JSON (${error.message}); not an OpenAI-compatible stream?` };
    }
    if (error instanceof APIError) {
      // An error event inside the stream (`data: {"error": …}`).
      return { retriable: false, message: `${host} reported an error mid-stream: ${serverMessage(error) ?? error.message}` };
    }
    if (context.received > 0 || error instanceof TypeError) {
      return { retriable: true, message: `The connection to ${host} was lost mid-stream after ${context.received} characters: ${causeText(error)} (a started stream is not retried; the partial text is kept)` };
    }
    return { retriable: false, message: `Backend '${config.id}' (${host}) failed: ${causeText(error)}` };
  })();
  return { ...record, message: scrubSecrets(record.message, key) };
}

function findCause<T extends Error>(error: unknown, type: new (...args: never[]) => T): T | undefined {
  let current: unknown = error;
  for (let depth = 0; current instanceof Error && depth < 5; depth++) {
    if (current instanceof type) return current;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
