// What `run` and `compare` share: the backend and sampling flags, and the engine's host on the
// command line. Where the prompt runs is the engine's resolution (src/engine/target.ts) under the
// flags' pins (--backend, --base-url, --model); its problems become messages and exit codes here.
import { apiKeyEnvProblem, type BackendConfig } from '../backends/backendConfig';
import { existsSync } from 'node:fs';
import { readFile, realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { MODEL_PATH_ENV, resolveModelPath } from '../backends/local/localBackend';
import type { BackendRegistry } from '../backends/registry';
import { isInsideFolder } from '../core/folders';
import { findConfigKey, settingProblem } from '../core/frontmatterKeys';
import type { GenerationConfig } from '../core/generationConfig';
import { judgePromptReader, judgePromptRoot } from '../core/eval/judgePrompts';
import { countInProcess } from '../core/promptTokens';
import type { RenderRequest } from '../core/render';
import type { EngineHost } from '../engine/host';
import type { EngineProblem } from '../engine/problems';
import { loadPrompt, renderLoaded, type PreparedPrompt, type RenderedPrompt } from '../engine/prompt';
import { cacheFolderOf, fileCacheStore } from '../engine/responseCache';
import { resolveTarget, targetProblem } from '../engine/target';
import { all, single, UsageError, type ParsedArgs } from './args';
import { formatDiagnostic, inputProblemLines, toFileDiagnostic } from './diagnosticsOutput';
import { errnoWords, FileError, modelFileProblem } from './fileErrors';
import { fileEnvironment } from './fileEnvironment';
import { ExitCode, type CliIO } from './io';
import { promptPath, RENDER_OPTIONS, renderRequest } from './renderOptions';
import { readPromptFile } from './promptFiles';
import { cliBackendRegistry, cliBackendServices, ConfigError, readWorkspaceConfig } from './workspaceConfig';
import { nodeRetrievalSource } from '../core/patterns/retrieval/nodeSource';
import type { RetrievalSource } from '../core/patterns/retrieval/source';

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

/** A generation setting's flag, held to the range of its frontmatter key (frontmatterKeys.ts): the
 * one rule the check, the flags and the comparison axes share, in the same words. */
function setting(parsed: ParsedArgs, name: string, key: keyof GenerationConfig): number | undefined {
  const text = single(parsed, name);
  if (text === undefined) return undefined;
  const value = text.trim() === '' ? NaN : Number(text);
  const problem = settingProblem(key, value, `--${name}`);
  if (problem) throw new UsageError(Number.isFinite(value) ? problem : `--${name} must be ${findConfigKey(key)!.range}, not '${text}'`);
  return value;
}

/** The run's settings from flags: they win over the prompt's `config`. */
export function overridesOf(parsed: ParsedArgs): GenerationConfig {
  const whole = (n: number) => Number.isInteger(n);
  const config: GenerationConfig = {
    temperature: setting(parsed, 'temperature', 'temperature'),
    topP: setting(parsed, 'top-p', 'topP'),
    topK: setting(parsed, 'top-k', 'topK'),
    maxOutputTokens: setting(parsed, 'max-tokens', 'maxOutputTokens'),
    seed: setting(parsed, 'seed', 'seed'),
    logprobs: number(parsed, 'logprobs', (n) => whole(n) && n >= 0 && n <= 20, 'a whole number from 0 to 20'),
    ...(parsed.values.has('stop') ? { stopSequences: all(parsed, 'stop') } : {}),
  };
  return Object.fromEntries(Object.entries(config).filter(([, value]) => value !== undefined)) as GenerationConfig;
}


/** The most tokens a CLI run generates when nothing sets maxOutputTokens (not a flag, not the
 * prompt's config, not a comparison axis). 512 holds a long answer of a chat model (a page of text)
 * yet stops a base model that never ends its text within seconds, not after filling its whole
 * context (the test model wrote 2,047 tokens on an empty prompt). It is sent as a setting, so the
 * result's parameters and the comparison record show it. */
export const DEFAULT_MAX_OUTPUT_TOKENS = 512;

/** The cap to add when neither the prompt's config nor the flags set maxOutputTokens, else undefined. */
export function defaultOutputCap(fileConfig: Record<string, unknown>, overrides: GenerationConfig): number | undefined {
  return fileConfig.maxOutputTokens === undefined && overrides.maxOutputTokens === undefined ? DEFAULT_MAX_OUTPUT_TOKENS : undefined;
}

export const outputCapNote = (command: string, cap: number): string =>
  `prompt-lab ${command}: note: output capped at ${cap} tokens, as nothing sets maxOutputTokens (give --max-tokens or config.maxOutputTokens)\n`;

/** A warning when the rendered prompt has no text at all: the model would get nothing to answer. */
export function emptyPromptWarning(command: string, rendered: { text: readonly { content: string }[] }): string | undefined {
  return rendered.text.every((message) => message.content.trim() === '')
    ? `prompt-lab ${command}: warning: the rendered prompt is empty: the model is sent no text\n`
    : undefined;
}

export interface CliTarget {
  /** The prompt, rendered with the flags' inputs, on its backend and model. */
  prepared: PreparedPrompt;
  /** What the engine asks of the CLI; its registry is the target's. */
  host: EngineHost;
  /** Dispose it when done: it owns the backends (a local model's process). */
  registry: BackendRegistry;
}

/** A text file by path; undefined when there is none. */
async function readTextFile(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return undefined;
    throw new Error(errnoWords(error), { cause: error });
  }
}

/** What an eval adds to the host: the working folder's judge prompts and response cache. */
export interface CliEvalOptions {
  /** Keep responses in <working folder>/.promptlab/cache. */
  cache?: boolean;
  /** The working folder (default: the process's). */
  cwd?: string;
}

/** The engine's host on the command line: files by path, partials beside the file and in
 * --prompts-dir, keys from environment variables (the registry's services), notes to stderr.
 * Code assertions may run (the user runs the CLI on their own files); a judge prompt in
 * <working folder>/.promptlab/judges/<name>.prompt wins over the built-in one. */
/** How a CLI user sets the local model (the extension's setting is named as the README names it). */
export const CLI_HOW_TO_SET_MODEL = `Give --model-path <file.gguf>, set "modelPath" of a local backend in promptlab.config.json, or set the environment variable ${MODEL_PATH_ENV} (in VS Code: the setting promptLab.local.modelPath).`;

/** Why a local backend's model cannot be loaded, naming where its path came from: --model-path, the
 * config file's backend, or the environment variable; undefined when it can (or it is not local). */
export function cliLocalModelProblem(config: BackendConfig, modelPathFlag: string | undefined, configFile: string | undefined): string | undefined {
  if (config.kind !== 'local') return undefined;
  const given = config.modelPath ?? process.env[MODEL_PATH_ENV];
  if (!given) {
    const resolved = resolveModelPath(config, process.env, CLI_HOW_TO_SET_MODEL);
    return 'error' in resolved ? resolved.error : undefined;
  }
  const from = config.modelPath === undefined ? `the environment variable ${MODEL_PATH_ENV}`
    : modelPathFlag !== undefined && config.modelPath === modelPathFlag ? '--model-path'
      : `"modelPath" of backend '${config.id}' in ${configFile ?? 'promptlab.config.json'}`;
  return modelFileProblem(given, from, CLI_HOW_TO_SET_MODEL);
}

function cliHost(parsed: ParsedArgs, io: CliIO, command: string, registry: () => BackendRegistry, defaultBackend: string, evalOptions: CliEvalOptions = {}, configFile?: string): EngineHost {
  const cwd = evalOptions.cwd ?? process.cwd();
  const builtInJudge = judgePromptReader(judgePromptRoot(__dirname));
  // Files the engine finds beside a prompt (variants, datasets) were not named by the user: like partials, they
  // are read only when their real path is inside the prompt's folder (a cloned repository's
  // `story.formal.prompt -> ~/.ssh/id_rsa` must not be read and sent).
  const siblings = new Set<string>();
  const refuseLinkOut = async (file: string) => {
    if (siblings.has(file) && existsSync(file) && !isInsideFolder(await realpath(file), await realpath(path.dirname(file)))) {
      throw new UsageError(`${file} is a link to a file outside its folder; refused`);
    }
  };
  // Retrieval searches the working folder (one source, so its index is kept for every run of this
  // process: an eval's rows rank against one index, listed again at most every 2 s).
  let retrieval: RetrievalSource | undefined;
  return {
    retrievalSource: () => retrieval ??= nodeRetrievalSource(cwd, { relistAfterMs: 2000 }),
    readText: async (file) => {
      await refuseLinkOut(file);
      return readTextFile(file);
    },
    allowCode: true,
    judgePrompt: async (name) => (await readTextFile(path.join(cwd, '.promptlab', 'judges', `${name}.prompt`))) ?? builtInJudge(name),
    ...(evalOptions.cache ? { responseCache: fileCacheStore(cacheFolderOf(cwd)) } : {}),
    readPrompt: async (file) => {
      if (!existsSync(file)) return undefined;
      await refuseLinkOut(file);
      return { ref: file, fileName: path.basename(file), text: await readPromptFile(file) };
    },
    beside: (file, fileName) => {
      const sibling = path.join(path.dirname(file), fileName);
      siblings.add(sibling);
      return sibling;
    },
    environment: (file) => fileEnvironment(file, all(parsed, 'prompts-dir')),
    get backends() { return registry(); },
    defaultBackend,
    localModelProblem: (config) => cliLocalModelProblem(config, single(parsed, 'model-path'), configFile),
    // In this thread: a token table loads in milliseconds (src/core/tokens/tiktokenFiles.ts), and a
    // worker's own start-up (a new isolate) cost a comparison more than the counting (issue 15). Until
    // that table, building tiktoken's tokenizer blocked for ~0.4 s and the CLI counted in a worker.
    countTexts: countInProcess,
    log: (line) => io.stderr(`prompt-lab ${command}: note: ${line}\n`),
  };
}

/** A prompt that cannot be checked or rendered, as `render` reports it: where, and exit 1. */
export function reportPromptProblem(io: CliIO, file: string, problem: EngineProblem, inputFile?: string): number {
  if (problem.kind === 'prompt-broken') {
    for (const diagnostic of problem.diagnostics) io.stderr(`${formatDiagnostic(toFileDiagnostic(file, diagnostic))}\n`);
  } else if (problem.kind === 'input') {
    for (const line of inputProblemLines(file, problem.problems, inputFile)) io.stderr(`${line}\n`);
  } else {
    io.stderr(`${file}: ${problem.message}\n`);
  }
  return ExitCode.findings;
}

/** Reads, checks and renders `file` with the flags' inputs; the problem when it cannot be. */
export async function renderForCli(host: EngineHost, file: string, request: RenderRequest): Promise<RenderedPrompt | { problem: EngineProblem }> {
  const loaded = await loadPrompt(host, file);
  if ('problem' in loaded) {
    if (loaded.problem.kind === 'no-prompt') throw new FileError(`cannot read '${file}': no such file`);
    return loaded;
  }
  return renderLoaded(host, loaded, request);
}

/** How a command renders its prompt before it is placed (default: with the flags' inputs). */
export type CliRender = (host: EngineHost, file: string, request: RenderRequest) => Promise<RenderedPrompt | { problem: EngineProblem } | number>;

/** Renders the prompt and picks its backend and model; an exit code when that fails. */
export async function resolveCliTarget(parsed: ParsedArgs, io: CliIO, command: string, render: CliRender = renderForCli, evalOptions: CliEvalOptions = {}): Promise<CliTarget | number> {
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

  const backends: BackendConfig[] = [...workspace.backends];
  const apiKeyEnv = single(parsed, 'api-key-env');
  if (baseURL !== undefined) backends.push({ id: 'cli', kind: 'openai', baseURL, ...(apiKeyEnv ? { apiKeyEnv } : {}) });
  const services = cliBackendServices(process.env);
  let registry = cliBackendRegistry(backends, services);
  // Where a model id without a backend runs (`gpt-4o`): --backend or --base-url's, else the config's
  // defaultBackend, else local.
  const pinned = baseURL !== undefined ? 'cli' : single(parsed, 'backend');
  const host = cliHost(parsed, io, command, () => registry, pinned ?? workspace.defaultBackend ?? 'local', evalOptions, workspace.file);

  const file = promptPath(parsed);
  const rendered = await render(host, file, await renderRequest(parsed));
  if (typeof rendered === 'number') return rendered;
  if ('problem' in rendered) return reportPromptProblem(io, file, rendered.problem, single(parsed, 'input-file'));
  const model = single(parsed, 'model');
  const fileModel = rendered.rendered.model ?? rendered.checked.frontmatter.model;
  const target = resolveTarget(host, fileModel, rendered.fileName, {
    ...(pinned !== undefined ? { backend: pinned } : {}), ...(model !== undefined ? { model } : {}), keepModelName: baseURL !== undefined,
  });
  if ('problem' in target) {
    const problem = target.problem as Extract<EngineProblem, { kind: 'no-backend' }>;
    io.stderr(`prompt-lab ${command}: no backend '${problem.backend}'${single(parsed, 'backend') ? '' : ` (from the file's model '${fileModel}')`}. Configured: ${problem.configured.join(', ')}; add it to ${workspace.file ?? 'promptlab.config.json'} or pass --backend.\n`);
    return ExitCode.usage;
  }
  const modelPath = single(parsed, 'model-path');
  if (modelPath !== undefined) {
    if (target.config.kind !== 'local') throw new UsageError(`--model-path is for the local backend; backend '${target.backendId}' is ${target.config.kind}`);
    target.config = { ...target.config, modelPath };
    registry = cliBackendRegistry([...backends.filter((b) => b.id !== target.backendId), target.config], services);
  }
  // A local backend without its model fails as a run would (exit 1), before anything starts.
  const problem = targetProblem(host, target, rendered.fileName);
  if (problem) {
    io.stderr(`prompt-lab ${command}: error: ${problem.message}\n`);
    return ExitCode.findings;
  }
  // Nothing configured: the model in the box runs, and the user is told which and how to change it.
  const local = target.config.kind === 'local' ? resolveModelPath(target.config) : undefined;
  if (local && 'bundled' in local) {
    io.stderr(`prompt-lab ${command}: note: no model configured: running the model in the box, ${path.basename(local.path)} (a tiny story model; give --model-path or ${MODEL_PATH_ENV} for real work)\n`);
  }
  // Created now: a backend a config file may not send keys to is refused before anything runs
  // (ConfigError → exit 2), also when the first use would be a token count.
  registry.get(target.backendId);
  return { prepared: { ...rendered, target }, host, registry };
}
