// Creates backends from their configuration and keeps them: one instance per backend id, so a warm
// local model or an HTTP agent is shared by every run, and disposed together.
import type { CountTexts } from '../core/promptTokens';
import type { Backend } from './backend';
import { DEFAULT_LOCAL_BACKEND, type BackendConfig } from './backendConfig';

export interface KeyRequestOptions {
  /** false: answer only with a key stored for exactly this origin, never ask the user (listing
   * models while they type must not pop up a question). Default true. */
  interactive?: boolean;
}

/** What a backend may need from its host; injected so tests and the CLI can provide their own. */
export interface BackendServices {
  /** The API key for this backend, or undefined. The extension answers from SecretStorage (only
   * for the origin the key was stored for); the CLI from the environment variable `apiKeyEnv`. */
  apiKey(config: BackendConfig, options?: KeyRequestOptions): Promise<string | undefined>;
  /** The HTTP implementation the openai client uses (tests inject faults; default: global fetch). */
  fetch?: typeof fetch;
  /** Where diagnostics about backends go (never with keys in them). */
  log?(message: string): void;
  /** Counts tokens when a server reports no usage. The extension passes its worker thread's
   * counter (the tokenizer must not load on the extension host thread); default: in-process. */
  countTexts?: CountTexts;
}

export type BackendFactory = (config: BackendConfig, services: BackendServices) => Backend;

export class BackendRegistry {
  private readonly instances = new Map<string, Backend>();

  constructor(
    private readonly configs: readonly BackendConfig[],
    private readonly factories: Partial<Record<BackendConfig['kind'], BackendFactory>>,
    private readonly services: BackendServices,
  ) {}

  /** The configured backends, with the built-in `local` unless one is configured under that id. */
  list(): BackendConfig[] {
    return this.configs.some((config) => config.id === DEFAULT_LOCAL_BACKEND.id) ? [...this.configs] : [...this.configs, DEFAULT_LOCAL_BACKEND];
  }

  config(id: string): BackendConfig | undefined {
    return this.list().find((config) => config.id === id);
  }

  get(id: string): Backend {
    const existing = this.instances.get(id);
    if (existing) return existing;
    const config = this.config(id);
    if (!config) throw new Error(`No backend '${id}' is configured. Configured: ${this.list().map((c) => c.id).join(', ')}.`);
    const factory = this.factories[config.kind];
    if (!factory) throw new Error(`Backends of kind '${config.kind}' are not available here.`);
    const backend = factory(config, this.services);
    this.instances.set(id, backend);
    return backend;
  }

  async dispose(): Promise<void> {
    const all = [...this.instances.values()];
    this.instances.clear();
    await Promise.all(all.map((backend) => backend.dispose?.()));
  }
}

/** `openai/gpt-4o-mini` → backend `openai`, model `gpt-4o-mini`; `local` → the backend's default model. */
export function splitModelId(model: string | undefined): { backend?: string; model?: string } {
  if (!model) return {};
  const slash = model.indexOf('/');
  return slash === -1 ? { backend: model } : { backend: model.slice(0, slash), model: model.slice(slash + 1) || undefined };
}

/** Where a model id, as a prompt's `model:` writes it, runs: `openai/gpt-4o-mini` on the backend
 * `openai`; `local` (a backend's id) on that backend, with its default model; `gpt-4o` (no backend's
 * id) on `defaultBackend`. `model` is undefined when the id names none. */
export function resolveModelId(modelId: string | undefined, isBackend: (id: string) => boolean, defaultBackend: string): { backend: string; model?: string } {
  const split = splitModelId(modelId);
  if (split.backend === undefined) return { backend: defaultBackend };
  const namesBackend = modelId!.includes('/') || isBackend(split.backend);
  return namesBackend ? { backend: split.backend, ...(split.model !== undefined ? { model: split.model } : {}) } : { backend: defaultBackend, model: modelId! };
}
