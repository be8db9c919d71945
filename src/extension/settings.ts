// Prompt Lab's settings, in one place: the keys as constants (package.json's
// `contributes.configuration` declares the same ones) and one typed reader. Values come from the
// user and may be anything: every reader checks the shape and falls back to the default.
import { availableParallelism } from 'node:os';
import * as vscode from 'vscode';
import { DEFAULT_COPILOT_BACKEND, DEFAULT_LOCAL_BACKEND, readBackendConfigs, type BackendConfig, type ConfigProblem } from '../backends/backendConfig';

export const SETTINGS_SECTION = 'promptLab';

export const SettingKeys = {
  /** Workspace-relative folder searched for partials (`_name.prompt`) after the prompt's own folder. */
  promptsFolder: 'promptsFolder',
  /** The model backends: a list of BackendConfig (`{ id, kind, baseURL, defaultModel, … }`). */
  backends: 'backends',
  /** The backend id used when a prompt's `model:` names no provider. */
  defaultBackend: 'defaultBackend',
  /** The GGUF file of the built-in `local` backend. */
  localModelPath: 'local.modelPath',
  /** CPU threads of the local backend; 0: automatic (half the cores, at least one). */
  localThreads: 'local.threads',
  /** Context size of the local backend in tokens; 0: the model's own. */
  localContextSize: 'local.contextSize',
  /** The temperatures Compare Temperatures offers. */
  compareTemperatures: 'compare.temperatures',
  /** Samples per setting a comparison offers. */
  compareSamples: 'compare.samples',
  /** A fixed base seed for comparisons (row i uses seed + i); unset: fresh seeds. */
  compareSeed: 'compare.seed',
  /** Model prices (USD per million tokens) for cost estimates: `{ model: { input, output } }`. */
  prices: 'prices',
  /** The judge of model-graded assertions, as a prompt's `model:` names it (`openai/gpt-4o-mini`). */
  evalJudge: 'eval.judge',
  /** Reuse byte-identical responses from the workspace's .promptlab/cache in evals. */
  evalCache: 'eval.cache',
} as const;

/** Settings an untrusted workspace (Restricted Mode) may not set: they decide where API keys go and
 * which model file is loaded. package.json's `capabilities.untrustedWorkspaces` lists the same. */
export const RESTRICTED_SETTINGS = [SettingKeys.backends, SettingKeys.defaultBackend, SettingKeys.localModelPath] as const;

export const DEFAULT_BACKEND = 'local';

export const DEFAULT_PROMPTS_FOLDER = 'prompts';

export interface PromptLabSettings {
  /** Normalized: no leading `./` or trailing `/`; `''` means none (an invalid value is ignored). */
  promptsFolder: string;
  /** The valid entries of `promptLab.backends` (checked by readBackendConfigs, as the backends read
   * them); undefined when there are none. */
  backends: BackendConfig[] | undefined;
}

/** What the backends need from settings, already checked. */
export interface BackendSettings {
  /** The valid entries of `promptLab.backends`, with the `local` backend completed from `promptLab.local.*`,
   * and the built-in `copilot` (vscode-lm) unless an entry has that id. */
  backends: BackendConfig[];
  /** What is wrong with the other entries: each names the entry (`backends[2]`) and the field. */
  problems: ConfigProblem[];
  defaultBackend: string;
}

/**
 * A restricted setting's value: in a trusted workspace the usual merge (workspace over user); in
 * Restricted Mode only the user's own value, so a cloned repository cannot redirect keys or pick a
 * binary. (VS Code also ignores these workspace values because package.json lists them under
 * `restrictedConfigurations`; reading the user value here does not depend on that.)
 */
function restricted<T>(config: vscode.WorkspaceConfiguration, key: (typeof RESTRICTED_SETTINGS)[number]): T | undefined {
  if (vscode.workspace.isTrusted) return config.get<T>(key);
  const inspected = config.inspect<T>(key);
  return inspected?.globalValue ?? inspected?.defaultValue;
}

/** Threads for the local model when the setting says automatic: half the logical cores, at least
 * one. Generation shares the machine with VS Code itself; on two cores, two llama.cpp threads
 * collapsed to a few tokens/s where one ran at hundreds (../shared/recipes/local-model). */
export function automaticThreads(): number {
  return Math.max(1, Math.floor(availableParallelism() / 2));
}

export function readBackendSettings(): BackendSettings {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const { backends, problems } = readBackendConfigs(restricted<unknown>(config, SettingKeys.backends));
  const modelPath = restricted<unknown>(config, SettingKeys.localModelPath);
  const threads = config.get<unknown>(SettingKeys.localThreads);
  const contextSize = config.get<unknown>(SettingKeys.localContextSize);
  const local: Partial<BackendConfig> = {
    ...(typeof modelPath === 'string' && modelPath.trim() !== '' ? { modelPath: modelPath.trim() } : {}),
    threads: typeof threads === 'number' && Number.isInteger(threads) && threads >= 1 ? threads : automaticThreads(),
    ...(typeof contextSize === 'number' && Number.isInteger(contextSize) && contextSize >= 1 ? { contextSize } : {}),
  };
  // `promptLab.local.*` fill in what a configured `local` entry leaves out, or make the built-in one.
  const index = backends.findIndex((backend) => backend.id === DEFAULT_LOCAL_BACKEND.id);
  if (index === -1) backends.push({ ...DEFAULT_LOCAL_BACKEND, ...local });
  else if (backends[index]!.kind === 'local') backends[index] = { ...local, ...backends[index]! };
  // `copilot`: Copilot's chat models through vscode.lm, for `model: copilot/gpt-4o` with no setup.
  if (!backends.some((backend) => backend.id === DEFAULT_COPILOT_BACKEND.id)) backends.push({ ...DEFAULT_COPILOT_BACKEND });
  const defaultBackend = restricted<unknown>(config, SettingKeys.defaultBackend);
  return {
    backends,
    problems,
    defaultBackend: typeof defaultBackend === 'string' && defaultBackend.trim() !== '' ? defaultBackend.trim() : DEFAULT_BACKEND,
  };
}

export function readSettings(scope?: vscode.ConfigurationScope): PromptLabSettings {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
  return {
    promptsFolder: normalizeFolder(config.get<unknown>(SettingKeys.promptsFolder, DEFAULT_PROMPTS_FOLDER)),
    backends: configuredBackends(restricted<unknown>(config, SettingKeys.backends)),
  };
}

export const DEFAULT_COMPARE_TEMPERATURES = [0, 0.5, 1, 1.5];
export const DEFAULT_COMPARE_SAMPLES = 3;

export interface CompareSettings {
  temperatures: number[];
  samples: number;
  /** Row i's seed is seed + i; undefined: fresh seeds each comparison. */
  seed?: number;
  /** The raw `promptLab.prices` value: core/modelCatalog.ts reads it and names bad entries. */
  prices: unknown;
}

export function readCompareSettings(scope?: vscode.ConfigurationScope): CompareSettings {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
  const temperatures = config.get<unknown>(SettingKeys.compareTemperatures);
  const samples = config.get<unknown>(SettingKeys.compareSamples);
  const seed = config.get<unknown>(SettingKeys.compareSeed);
  const valid = Array.isArray(temperatures) && temperatures.length > 0
    && temperatures.every((value) => typeof value === 'number' && value >= 0 && value <= 2);
  return {
    temperatures: valid ? temperatures as number[] : DEFAULT_COMPARE_TEMPERATURES,
    samples: typeof samples === 'number' && Number.isInteger(samples) && samples >= 1 && samples <= 20 ? samples : DEFAULT_COMPARE_SAMPLES,
    ...(typeof seed === 'number' && Number.isSafeInteger(seed) ? { seed } : {}),
    prices: config.get<unknown>(SettingKeys.prices),
  };
}

export interface EvalSettings {
  /** The judge model id; undefined: model-graded assertions error (they have no judge). */
  judge?: string;
  cache: boolean;
}

export function readEvalSettings(scope?: vscode.ConfigurationScope): EvalSettings {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
  const judge = config.get<unknown>(SettingKeys.evalJudge);
  return {
    ...(typeof judge === 'string' && /^\S+$/.test(judge.trim()) ? { judge: judge.trim() } : {}),
    cache: config.get<unknown>(SettingKeys.evalCache) === true,
  };
}

export function affectsSetting(event: vscode.ConfigurationChangeEvent, key: keyof typeof SettingKeys): boolean {
  return event.affectsConfiguration(`${SETTINGS_SECTION}.${SettingKeys[key]}`);
}

/** The full id of a setting, for `workbench.action.openSettings` and `inspect`. */
export const settingId = (key: keyof typeof SettingKeys): string => `${SETTINGS_SECTION}.${SettingKeys[key]}`;

/** A workspace-relative folder that stays inside the workspace: no absolute paths, no `..`. */
function normalizeFolder(value: unknown): string {
  if (typeof value !== 'string') return DEFAULT_PROMPTS_FOLDER;
  const segments = value.trim().replace(/\\/g, '/').split('/').filter((segment) => segment !== '' && segment !== '.');
  if (/^([a-z]:|\/)/i.test(value.trim()) || segments.includes('..')) return '';
  return segments.join('/');
}

function configuredBackends(value: unknown): BackendConfig[] | undefined {
  const { backends } = readBackendConfigs(value);
  return backends.length > 0 ? backends : undefined;
}
