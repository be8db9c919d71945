// The models each backend offers (GET /v1/models of an OpenAI-compatible server, VS Code's chat
// models), for Select Backend and the completions of `model:`. Cached per backend as configured now
// (a changed baseURL or vendor is another entry), fetched once at a time, refreshed on demand.
// Callers never wait longer than they say: a completion takes what has arrived and asks again on
// the next keystroke. A failure is logged once and cached briefly, never thrown at the caller.
// No `vscode` here: unit-tested in plain mocha over a real server.
import type { Backend, ModelInfo } from '../../backends/backend';
import { backendOrigin, type BackendConfig } from '../../backends/backendConfig';

/** A list this old is fetched again when next asked for (shown meanwhile). */
export const MODEL_LIST_TTL_MS = 5 * 60_000;
/** A failed listing is not tried again for this long (typing asks many times a second). */
export const FAILED_LIST_TTL_MS = 30_000;

export interface ModelListSource {
  /** The backends to list, as configured now. */
  configs(): readonly BackendConfig[];
  /** The backend instance for `id` (it knows its key and client), or undefined. */
  backend(id: string): Backend | undefined;
  log(message: string): void;
}

export interface BackendModels {
  config: BackendConfig;
  models: ModelInfo[];
  /** Why the list is empty, when its fetch failed. */
  error?: string;
}

interface Entry {
  models: ModelInfo[];
  error?: string;
  fetchedAt: number;
  loading?: Promise<void>;
}

/** What identifies a backend's list: the same id pointed at another server is another list. */
export function listKey(config: BackendConfig): string {
  return JSON.stringify([config.id, config.kind, backendOrigin(config) ?? null, config.baseURL ?? null, config.vendor ?? null, config.deployment ?? null]);
}

export class ModelLists {
  private readonly entries = new Map<string, Entry>();

  constructor(private readonly source: ModelListSource, private readonly now: () => number = Date.now) {}

  /** Backends that can list their models. */
  listable(): BackendConfig[] {
    return this.source.configs().filter((config) => typeof this.source.backend(config.id)?.listModels === 'function');
  }

  /** Every listable backend's models, fetching what is missing or stale; waits at most `waitMs`.
   * `complete` is false when some lists were still on their way. */
  async get(waitMs: number): Promise<{ lists: BackendModels[]; complete: boolean }> {
    const configs = this.listable();
    const pending = configs.map((config) => this.load(config)).filter((loading): loading is Promise<void> => loading !== undefined);
    let complete = pending.length === 0;
    if (!complete) {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<false>((resolve) => { timer = setTimeout(() => resolve(false), waitMs); });
      complete = await Promise.race([Promise.all(pending).then(() => true), timeout]);
      clearTimeout(timer);
    }
    const lists = configs.map((config) => {
      const entry = this.entries.get(listKey(config));
      return { config, models: entry?.models ?? [], ...(entry?.error ? { error: entry.error } : {}) };
    });
    return { lists, complete };
  }

  /** Forgets every list: the next get() fetches them again. */
  refresh(): void {
    this.entries.clear();
  }

  /** Starts a fetch when the entry is missing or stale; returns it while it runs. */
  private load(config: BackendConfig): Promise<void> | undefined {
    const key = listKey(config);
    const entry = this.entries.get(key);
    if (entry?.loading) return entry.loading;
    if (entry && this.now() - entry.fetchedAt < (entry.error ? FAILED_LIST_TTL_MS : MODEL_LIST_TTL_MS)) return undefined;
    const backend = this.source.backend(config.id);
    if (!backend?.listModels) return undefined;
    const next: Entry = { models: entry?.models ?? [], fetchedAt: entry?.fetchedAt ?? 0 };
    next.loading = backend.listModels().then((models) => {
      next.models = models;
      delete next.error;
    }, (error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      // Logged when it first fails, not on every retry of the same failure.
      if (next.error !== message && entry?.error !== message) this.source.log(`model list: ${message}`);
      next.error = message;
      next.models = [];
    }).finally(() => {
      next.fetchedAt = this.now();
      delete next.loading;
    });
    this.entries.set(key, next);
    return next.loading;
  }
}
