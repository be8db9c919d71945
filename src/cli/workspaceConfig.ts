// The CLI's backends: `promptlab.config.json` in the current directory (or the file given with
// --config), in the same shape as the extension's settings:
//   { "backends": [BackendConfig…], "defaultBackend"?: "local", "promptsFolder"?: "prompts" }
// API keys are never in it: a backend's `apiKeyEnv` names the environment variable that holds one
// (a name ending in _API_KEY only: backendConfig.ts).
//
// Trust. A config file found in the current folder may have come with a cloned repository, and
// one that points an openai backend at its own server would get the user's key. So such a file
// sends no key until the user has said it may:
// - `--config <file>` is the user's own choice: trusted for that run.
// - A file in the per-user trust store (trustStore.ts) at its current content is trusted:
//   `prompt-lab trust [file]` records it, as does a yes to the question below. An edited file must
//   be trusted again (direnv's rule).
// - Otherwise the file's keyed backends (kind openai or azure-openai, with an apiKeyEnv) are tagged
//   with their file's KeyConsent when read. When a run is about to use one (the registry creates
//   it), on a terminal the user is asked once per file: "promptlab.config.json in this folder
//   sends $OPENAI_API_KEY to https://x.example (backend 'x'). Allow? [y/N]"; without a terminal
//   (CI) it is refused before anything is sent: a ConfigError, exit 2, that says how to allow it.
// Backends without a key (and the local model) run without asking: the file gets nothing of the
// user's from them. The services refuse a tagged backend's key too, should a path skip the registry.
import { readFile, realpath } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import * as path from 'node:path';
import type { Backend } from '../backends/backend';
import type { BackendConfig } from '../backends/backendConfig';
import { apiKeyEnvProblem, backendOrigin, readBackendConfigs } from '../backends/backendConfig';
import { createLocalBackend } from '../backends/local/localBackend';
import { createAzureOpenAIBackend, createOpenAIBackend } from '../backends/openai';
import { BackendRegistry, type BackendFactory, type BackendServices } from '../backends/registry';
import { isInsideFolder } from '../core/folders';
import { isTrusted, recordTrust, sha256Of, trustStorePath } from './trustStore';
import { ConfigError } from './configError';
import { errnoWords } from './fileErrors';

export const CONFIG_FILE = 'promptlab.config.json';

export interface WorkspaceConfig {
  backends: BackendConfig[];
  defaultBackend?: string;
  promptsFolder?: string;
  /** The file it came from; undefined when there is none (the built-in `local` backend only). */
  file?: string;
}

export { ConfigError };

/** Reads `explicit` (which must exist), else `promptlab.config.json` in `cwd` if there is one.
 * A file found in `cwd` sends API keys only once trusted (see the top of this file). */
export async function readWorkspaceConfig(explicit?: string, cwd: string = process.cwd(), env: NodeJS.ProcessEnv = process.env): Promise<WorkspaceConfig> {
  const file = path.resolve(cwd, explicit ?? CONFIG_FILE);
  const loaded = await loadConfigFile(file, explicit !== undefined);
  if (!loaded) return { backends: [] };
  const { config, realPath, sha256 } = loaded;
  if (explicit === undefined) {
    const keyed = keyedBackends(config.backends);
    const store = trustStorePath(env);
    if (keyed.length > 0 && !await isTrusted(store, realPath, sha256)) {
      const consent: KeyConsent = { file, realPath, sha256, store, sends: keyed.map(sendsOf), allowed: false };
      for (const backend of keyed) (backend as ConsentTagged)[CONSENT] = consent;
    }
  }
  return config;
}

/** What `prompt-lab trust` records: the file as it is now, and what it sends where. */
export async function trustConfigFile(file: string, env: NodeJS.ProcessEnv = process.env): Promise<{ realPath: string; sha256: string; store: string; sends: string[] }> {
  const { config, realPath, sha256 } = (await loadConfigFile(path.resolve(file), true))!;
  const store = trustStorePath(env);
  try {
    await recordTrust(store, realPath, sha256);
  } catch (error) {
    throw new ConfigError(`cannot record trust: ${(error as Error).message}`);
  }
  return { realPath, sha256, store, sends: keyedBackends(config.backends).map(sendsOf) };
}

/** The file's checked content, its real path and the SHA-256 of the very bytes that were checked
 * (so what is trusted is what runs); undefined when an implicit file does not exist. */
async function loadConfigFile(file: string, explicit: boolean): Promise<{ config: WorkspaceConfig; realPath: string; sha256: string } | undefined> {
  let bytes: Buffer;
  let realPath: string;
  try {
    realPath = await realpath(file);
    bytes = await readFile(realPath);
  } catch (error) {
    if (!explicit && (error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`cannot read '${file}': ${errnoWords(error)}`);
  }
  const text = bytes.toString('utf8');
  let data: unknown;
  try {
    data = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  } catch (error) {
    throw new ConfigError(`${file}: not valid JSON: ${(error as Error).message}`);
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) throw new ConfigError(`${file}: must hold a JSON object with "backends"`);
  const config = data as Record<string, unknown>;
  const { backends, problems } = readBackendConfigs(config.backends);
  if (problems.length > 0) throw new ConfigError(problems.map((problem) => `${file}: ${problem.path}: ${problem.message}`).join('\n'));
  for (const key of ['defaultBackend', 'promptsFolder'] as const) {
    if (config[key] !== undefined && typeof config[key] !== 'string') throw new ConfigError(`${file}: ${key}: must be a string`);
  }
  const defaultBackend = config.defaultBackend as string | undefined;
  if (defaultBackend !== undefined && defaultBackend !== 'local' && !backends.some((backend) => backend.id === defaultBackend)) {
    throw new ConfigError(`${file}: defaultBackend: no backend '${defaultBackend}' is configured`);
  }
  const promptsFolder = typeof config.promptsFolder === 'string' ? await checkedPromptsFolder(file, config.promptsFolder) : undefined;
  return {
    config: {
      backends, file,
      ...(defaultBackend !== undefined ? { defaultBackend } : {}),
      ...(promptsFolder !== undefined ? { promptsFolder } : {}),
    },
    realPath,
    sha256: sha256Of(bytes),
  };
}

/** The prompts folder must be inside the config file's folder, also once links are resolved: its
 * partials are read and sent to a model, and a repository's config must not point at ~/.ssh. */
async function checkedPromptsFolder(file: string, promptsFolder: string): Promise<string> {
  const home = path.dirname(file);
  const folder = path.resolve(home, promptsFolder);
  const outside = `${file}: promptsFolder: '${promptsFolder}' is outside the folder of the config file`;
  if (!isInsideFolder(folder, home)) throw new ConfigError(`${outside}; give --prompts-dir to use it`);
  try {
    if (!isInsideFolder(await realpath(folder), await realpath(home))) throw new ConfigError(`${outside} (through a symbolic link); give --prompts-dir to use it`);
  } catch (error) {
    if (error instanceof ConfigError) throw error;
    // No such folder: nothing can be read from it, and --prompts-dir says where it looked.
  }
  return folder;
}

/** An untrusted file's consent, shared by its keyed backends: the question is asked once per file. */
interface KeyConsent {
  file: string;
  realPath: string;
  sha256: string;
  /** The trust store a yes is recorded in. */
  store: string;
  /** `$OPENAI_API_KEY to https://x.example (backend 'x')`, one per keyed backend. */
  sends: string[];
  /** True once the user said yes in this process. */
  allowed: boolean;
  decision?: Promise<boolean>;
}

// A symbol property, not a WeakMap: a copy of the config (`{ ...config, model }`) keeps its tag,
// so a copy cannot slip past the question.
const CONSENT = Symbol('prompt-lab.keyConsent');
type ConsentTagged = BackendConfig & { [CONSENT]?: KeyConsent };
const consentOf = (config: BackendConfig): KeyConsent | undefined => (config as ConsentTagged)[CONSENT];

/** Backends that would send a key to a server: the local model never does. */
const keyedBackends = (backends: readonly BackendConfig[]) => backends.filter((backend) => backend.kind !== 'local' && backend.apiKeyEnv !== undefined);
const sendsOf = (backend: BackendConfig) => `$${backend.apiKeyEnv} to ${backendOrigin(backend) ?? '(no valid URL)'} (backend '${backend.id}')`;

const whereOf = (consent: KeyConsent) => `${CONFIG_FILE} in this folder (${path.dirname(consent.file)})`;
const HOW_TO_ALLOW = `A ${CONFIG_FILE} found in the current folder may have come with a cloned repository. If you trust it, `
  + `give it explicitly (--config ${CONFIG_FILE}) or record it once with 'prompt-lab trust' (again after every edit of the file).`;

function refusal(consent: KeyConsent, config: BackendConfig, asked: boolean): ConfigError {
  const what = asked ? 'you did not allow that' : 'you have not allowed this file to send keys';
  return new ConfigError(`${whereOf(consent)} would send ${sendsOf(config)}, and ${what}: nothing was sent. ${HOW_TO_ALLOW}`);
}

/** How the CLI asks the user a yes/no question; undefined where nobody can answer (no terminal). */
export interface Prompter {
  ask(question: string): Promise<boolean>;
  /** A line for the user (stderr). */
  note(text: string): void;
}

/** Asks on the terminal (the question on stderr, so stdout stays the run's output), when stdin
 * and stderr are both one. */
export function terminalPrompter(): Prompter | undefined {
  if (!process.stdin.isTTY || !process.stderr.isTTY) return undefined;
  return {
    ask: (question) => new Promise((resolve) => {
      const lines = createInterface({ input: process.stdin, output: process.stderr });
      lines.question(question, (answer) => {
        lines.close();
        resolve(/^\s*y(es)?\s*$/i.test(answer));
      });
    }),
    note: (text) => process.stderr.write(`${text}\n`),
  };
}

/** Asks once per file; a yes is recorded in the trust store (for this content of the file). */
function decide(consent: KeyConsent, prompter: Prompter): Promise<boolean> {
  consent.decision ??= (async () => {
    const yes = await prompter.ask(`${whereOf(consent)} sends ${consent.sends.join(', ')}. Allow? [y/N] `);
    if (!yes) return false;
    consent.allowed = true;
    try {
      await recordTrust(consent.store, consent.realPath, consent.sha256);
      prompter.note(`Allowed; remembered in ${consent.store} until the file changes.`);
    } catch (error) {
      prompter.note(`Allowed for this run; not remembered: ${(error as Error).message}`);
    }
    return true;
  })();
  return consent.decision;
}

/** The CLI's services: a backend's key is the environment variable its `apiKeyEnv` names, only,
 * and only when that name is an API key's and its config file may send it. */
export function cliBackendServices(env: NodeJS.ProcessEnv = process.env, log?: (message: string) => void): BackendServices {
  return {
    apiKey: async (config) => {
      if (!config.apiKeyEnv) return undefined;
      const problem = apiKeyEnvProblem(config.apiKeyEnv);
      if (problem) throw new ConfigError(`backend '${config.id}': ${problem}`);
      const consent = consentOf(config);
      if (consent && !consent.allowed) throw refusal(consent, config, consent.decision !== undefined);
      return env[config.apiKeyEnv] || undefined;
    },
    ...(log ? { log } : {}),
  };
}

/** The CLI's backends. A backend from an untrusted config file that would send a key is only
 * created once the user allows it: asked on first use when `prompter` is given (a terminal), else
 * refused at once with a ConfigError (exit 2), before anything is sent. */
export function cliBackendRegistry(backends: readonly BackendConfig[], services: BackendServices, prompter: Prompter | undefined = terminalPrompter()): BackendRegistry {
  const guarded = (factory: BackendFactory): BackendFactory => (config, backendServices) => {
    const consent = consentOf(config);
    if (!consent || consent.allowed) return factory(config, backendServices);
    if (!prompter) throw refusal(consent, config, false);
    const backend: Backend = factory(config, backendServices);
    const generate = backend.generate.bind(backend);
    // Asked when the first request is about to go, not when the backend is picked (a `compare`
    // that fails to start asks nothing). Declining throws: nothing is sent.
    backend.generate = async (request, options) => {
      if (!await decide(consent, prompter)) throw refusal(consent, config, true);
      return generate(request, options);
    };
    return backend;
  };
  return new BackendRegistry(backends, {
    openai: guarded(createOpenAIBackend), 'azure-openai': guarded(createAzureOpenAIBackend), local: createLocalBackend,
  }, services);
}
