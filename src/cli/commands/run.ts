import { splitModelId } from '../../backends/registry';
import { runPrompt } from '../../backends/runPrompt';
import type { BackendConfig } from '../../backends/backendConfig';
import { generationConfigOf, mergeGenerationConfig, unsupportedSettings, type GenerationConfig } from '../../core/generationConfig';
import { all, parseArgs, single, UsageError, type ParsedArgs } from '../args';
import type { CliCommand } from '../commands';
import { ExitCode } from '../io';
import { RENDER_OPTIONS, RENDER_USAGE } from '../renderOptions';
import { analyzeForCli } from '../runPromptCommand';
import { cliBackendRegistry, cliBackendServices, ConfigError, readWorkspaceConfig } from '../workspaceConfig';

/** Exit code of a run stopped with Ctrl+C (128 + SIGINT), as shells report it. */
const INTERRUPTED = 130;

const RUN_OPTIONS = {
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
function overridesOf(parsed: ParsedArgs): GenerationConfig {
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

export const runCommand: CliCommand = {
  name: 'run',
  summary: 'Run a .prompt file on a model backend and stream the completion',
  usage: `Usage: prompt-lab run <file> [--backend id | --base-url URL --api-key-env VAR] [--model m] [--model-path file.gguf]
                      [--temperature t] [--top-p p] [--top-k k] [--max-tokens n] [--seed s] [--stop s]… [--logprobs k]
                      [--input key=value]… [--json]

  --backend <id>        A backend from promptlab.config.json, or 'local' (default: the file's
                        model: provider/name, else the config's defaultBackend, else local)
  --base-url <url>      An OpenAI-compatible server instead (e.g. http://127.0.0.1:8080/v1)
  --api-key-env <VAR>   The environment variable holding its API key
  --model <name>        The model (default: the file's, else the backend's defaultModel)
  --model-path <file>   The GGUF file for the local backend (else modelPath, else $PROMPT_LAB_MODEL)
  --config <file>       The backends file (default: ./promptlab.config.json)
  --temperature <t>     0–2            --top-p <p>    0–1           --top-k <k>   ≥ 1
  --max-tokens <n>      ≥ 1            --seed <s>     whole number  --stop <s>    a stop sequence (repeatable)
  --logprobs <k>        Ask for log-probabilities with k alternatives per token (0–20)
${RENDER_USAGE}
  --json                Print the result record (text, finishReason, usage, timings, logprobs, parameters)

The completion streams to stdout; warnings and a summary go to stderr. Ctrl+C stops the run and
keeps what was generated (exit 130). Exit 1 when the prompt or the backend fails.`,
  async run(args, io) {
    const parsed = parseArgs(args, RUN_OPTIONS);
    const overrides = overridesOf(parsed);
    const baseURL = single(parsed, 'base-url');
    if (baseURL !== undefined && parsed.values.has('backend')) throw new UsageError('give --backend or --base-url, not both');
    if (baseURL !== undefined && !/^https?:\/\//.test(baseURL)) throw new UsageError(`--base-url must be an http(s) URL, not '${baseURL}'`);
    if (parsed.values.has('api-key-env') && baseURL === undefined) throw new UsageError('--api-key-env goes with --base-url (configured backends name theirs in apiKeyEnv)');
    let workspace;
    try {
      workspace = await readWorkspaceConfig(single(parsed, 'config'));
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      io.stderr(`prompt-lab run: ${error.message}\n`);
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
      io.stderr(`prompt-lab run: no backend '${backendId}'${single(parsed, 'backend') ? '' : ` (from the file's model '${rendered.model}')`}. Configured: ${registry.list().map((c) => c.id).join(', ')}; add it to ${workspace.file ?? 'promptlab.config.json'} or pass --backend.\n`);
      return ExitCode.usage;
    }
    const modelPath = single(parsed, 'model-path');
    if (modelPath !== undefined) {
      if (config.kind !== 'local') throw new UsageError(`--model-path is for the local backend; backend '${backendId}' is ${config.kind}`);
      registry = cliBackendRegistry([...backends.filter((b) => b.id !== backendId), { ...config, modelPath }], services);
    }
    const model = single(parsed, 'model') ?? (fromFile.backend === backendId || baseURL !== undefined ? fromFile.model : undefined) ?? config.defaultModel ?? '';
    const backend = registry.get(backendId);
    const json = parsed.flags.has('json');

    // Warn before the run starts, so a user sees a dropped setting while the text streams.
    const merged = mergeGenerationConfig(generationConfigOf(rendered.config), overrides);
    const early = unsupportedSettings(merged, backend.supports, backend.id);
    for (const warning of early) io.stderr(`prompt-lab run: warning: ${warning}\n`);

    const controller = new AbortController();
    const onInterrupt = () => controller.abort();
    process.once('SIGINT', onInterrupt);
    let endsWithNewline = true;
    try {
      const result = await runPrompt(backend, { rendered, model, overrides }, {
        signal: controller.signal,
        onToken: json ? undefined : (token) => {
          if (!token.text) return;
          io.stdout(token.text);
          endsWithNewline = token.text.endsWith('\n');
        },
      });
      for (const warning of result.warnings.filter((w) => !early.includes(w))) io.stderr(`prompt-lab run: warning: ${warning}\n`);
      if (json) io.stdout(`${JSON.stringify(result, null, 2)}\n`);
      else if (result.text || !result.error) {
        if (!endsWithNewline) io.stdout('\n');
        const speed = result.tokensPerSecond ? ` · ${result.tokensPerSecond.toFixed(0)} tokens/s` : '';
        io.stderr(`[${result.backend}/${result.model} · finish: ${result.finishReason} · ${result.usage.promptTokens} + ${result.usage.completionTokens} tokens${result.usage.estimated ? ' (estimated)' : ''} · ${Math.round(result.latencyMs)} ms${speed}]\n`);
      }
      if (result.error) io.stderr(`prompt-lab run: error: ${result.error.message}\n`);
      if (result.finishReason === 'abort') return INTERRUPTED;
      return result.error ? ExitCode.findings : ExitCode.ok;
    } finally {
      process.off('SIGINT', onInterrupt);
      await registry.dispose();
    }
  },
};
