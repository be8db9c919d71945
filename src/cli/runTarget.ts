// What `run` and `compare` share: the backend and sampling flags, and picking the backend, model
// and rendered prompt from them, the workspace config file and the prompt's `model:`.
import { apiKeyEnvProblem, type BackendConfig } from '../backends/backendConfig';
import type { Backend } from '../backends/backend';
import { splitModelId, type BackendRegistry } from '../backends/registry';
import type { AnalyzedPrompt } from '../core/analyzePrompt';
import type { GenerationConfig } from '../core/generationConfig';
import type { RenderResult } from '../core/render';
import { all, single, UsageError, type ParsedArgs } from './args';
import { ExitCode, type CliIO } from './io';
import { RENDER_OPTIONS } from './renderOptions';
import { analyzeForCli } from './runPromptCommand';
import { cliBackendRegistry, cliBackendServices, ConfigError, readWorkspaceConfig } from './workspaceConfig';

export const RUN_OPTIONS = {
  ...RENDER_OPTIONS,
  backend: { value: true }, 'base-url': { value: true }, 'api-key-env': { value: true }, model: { value: true }, 'model-path': { value: true },
  config: { value: true }, temperature: { value: true }, 'top-p': { value: true }, 'top-k': { value: true }, 'max-tokens': { value: true },
  seed: { value: true }, stop: { value: true, repeat: true }, logprobs: { value: true },
};

function number(parsed: ParsedArgs, name: string, check: (n: number) => boolean, what: string): number | undefined {
  const text = single(parsed, name);
  if (text === undefined) return undefined;
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || !check(value)) throw new UsageError(`--${name} must be ${what}, not '${text}'`);
  return value;
}

/** The run's settings from flags: they win over the prompt's `config`. */
export function overridesOf(parsed: ParsedArgs): GenerationConfig {
  const whole = (n: number) => Number.isInteger(n);
  const config: GenerationConfig = {
    temperature: number(parsed, 'temperature', (n) => n >= 0 && n <= 2, 'a number from 0 to 2'),
    topP: number(parsed, 'top-p', (n) => n >= 0 && n <= 1, 'a number from 0 to 1'),
    topK: number(parsed, 'top-k', (n) => whole(n) && n >= 1, 'a whole number of at least 1'),
    maxOutputTokens: number(parsed, 'max-tokens', (n) => whole(n) && n >= 1, 'a whole number of at least 1'),
    seed: number(parsed, 'seed', whole, 'a whole number'),
    logprobs: number(parsed, 'logprobs', (n) => whole(n) && n >= 0 && n <= 20, 'a whole number from 0 to 20'),
    ...(parsed.values.has('stop') ? { stopSequences: all(parsed, 'stop') } : {}),
  };
  return Object.fromEntries(Object.entries(config).filter(([, value]) => value !== undefined)) as GenerationConfig;
}


export interface CliTarget {
  analyzed: AnalyzedPrompt;
  rendered: RenderResult;
  backend: Backend;
  model: string;
  /** Dispose it when done: it owns the backends (a local model's process). */
  registry: BackendRegistry;
  /** Where a model id without a backend runs (`gpt-4o`): --backend or --base-url's, else the
   * config's defaultBackend, else local. */
  defaultBackend: string;
}

/** Renders the prompt and picks its backend and model; an exit code when that fails. */
export async function resolveCliTarget(parsed: ParsedArgs, io: CliIO, command: string): Promise<CliTarget | number> {
  const baseURL = single(parsed, 'base-url');
  if (baseURL !== undefined && parsed.values.has('backend')) throw new UsageError('give --backend or --base-url, not both');
  if (baseURL !== undefined && !/^https?:\/\//.test(baseURL)) throw new UsageError(`--base-url must be an http(s) URL, not '${baseURL}'`);
  if (parsed.values.has('api-key-env') && baseURL === undefined) throw new UsageError('--api-key-env goes with --base-url (configured backends name theirs in apiKeyEnv)');
  const keyEnvProblem = parsed.values.has('api-key-env') ? apiKeyEnvProblem(single(parsed, 'api-key-env'), '--api-key-env') : undefined;
  if (keyEnvProblem) throw new UsageError(keyEnvProblem);
  let workspace;
  try {
    workspace = await readWorkspaceConfig(single(parsed, 'config'));
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    io.stderr(`prompt-lab ${command}: ${error.message}\n`);
    return ExitCode.usage;
  }
  if (workspace.promptsFolder && !parsed.values.has('prompts-dir')) parsed.values.set('prompts-dir', [workspace.promptsFolder]);
  const analysis = await analyzeForCli(parsed, io);
  if (typeof analysis === 'number') return analysis;
  const rendered = analysis.analyzed.result;

  const fromFile = splitModelId(rendered.model);
  const backends: BackendConfig[] = [...workspace.backends];
  let backendId: string;
  if (baseURL !== undefined) {
    const apiKeyEnv = single(parsed, 'api-key-env');
    backends.push({ id: 'cli', kind: 'openai', baseURL, ...(apiKeyEnv ? { apiKeyEnv } : {}) });
    backendId = 'cli';
  } else {
    backendId = single(parsed, 'backend') ?? fromFile.backend ?? workspace.defaultBackend ?? 'local';
  }
  const services = cliBackendServices(process.env);
  let registry = cliBackendRegistry(backends, services);
  const config = registry.config(backendId);
  if (!config) {
    io.stderr(`prompt-lab ${command}: no backend '${backendId}'${single(parsed, 'backend') ? '' : ` (from the file's model '${rendered.model}')`}. Configured: ${registry.list().map((c) => c.id).join(', ')}; add it to ${workspace.file ?? 'promptlab.config.json'} or pass --backend.\n`);
    return ExitCode.usage;
  }
  const modelPath = single(parsed, 'model-path');
  if (modelPath !== undefined) {
    if (config.kind !== 'local') throw new UsageError(`--model-path is for the local backend; backend '${backendId}' is ${config.kind}`);
    registry = cliBackendRegistry([...backends.filter((b) => b.id !== backendId), { ...config, modelPath }], services);
  }
  const model = single(parsed, 'model') ?? (fromFile.backend === backendId || baseURL !== undefined ? fromFile.model : undefined) ?? config.defaultModel ?? '';
  const defaultBackend = baseURL !== undefined ? backendId : single(parsed, 'backend') ?? workspace.defaultBackend ?? 'local';
  return { analyzed: analysis.analyzed, rendered, backend: registry.get(backendId), model, registry, defaultBackend };
}
