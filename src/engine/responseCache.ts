// Reusing responses (`--cache`, `promptLab.eval.cache`): a request is answered from the cache when
// it is byte-identical to one answered before: the backend's kind and where it is (an API's base
// URL without credentials, a local model's file), the model, the messages and every parameter sent,
// the seed included, as canonical JSON (keys sorted) hashed with SHA-256. A request that may answer
// differently each time (temperature above 0, or unset, without a seed the user fixed) is never
// cached. Keys, headers and anything else the backend config holds besides its address never
// enter the key or the entry. Only whole, successful answers are stored; a corrupt entry is a miss
// with a log line.
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Backend, GenerateOptions, GenerationRequest, GenerationResult } from '../backends/backend';
import type { BackendConfig } from '../backends/backendConfig';
import type { ResponseCacheStore } from './host';

/** JSON with every object's keys sorted: the same value always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

/** Where a backend is, without anything secret: an API's origin and path (no user, password or
 * query), an Azure deployment, a local model's file. */
export function backendAddress(config: BackendConfig): string {
  const clean = (url: string | undefined, fallback: string) => {
    try {
      const parsed = new URL(url ?? fallback);
      return `${parsed.origin}${parsed.pathname.replace(/\/+$/, '')}`;
    } catch {
      return url ?? fallback;
    }
  };
  switch (config.kind) {
    case 'openai': return clean(config.baseURL, 'https://api.openai.com/v1');
    case 'azure-openai': return `${clean(config.endpoint, '')}#${config.deployment ?? ''}@${config.apiVersion ?? ''}`;
    case 'local': return `${config.modelPath ? path.resolve(config.modelPath) : ''}#ctx=${config.contextSize ?? ''}`;
    // VS Code's chat models: the provider and the model id (in the request) say which.
    case 'vscode-lm': return `vscode-lm:${config.vendor ?? ''}`;
  }
}

export interface CachePolicy {
  /** The seeds were fixed by the user (`--seed`): a seeded request at temperature > 0 may be reused. */
  seedFixed: boolean;
}

/** Why a request may not be cached, or undefined when it may. */
export function uncacheableReason(request: GenerationRequest, policy: CachePolicy): string | undefined {
  const { temperature, seed } = request.config;
  if (temperature === 0) return undefined;
  if (seed !== undefined && policy.seedFixed) return undefined;
  return temperature === undefined ? 'no temperature set and no fixed seed' : `temperature ${temperature} without a fixed seed`;
}

/** The cache key of a request on a backend: SHA-256 (hex) of its canonical JSON. */
export function cacheKey(config: BackendConfig, request: GenerationRequest): string {
  const identity = {
    kind: config.kind, address: backendAddress(config), model: request.model,
    messages: request.messages, prompt: request.prompt, config: request.config,
  };
  return createHash('sha256').update(canonicalJson(identity), 'utf8').digest('hex');
}

/** A result that came from the cache says so. */
export type MaybeCachedResult = GenerationResult & { cached?: true };

const FORMAT = 1;

/** What an entry holds: the answer, never the request's secrets (it has none) nor an error. */
function entryOf(result: GenerationResult): string {
  const { text, finishReason, usage, latencyMs, timeToFirstTokenMs, tokensPerSecond, logprobs, backend, model, parameters, warnings } = result;
  return JSON.stringify({ format: FORMAT, result: { text, finishReason, usage, latencyMs, timeToFirstTokenMs, tokensPerSecond, logprobs, backend, model, parameters, warnings } });
}

function resultOf(text: string): GenerationResult | undefined {
  const parsed = JSON.parse(text) as { format?: unknown; result?: Partial<GenerationResult> };
  const result = parsed?.result;
  if (parsed?.format !== FORMAT || !result || typeof result.text !== 'string' || typeof result.finishReason !== 'string'
    || typeof result.usage !== 'object' || result.usage === null || typeof result.latencyMs !== 'number') return undefined;
  return { ...result, warnings: Array.isArray(result.warnings) ? result.warnings : [], parameters: result.parameters ?? {} } as GenerationResult;
}

/** `backend` answering from `store` where it can, storing what it answers in full. */
export function cachingBackend(backend: Backend, config: BackendConfig, store: ResponseCacheStore, policy: CachePolicy, log: (line: string) => void): Backend {
  return {
    id: backend.id,
    kind: backend.kind,
    supports: backend.supports,
    async generate(request: GenerationRequest, options: GenerateOptions = {}): Promise<MaybeCachedResult> {
      if (uncacheableReason(request, policy) !== undefined) return backend.generate(request, options);
      const key = cacheKey(config, request);
      const stored = await store.read(key).catch((error: unknown) => {
        log(`cache: entry ${key.slice(0, 12)} unreadable, ignored: ${(error as Error).message}`);
        return undefined;
      });
      if (stored !== undefined) {
        let hit: GenerationResult | undefined;
        try {
          hit = resultOf(stored);
        } catch {
          hit = undefined;
        }
        if (hit) {
          if (hit.text) options.onToken?.({ text: hit.text });
          return { ...hit, cached: true };
        }
        log(`cache: entry ${key.slice(0, 12)} is corrupt, ignored`);
      }
      const result = await backend.generate(request, options);
      const whole = !result.error && !options.signal?.aborted && (result.finishReason === 'stop' || result.finishReason === 'length');
      if (whole) {
        await store.write(key, entryOf(result)).catch((error: unknown) => log(`cache: could not store an entry: ${(error as Error).message}`));
      }
      return result;
    },
  };
}

/** Entries as files `<folder>/<key[0..2]>/<key>.json`, written to a temporary file and renamed
 * into place (atomic on one file system: a reader sees the old entry or the new, never half). */
export function fileCacheStore(folder: string): ResponseCacheStore {
  const fileOf = (key: string) => {
    if (!/^[0-9a-f]{64}$/.test(key)) throw new Error(`not a cache key: ${key}`);
    return path.join(folder, key.slice(0, 2), `${key}.json`);
  };
  return {
    async read(key) {
      try {
        return await readFile(fileOf(key), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw error;
      }
    },
    async write(key, text) {
      const file = fileOf(key);
      await mkdir(path.dirname(file), { recursive: true });
      const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
      try {
        await writeFile(temporary, text, 'utf8');
        await rename(temporary, file);
      } catch (error) {
        await rm(temporary, { force: true });
        throw error;
      }
    },
  };
}

/** The cache folder of a workspace or working folder. */
export const cacheFolderOf = (root: string): string => path.join(root, '.promptlab', 'cache');
