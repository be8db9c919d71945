import * as path from 'node:path';
import { LocalBackend, MODEL_PATH_ENV, resolveModelPath } from '../../backends/local/localBackend';
import { DEFAULT_MAX_QUEUE } from '../../serve/admission';
import { measureWithModel } from '../../serve/contextLimit';
import { DEFAULT_LIMITS, startOpenAIServer } from '../../serve/openaiServer';
import { all, parseArgs, single, UsageError } from '../args';
import type { CliCommand } from '../commands';
import { ExitCode } from '../io';

function whole(text: string | undefined, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new UsageError(`--${name} must be a whole number from ${min} to ${max}, not '${text}'`);
  return value;
}

/** Where the server's API key comes from when --api-key is not given (safer: not in `ps`). */
export const API_KEY_ENV = 'PROMPT_LAB_SERVE_API_KEY';

function originOf(text: string): string {
  let url: URL | undefined;
  try {
    url = new URL(text);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:') || url.origin !== text) {
    throw new UsageError(`--allow-origin must be an origin such as http://localhost:5173 (scheme, host and port if not the default; no path or trailing slash), not '${text}'`);
  }
  return text;
}

/** Loopback addresses and names: nothing outside this machine can connect. */
const isLoopback = (host: string) => /^127\.\d+\.\d+\.\d+$/.test(host) || host === '::1' || host === '[::1]' || host.toLowerCase() === 'localhost';

export const serveCommand: CliCommand = {
  name: 'serve',
  summary: 'Serve a local GGUF model over the OpenAI API (chat, completions, streaming)',
  usage: `Usage: prompt-lab serve --model <file.gguf> [--host 127.0.0.1] [--port 8080] [--concurrency n] [--max-queue n]
                        [--sequences n] [--context-size n] [--threads n] [--api-key <key>] [--allow-origin <origin>]...
                        [--allow-host <host:port>]... [--max-connections n]

  --model <file>           The GGUF model file (else $PROMPT_LAB_MODEL); its file name is the model id
  --host <address>         Where to listen (default 127.0.0.1: this machine only)
  --port <n>               The port (default 8080; 0 picks a free one, printed)
  --concurrency <n>        Requests generated at once (default 2, each decoded alone; with --sequences, that many)
  --sequences <n>          Decode up to n requests together, as sequences of one context (faster on larger
                           models; a seeded text may differ from the same seed run alone)
  --max-queue <n>          Requests waiting beyond those (default ${DEFAULT_MAX_QUEUE}); more get 429 and retry-after
  --context-size <n>       Tokens per request's context (default: the model's, at most 4096)
  --threads <n>            CPU threads (default 1)
  --api-key <key>          Require Authorization: Bearer <key> (else $${API_KEY_ENV}, which keeps the
                           key out of the process list); without one, anything that reaches the port may use it
  --allow-origin <origin>  Let web pages from this origin (e.g. http://localhost:5173) call the server (CORS);
                           repeatable. Requests from any other page are refused (403)
  --allow-host <host:port> Also answer to this Host header (a forwarded port, a LAN name); repeatable.
                           By default only 127.0.0.1, localhost, [::1] and the listening address, with the port
  --max-connections <n>    Open connections at once (default ${DEFAULT_LIMITS.maxConnections})

Endpoints: GET /v1/models, POST /v1/chat/completions, POST /v1/completions (stream, stop, seed,
max_tokens, n, temperature, top_p, top_k, logprobs, stream_options.include_usage). Bodies must be
Content-Type: application/json. A request must arrive within ${DEFAULT_LIMITS.requestTimeoutMs / 1000} s (generation itself is not limited).
Ctrl+C stops.`,
  async run(args, io) {
    const parsed = parseArgs(args, {
      model: { value: true }, host: { value: true }, port: { value: true },
      concurrency: { value: true }, sequences: { value: true }, 'context-size': { value: true }, threads: { value: true },
      'max-queue': { value: true }, 'max-connections': { value: true }, 'api-key': { value: true },
      'allow-origin': { value: true, repeat: true }, 'allow-host': { value: true, repeat: true },
    });
    if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument '${parsed.positionals[0]}'`);
    const port = whole(single(parsed, 'port'), 'port', 0, 65535) ?? 8080;
    const concurrency = whole(single(parsed, 'concurrency'), 'concurrency', 1, 64);
    const sequences = whole(single(parsed, 'sequences'), 'sequences', 1, 64);
    const contextSize = whole(single(parsed, 'context-size'), 'context-size', 16);
    const threads = whole(single(parsed, 'threads'), 'threads', 1, 256);
    const maxQueue = whole(single(parsed, 'max-queue'), 'max-queue', 0, 10_000);
    const maxConnections = whole(single(parsed, 'max-connections'), 'max-connections', 1, 100_000);
    const allowOrigins = all(parsed, 'allow-origin').map(originOf);
    const allowHosts = all(parsed, 'allow-host');
    for (const allowed of allowHosts) if (!/^[^\s/@]+$/.test(allowed)) throw new UsageError(`--allow-host must be a Host header value such as myhost.lan:8080, not '${allowed}'`);
    // An empty variable counts as unset. The key itself is never printed, also not in errors.
    const apiKey = single(parsed, 'api-key') ?? (process.env[API_KEY_ENV] || undefined);
    if (apiKey !== undefined && !/^\S+$/.test(apiKey)) throw new UsageError(`the API key (${single(parsed, 'api-key') !== undefined ? '--api-key' : API_KEY_ENV}) must be one word: not empty, no spaces`);
    const host = single(parsed, 'host') ?? '127.0.0.1';
    const config = {
      id: 'local', kind: 'local' as const,
      ...(single(parsed, 'model') !== undefined ? { modelPath: single(parsed, 'model')! } : {}),
      ...(concurrency !== undefined ? { concurrency } : {}), ...(sequences !== undefined ? { sequences } : {}),
      ...(contextSize !== undefined ? { contextSize } : {}), ...(threads !== undefined ? { threads } : {}),
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
      started = await startOpenAIServer({
        backend, model, host, port, log, measure: measureWithModel(backend), allowOrigins, allowHosts,
        // Unset, the server admits as many at once as the backend generates (its concurrency).
        ...(concurrency !== undefined ? { concurrency } : {}),
        ...(apiKey !== undefined ? { apiKey } : {}), ...(maxQueue !== undefined ? { maxQueue } : {}), ...(maxConnections !== undefined ? { maxConnections } : {}),
      });
    } catch (error) {
      io.stderr(`prompt-lab serve: cannot listen: ${(error as Error).message}\n`);
      await backend.dispose();
      return ExitCode.findings;
    }
    if (!isLoopback(host) && apiKey === undefined) {
      io.stderr(`prompt-lab serve: warning: listening on ${host} without an API key: anyone who can reach this port can use the model. Set one with --api-key or ${API_KEY_ENV}.\n`);
    }
    io.stdout(`Serving ${model} at ${started.url} (OpenAI API${apiKey !== undefined ? '; API key required' : ''}; Ctrl+C to stop)\n`);
    await new Promise<void>((resolve) => {
      process.once('SIGINT', resolve);
      process.once('SIGTERM', resolve);
    });
    await started.close();
    await backend.dispose();
    return ExitCode.ok;
  },
};
