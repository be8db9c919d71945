// How a backend is configured: one entry of the `promptLab.backends` setting, or of the CLI's
// workspace config file (`promptlab.config.json`), in the same shape. API keys are never here:
// the extension keeps them in SecretStorage, the CLI reads the environment variable `apiKeyEnv`.

/** `vscode-lm`: the chat models VS Code offers (GitHub Copilot's and other extensions'), through
 * `vscode.lm`; only the extension can create one (the CLI says so). */
export type BackendKind = 'openai' | 'azure-openai' | 'local' | 'vscode-lm';

export interface BackendConfig {
  /** The name prompts use as the provider in `model: <id>/<model>` (e.g. `openai`, `local`, `ollama`). */
  id: string;
  kind: BackendKind;
  /** openai: the API's base URL (default https://api.openai.com/v1); any OpenAI-compatible server. */
  baseURL?: string;
  /** The model when a prompt names none, or names only the provider. */
  defaultModel?: string;
  /** CLI only: the environment variable holding the API key; a name matching API_KEY_ENV_PATTERN. */
  apiKeyEnv?: string;
  /** azure-openai: https://<resource>.openai.azure.com, the deployment and the API version. */
  endpoint?: string;
  deployment?: string;
  apiVersion?: string;
  /** vscode-lm: the vendor of the chat models (`copilot`: GitHub Copilot's), as `vscode.lm.selectChatModels` takes it. */
  vendor?: string;
  /** local: the GGUF model file, CPU threads, and context size in tokens. */
  modelPath?: string;
  threads?: number;
  contextSize?: number;
  /** Requests to run at once against this backend (a comparison fans out up to this many). */
  concurrency?: number;
  /** Per request, in milliseconds, before it is given up (and retried where allowed). */
  timeoutMs?: number;
  /** Retries on 429 and 5xx, with backoff that honours Retry-After. */
  maxRetries?: number;
}

export const BACKEND_KINDS: readonly BackendKind[] = ['openai', 'azure-openai', 'local', 'vscode-lm'];

/** Requests at once against a backend whose `concurrency` is not set: the default package.json's
 * `promptLab.backends` documents (the manifest test holds them equal). A server takes 4 at once
 * easily; a local model runs only as many as its context has sequences. */
export const DEFAULT_CONCURRENCY = 4;
/** `local`: the sequences of the model's context (src/backends/local/localBackend.ts sets the same 2). */
export const DEFAULT_LOCAL_CONCURRENCY = 2;

/** How many requests run at once against `config`: its own `concurrency`, else its kind's default. */
export const concurrencyOfBackend = (config: BackendConfig): number =>
  config.concurrency ?? (config.kind === 'local' ? DEFAULT_LOCAL_CONCURRENCY : DEFAULT_CONCURRENCY);

/** The backend `local` that needs no key: present unless the configuration names its own `local`. */
export const DEFAULT_LOCAL_BACKEND: BackendConfig = { id: 'local', kind: 'local' };

/** The vendor of GitHub Copilot's chat models in `vscode.lm`. */
export const COPILOT_VENDOR = 'copilot';

/** In VS Code, the backend `copilot` (`model: copilot/gpt-4o`): Copilot's chat models through
 * `vscode.lm`, present unless the configuration names its own `copilot`. */
export const DEFAULT_COPILOT_BACKEND: BackendConfig = { id: 'copilot', kind: 'vscode-lm', vendor: COPILOT_VENDOR };

/** The origin (scheme://host:port) requests to this backend go to; keys are bound to it. */
export function backendOrigin(config: BackendConfig): string | undefined {
  const url = config.kind === 'azure-openai' ? config.endpoint : config.kind === 'openai' ? config.baseURL ?? 'https://api.openai.com/v1' : undefined;
  if (!url) return undefined;
  try {
    return new URL(url).origin;
  } catch {
    return undefined;
  }
}

/** The names `apiKeyEnv` (and the CLI's --api-key-env) may give: OPENAI_API_KEY,
 * AZURE_OPENAI_API_KEY, OPENROUTER_API_KEY… A config file often comes with a cloned repository, and
 * the variable it names is read and sent to the backend's server: without this rule it could name
 * any secret in the environment (AWS_SECRET_ACCESS_KEY, GITHUB_TOKEN). Keys under another name can
 * be copied: `export HF_API_KEY=$HF_TOKEN`. package.json's setting schema has the same pattern. */
export const API_KEY_ENV_PATTERN = /^[A-Z][A-Z0-9_]*_API_KEY$/;

/** Why `name` cannot be an apiKeyEnv, or undefined when it can; `field` names it in the message. */
export function apiKeyEnvProblem(name: unknown, field = 'apiKeyEnv'): string | undefined {
  if (typeof name === 'string' && API_KEY_ENV_PATTERN.test(name)) return undefined;
  const shown = typeof name === 'string' ? `'${name}'` : `a ${name === null ? 'null' : typeof name}`;
  return `${field} must name an environment variable ending in _API_KEY (capitals, digits, _; e.g. OPENAI_API_KEY), not ${shown}: `
    + 'only such variables are read, so a configuration cannot send another secret of yours to a server (copy a key under another name: export MY_API_KEY=...)';
}

export interface ConfigProblem { path: string; message: string }

/** Checks a list of backend entries as found in settings or a config file; returns the valid ones
 * and what is wrong with the others (each problem names the entry and field). */
export function readBackendConfigs(value: unknown): { backends: BackendConfig[]; problems: ConfigProblem[] } {
  const backends: BackendConfig[] = [];
  const problems: ConfigProblem[] = [];
  if (value === undefined || value === null) return { backends, problems };
  if (!Array.isArray(value)) return { backends, problems: [{ path: 'backends', message: 'must be a list of backends' }] };
  const seen = new Set<string>();
  value.forEach((entry, index) => {
    const at = `backends[${index}]`;
    const bad = (message: string) => problems.push({ path: at, message });
    if (typeof entry !== 'object' || entry === null) return bad('must be an object with id and kind');
    // Own properties only, copied: a settings parser that assigns a "__proto__" key gives an entry
    // a prototype, whose fields (baseURL, modelPath…) would otherwise read as the entry's own.
    const config = Object.fromEntries(Object.entries(entry)) as Record<string, unknown>;
    if (typeof config.id !== 'string' || !/^[\w.-]+$/.test(config.id)) return bad('id must be a name of letters, digits, ".", "-" or "_"');
    if (seen.has(config.id)) return bad(`id '${config.id}' is used twice`);
    if (!BACKEND_KINDS.includes(config.kind as BackendKind)) return bad(`kind must be one of ${BACKEND_KINDS.join(', ')}`);
    for (const key of ['baseURL', 'endpoint'] as const) {
      if (config[key] !== undefined && !(typeof config[key] === 'string' && /^https?:\/\//.test(config[key] as string))) return bad(`${key} must be an http(s) URL`);
    }
    if (config.apiKeyEnv !== undefined) {
      const problem = apiKeyEnvProblem(config.apiKeyEnv);
      if (problem) return bad(problem);
    }
    if (config.vendor !== undefined && !(typeof config.vendor === 'string' && /^[\w.-]+$/.test(config.vendor))) return bad('vendor must be a name of letters, digits, ".", "-" or "_" (e.g. copilot)');
    if (config.kind === 'azure-openai' && (typeof config.endpoint !== 'string' || typeof config.deployment !== 'string')) return bad('azure-openai needs endpoint and deployment');
    for (const key of ['threads', 'contextSize', 'concurrency', 'timeoutMs', 'maxRetries'] as const) {
      const number = config[key];
      if (number !== undefined && !(typeof number === 'number' && Number.isInteger(number) && number >= (key === 'maxRetries' ? 0 : 1))) return bad(`${key} must be a whole number${key === 'maxRetries' ? '' : ' of at least 1'}`);
    }
    seen.add(config.id);
    backends.push(config as unknown as BackendConfig);
  });
  return { backends, problems };
}
