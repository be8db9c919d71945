// GET /v1/models through the openai client (`models.list()`): what an OpenAI-compatible server
// offers (Ollama, LM Studio, vLLM, llama.cpp server, `prompt-lab serve`, OpenAI itself), for model
// pickers and completions. The same origin guard as a run: the key goes only to the backend's own
// origin, redirects are not followed; and a listing never asks the user for anything.
import OpenAI, { APIConnectionTimeoutError, APIError } from 'openai';
import type { ModelInfo } from '../backend';
import type { BackendConfig } from '../backendConfig';
import { scrubSecrets } from './failures';
import { originGuardedFetch } from './transport';

/** A listing gives up after this long: a picker or a completion waits for it. */
export const LIST_MODELS_TIMEOUT_MS = 5_000;
/** More than this many models are cut off (a router can list thousands). */
export const MAX_LISTED_MODELS = 1_000;

export interface ListModelsTarget {
  config: BackendConfig;
  origin: string;
  /** The key stored for exactly this origin, or undefined (a loopback server needs none). */
  key: string | undefined;
  fetch?: typeof fetch;
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** The server's models, sorted by id; rejects with a message that names the host and never the key. */
export async function listServerModels(target: ListModelsTarget): Promise<ModelInfo[]> {
  const { config, origin, key } = target;
  const host = new URL(origin).host;
  const timeoutMs = target.timeoutMs ?? LIST_MODELS_TIMEOUT_MS;
  const client = new OpenAI({
    apiKey: key ?? 'prompt-lab-no-key', baseURL: config.baseURL ?? 'https://api.openai.com/v1', timeout: timeoutMs, maxRetries: 0,
    fetch: originGuardedFetch(target.fetch ?? globalThis.fetch, { origin, backendId: config.id, keyless: !key }),
    organization: null, project: null, adminAPIKey: null, webhookSecret: null,
    logLevel: 'off',
  });
  const models: ModelInfo[] = [];
  try {
    for await (const model of client.models.list({ signal: target.signal, timeout: timeoutMs, maxRetries: 0 })) {
      if (typeof model.id !== 'string' || model.id === '') continue;
      models.push({ id: model.id, ...(typeof model.owned_by === 'string' && model.owned_by ? { detail: `owned by ${model.owned_by}` } : {}) });
      if (models.length >= MAX_LISTED_MODELS) break;
    }
  } catch (error) {
    const why = error instanceof APIError && error.status !== undefined ? `${host} answered ${error.status}${error.status === 401 || error.status === 403 ? ' (is the API key for this backend set?)' : ''}`
      : error instanceof APIConnectionTimeoutError ? `no answer from ${host} within ${timeoutMs} ms`
        : target.signal?.aborted ? 'the listing was cancelled'
          : `could not reach ${host}: ${error instanceof Error ? error.message : String(error)}`;
    // Not chained as `cause`: the SDK's error carries the request, and with it the key.
    // eslint-disable-next-line preserve-caught-error
    throw new Error(scrubSecrets(`Could not list the models of backend '${config.id}': ${why}`, key));
  }
  return models.sort((a, b) => a.id.localeCompare(b.id));
}
