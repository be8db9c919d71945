import * as path from 'node:path';
import { LocalBackend, MODEL_PATH_ENV, resolveModelPath } from '../../backends/local/localBackend';
import { startOpenAIServer } from '../../serve/openaiServer';
import { parseArgs, single, UsageError } from '../args';
import type { CliCommand } from '../commands';
import { ExitCode } from '../io';

function whole(text: string | undefined, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not '${text}'`);
  return value;
}

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Serve a local GGUF model over the OpenAI API (chat, completions, streaming)',
  usage: `Usage: prompt-lab serve --model <file.gguf> [--host 127.0.0.1] [--port 8080] [--concurrency n] [--context-size n] [--threads n]

  --model <file>        The GGUF model file (else $PROMPT_LAB_MODEL); its file name is the model id
  --host <address>      Where to listen (default 127.0.0.1: this machine only)
  --port <n>            The port (default 8080; 0 picks a free one, printed)
  --concurrency <n>     Requests generated at once (default 2)
  --context-size <n>    Tokens per request's context (default: the model's, at most 4096)
  --threads <n>         CPU threads (default 1)

Endpoints: GET /v1/models, POST /v1/chat/completions, POST /v1/completions (stream, stop, seed,
max_tokens, n, temperature, top_p, top_k, logprobs, stream_options.include_usage). Ctrl+C stops.`,
  async run(args, io) {
    const parsed = parseArgs(args, {
      model: { value: true }, host: { value: true }, port: { value: true },
      concurrency: { value: true }, 'context-size': { value: true }, threads: { value: true },
    });
    if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument '${parsed.positionals[0]}'`);
    const port = whole(single(parsed, 'port'), 'port', 0, 65535) ?? 8080;
    const concurrency = whole(single(parsed, 'concurrency'), 'concurrency', 1, 64);
    const contextSize = whole(single(parsed, 'context-size'), 'context-size', 16);
    const threads = whole(single(parsed, 'threads'), 'threads', 1, 256);
    const config = {
      id: 'local', kind: 'local' as const,
      ...(single(parsed, 'model') !== undefined ? { modelPath: single(parsed, 'model')! } : {}),
      ...(concurrency !== undefined ? { concurrency } : {}), ...(contextSize !== undefined ? { contextSize } : {}), ...(threads !== undefined ? { threads } : {}),
    };
    const modelPath = resolveModelPath(config, process.env, `Give one with --model <file.gguf> or in the environment variable ${MODEL_PATH_ENV}.`);
    if ('error' in modelPath) throw new UsageError(modelPath.error);
    const log = (line: string) => io.stderr(`${line}\n`);
    const backend = new LocalBackend(config, { log });
    try {
      // Load now: a file that is not a model fails here, not on the first request.
      await backend.countTokens(['']);
    } catch (error) {
      io.stderr(`prompt-lab serve: the model did not load: ${(error as Error).message}\n`);
      await backend.dispose();
      return ExitCode.findings;
    }
    const model = path.basename(modelPath.path, '.gguf');
    let started;
    try {
      started = await startOpenAIServer({ backend, model, host: single(parsed, 'host') ?? '127.0.0.1', port, log });
    } catch (error) {
      io.stderr(`prompt-lab serve: cannot listen: ${(error as Error).message}\n`);
      await backend.dispose();
      return ExitCode.findings;
    }
    io.stdout(`Serving ${model} at ${started.url} (OpenAI API; Ctrl+C to stop)\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await started.close();
    await backend.dispose();
    return ExitCode.ok;
  },
};
