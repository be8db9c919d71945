// The CLI's backends: `promptlab.config.json` in the current directory (or the file given with
// --config), in the same shape as the extension's settings:
//   { "backends": [BackendConfig…], "defaultBackend"?: "local", "promptsFolder"?: "prompts" }
// API keys are never in it: a backend's `apiKeyEnv` names the environment variable that holds one.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { BackendConfig } from '../backends/backendConfig';
import { readBackendConfigs } from '../backends/backendConfig';
import { createLocalBackend } from '../backends/local/localBackend';
import { createAzureOpenAIBackend, createOpenAIBackend } from '../backends/openai';
import { BackendRegistry, type BackendServices } from '../backends/registry';

export const CONFIG_FILE = 'promptlab.config.json';

export interface WorkspaceConfig {
  backends: BackendConfig[];
  defaultBackend?: string;
  promptsFolder?: string;
  /** The file it came from; undefined when there is none (the built-in `local` backend only). */
  file?: string;
}

/** A config file that cannot be used: bad usage (exit 2), with the path of the bad field. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** Reads `explicit` (which must exist), else `promptlab.config.json` in `cwd` if there is one. */
export async function readWorkspaceConfig(explicit?: string, cwd: string = process.cwd()): Promise<WorkspaceConfig> {
  const file = path.resolve(cwd, explicit ?? CONFIG_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (explicit === undefined && (error as NodeJS.ErrnoException).code === 'ENOENT') return { backends: [] };
    throw new ConfigError(`${file}: ${(error as Error).message}`);
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
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
  return {
    backends, file,
    ...(defaultBackend !== undefined ? { defaultBackend } : {}),
    ...(typeof config.promptsFolder === 'string' ? { promptsFolder: path.resolve(path.dirname(file), config.promptsFolder) } : {}),
  };
}

/** The CLI's services: a backend's key is the environment variable its `apiKeyEnv` names, only. */
export function cliBackendServices(env: NodeJS.ProcessEnv = process.env, log?: (message: string) => void): BackendServices {
  return {
    apiKey: async (config) => (config.apiKeyEnv ? env[config.apiKeyEnv] || undefined : undefined),
    ...(log ? { log } : {}),
  };
}

export function cliBackendRegistry(backends: readonly BackendConfig[], services: BackendServices): BackendRegistry {
  return new BackendRegistry(backends, { openai: createOpenAIBackend, 'azure-openai': createAzureOpenAIBackend, local: createLocalBackend }, services);
}
