// An OpenAI-compatible HTTP server over any Backend (`prompt-lab serve` puts the local GGUF model
// behind it): GET /v1/models, POST /v1/chat/completions and /v1/completions, with SSE streaming,
// n choices, usage, log-probabilities and OpenAI-shaped errors. A client that disconnects aborts its
// generation. Hardened for a port every web page can reach (requestGuard.ts), slow clients (read
// timeouts, a connection cap), floods (a bounded admission, 429) and prompts over the context (400).
// Plain node:http, no framework; it never imports vscode.
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Backend, GenerationRequest, GenerationResult, StreamedToken } from '../backends/backend';
import { Admission, DEFAULT_CONCURRENCY, DEFAULT_MAX_QUEUE, RETRY_AFTER_SECONDS } from './admission';
import { checkContextLength, type PromptMeasurer } from './contextLimit';
import { guardRequest, requireJsonBody, type AccessPolicy } from './requestGuard';
import { chatLogprobs, chunkBody, completionLogprobs, finishReasonOf, responseBody, usageOf, type Envelope } from './responses';
import { ApiError, validateRequest, type Endpoint, type ValidRequest } from './validate';

export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface OpenAIServerOptions extends AccessPolicy {
  /** What generates: only `generate` (with its AbortSignal) is used. */
  backend: Backend;
  /** The model id clients name (GET /v1/models lists it; other names are 404 model_not_found). */
  model: string;
  /** Measures a request's prompt, so one over the context is a 400 before it waits for the model.
   * Without it, the backend alone decides (measureWithModel builds one for the local backend). */
  measure?: PromptMeasurer;
  /** Requests the backend generates at once (default: the backend's `concurrency`, else 2); with
   * `maxQueue` it bounds admission. */
  concurrency?: number;
  /** Requests admitted beyond `concurrency` to wait their turn (default 16); more are a 429. */
  maxQueue?: number;
  /** Larger request bodies are refused with 413. */
  maxBodyBytes?: number;
  /** One line per request (method, path, status, milliseconds). */
  log?: (line: string) => void;
}

const ROUTES: Record<string, Endpoint> = { '/v1/chat/completions': 'chat', '/v1/completions': 'completions' };

const serverError = (message: string) => new ApiError(500, message, null, null, 'server_error');

function sendJson(res: http.ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: http.IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new ApiError(413, `The request body is larger than ${limit} bytes.`, null, 'request_too_large'));
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
    // The client went away part way through its body: nothing will come.
    req.on('close', () => { if (!req.complete) reject(new ApiError(400, 'The request body was not received completely.')); });
  });
}

/** The path of a request target, without its query; undefined for what is not origin-form
 * (`/v1/models`), such as a proxy's absolute URL or `*`. */
function pathOf(target: string | undefined): string | undefined {
  const path = (target ?? '').split('?', 1)[0]!;
  return path.startsWith('/') && !path.startsWith('//') ? path : undefined;
}

function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new ApiError(400, 'Invalid URL: the path has a malformed percent-encoding.', null, 'invalid_url');
  }
}

function generationRequest(request: ValidRequest, index: number): GenerationRequest {
  // Each of n choices samples on its own: with a seed, choice i uses seed + i (reproducible and
  // distinct); without one, the backend draws a fresh seed per request.
  const seed = request.config.seed === undefined ? undefined : request.config.seed + index;
  return {
    model: request.model, messages: request.messages, ...(request.prompt !== undefined ? { prompt: request.prompt } : {}),
    config: { ...request.config, ...(seed !== undefined ? { seed } : {}) },
  };
}

const failureOf = (results: readonly GenerationResult[]) => results.find((result) => result.finishReason === 'error' || (result.error && result.finishReason !== 'abort'));

/** Generates the answer; `signal` aborts when the client goes away. */
async function generate(options: OpenAIServerOptions, endpoint: Endpoint, request: ValidRequest, res: http.ServerResponse, signal: AbortSignal): Promise<void> {
  const envelope: Envelope = { id: `${endpoint === 'chat' ? 'chatcmpl' : 'cmpl'}-${randomBytes(12).toString('hex')}`, created: Math.floor(Date.now() / 1000), model: request.model };
  const wantLogprobs = request.logprobs !== undefined;
  const promptLength = request.prompt?.length ?? 0;
  const choices = Array.from({ length: request.n }, (_, index) => index);

  if (!request.stream) {
    const results = await Promise.all(choices.map((index) => options.backend.generate(generationRequest(request, index), { signal })));
    if (signal.aborted) return;
    const failed = failureOf(results);
    if (failed) return sendJson(res, 500, serverError(`The model failed: ${failed.error?.message ?? 'unknown error'}`).toJSON());
    return sendJson(res, 200, responseBody(endpoint, envelope, results, wantLogprobs, promptLength));
  }

  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
  res.flushHeaders();
  const send = (data: unknown) => { if (!res.destroyed) res.write(`data: ${JSON.stringify(data)}\n\n`); };
  const chunk = (choice: Record<string, unknown>) => send(chunkBody(endpoint, envelope, choice, request.includeUsage));
  const offsets = choices.map(() => promptLength);
  if (endpoint === 'chat') for (const index of choices) chunk({ index, delta: { role: 'assistant', content: '', refusal: null }, logprobs: null, finish_reason: null });
  const onToken = (index: number) => (token: StreamedToken) => {
    if (!token.text && !token.logprob) return;
    const tokens = token.logprob ? [token.logprob] : [];
    if (endpoint === 'chat') chunk({ index, delta: { content: token.text }, logprobs: wantLogprobs ? chatLogprobs(tokens) : null, finish_reason: null });
    else chunk({ index, text: token.text, logprobs: wantLogprobs ? completionLogprobs(tokens, offsets[index]!) : null, finish_reason: null });
    offsets[index]! += token.text.length;
  };
  const results = await Promise.all(choices.map((index) => options.backend.generate(generationRequest(request, index), { signal, onToken: onToken(index) })));
  if (signal.aborted) return void res.end();
  const failed = failureOf(results);
  if (failed) send(serverError(`The model failed: ${failed.error?.message ?? 'unknown error'}`).toJSON());
  else {
    results.forEach((result, index) => chunk(endpoint === 'chat'
      ? { index, delta: {}, logprobs: null, finish_reason: finishReasonOf(result.finishReason) }
      : { index, text: '', logprobs: null, finish_reason: finishReasonOf(result.finishReason) }));
    if (request.includeUsage) send({ ...(chunkBody(endpoint, envelope, {}, false) as object), choices: [], usage: usageOf(results) });
  }
  if (!res.destroyed) res.end('data: [DONE]\n\n');
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/** Measures the prompt (when the server can) and refuses one over the context; then generates. */
async function answer(options: OpenAIServerOptions, endpoint: Endpoint, request: ValidRequest, res: http.ServerResponse, signal: AbortSignal): Promise<void> {
  if (options.measure) {
    const size = await options.measure({ messages: request.messages, ...(request.prompt !== undefined ? { prompt: request.prompt } : {}) })
      .catch((error: unknown) => { throw serverError(`The model could not measure the prompt: ${messageOf(error)}`); });
    if (signal.aborted) return;
    checkContextLength(endpoint, request, size);
  }
  await generate(options, endpoint, request, res, signal);
}

/** The request handler: usable with any http.Server (startOpenAIServer adds the timeouts and the
 * connection cap that only a server can set). */
export function openaiRequestHandler(options: OpenAIServerOptions): http.RequestListener {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  // Unset, the backend's own concurrency (the local model's: its requests at once, each decoded
  // alone, or with `sequences`, joining the running batch at its next step); `maxQueue` more wait.
  const admission = new Admission((options.concurrency ?? options.backend.concurrency ?? DEFAULT_CONCURRENCY) + (options.maxQueue ?? DEFAULT_MAX_QUEUE));
  const modelEntry = { id: options.model, object: 'model', created: 0, owned_by: 'prompt-lab' };
  return (req, res) => {
    const started = performance.now();
    const path = pathOf(req.url);
    res.on('finish', () => options.log?.(`${req.method} ${path ?? '(no path)'} ${res.statusCode} ${Math.round(performance.now() - started)} ms`));
    // The client went away before the answer was complete: whatever was started for it stops.
    const controller = new AbortController();
    res.on('close', () => { if (!res.writableEnded) controller.abort(); });
    const handle = async (): Promise<void> => {
      if (guardRequest(req, res, options) === 'answered') return;
      if (path === undefined) throw new ApiError(404, 'Invalid URL: expected a path such as /v1/chat/completions.');
      if (req.method === 'GET' && path === '/v1/models') return sendJson(res, 200, { object: 'list', data: [modelEntry] });
      if (req.method === 'GET' && path.startsWith('/v1/models/')) {
        const id = decodedSegment(path.slice('/v1/models/'.length));
        if (id === options.model) return sendJson(res, 200, modelEntry);
        throw new ApiError(404, `The model '${id}' does not exist.`, 'model', 'model_not_found');
      }
      const endpoint = ROUTES[path];
      if (!endpoint || req.method !== 'POST') throw new ApiError(endpoint ? 405 : 404, `Invalid URL (${req.method} ${path})`);
      requireJsonBody(req);
      const text = await readBody(req, limit);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new ApiError(400, 'We could not parse the JSON body of your request. The API expects a JSON payload, but what was sent was not valid JSON.', null, 'invalid_json');
      }
      const request = validateRequest(endpoint, body, [options.model]);
      const release = admission.enter();
      // A client that leaves gives its slot back at once, even while the backend is still stopping.
      controller.signal.addEventListener('abort', release, { once: true });
      try {
        if (!controller.signal.aborted) await answer(options, endpoint, request, res, controller.signal);
      } finally {
        release();
      }
    };
    handle().catch((error: unknown) => {
      if (error instanceof ApiError) {
        if (error.status === 429 && !res.headersSent) res.setHeader('retry-after', String(RETRY_AFTER_SECONDS));
        return sendJson(res, error.status, error.toJSON());
      }
      // The details go to the server's log only: a response never carries a stack trace.
      options.log?.(`internal error: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      if (res.headersSent) res.end();
      else sendJson(res, 500, serverError('The server had an error while processing your request.').toJSON());
    });
  };
}

export interface StartedServer {
  server: http.Server;
  /** The base URL clients use, with the real port: http://127.0.0.1:PORT/v1. */
  url: string;
  close(): Promise<void>;
}

/** How long a client gets to send its request, and how many connections may be open. Reading the
 * request is bounded; writing the answer is not (a long generation streams as long as it takes). */
export interface ConnectionLimits {
  /** Milliseconds to receive the request headers (default 10 s). */
  headersTimeoutMs?: number;
  /** Milliseconds to receive the whole request, headers and body (default 30 s); then 408. */
  requestTimeoutMs?: number;
  /** Milliseconds an idle kept-alive connection stays open (default 5 s). */
  keepAliveTimeoutMs?: number;
  /** Open connections at once (default 64); more are closed as they arrive. */
  maxConnections?: number;
}

export const DEFAULT_LIMITS: Required<ConnectionLimits> = { headersTimeoutMs: 10_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000, maxConnections: 64 };

/** Listens on `host` (default 127.0.0.1: loopback only) and `port` (0: any free port). */
export function startOpenAIServer(options: OpenAIServerOptions & ConnectionLimits & { host?: string; port?: number }): Promise<StartedServer> {
  const host = options.host ?? '127.0.0.1';
  const requestTimeout = options.requestTimeoutMs ?? DEFAULT_LIMITS.requestTimeoutMs;
  // Node requires the headers' limit to be no longer than the whole request's.
  const headersTimeout = Math.min(options.headersTimeoutMs ?? DEFAULT_LIMITS.headersTimeoutMs, requestTimeout);
  // Filled once the port is known: the address the server prints is one it answers to.
  const allowHosts = [...(options.allowHosts ?? [])];
  const server = http.createServer({
    requestTimeout, headersTimeout, keepAliveTimeout: options.keepAliveTimeoutMs ?? DEFAULT_LIMITS.keepAliveTimeoutMs,
    // Node checks the two timeouts every 30 s by default: a slow client would get up to 30 s more.
    connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(headersTimeout / 4))),
  }, openaiRequestHandler({ ...options, allowHosts }));
  server.maxConnections = options.maxConnections ?? DEFAULT_LIMITS.maxConnections;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      const { port, address } = server.address() as AddressInfo;
      const shown = address.includes(':') ? `[${address}]` : address;
      allowHosts.push(`${shown}:${port}`);
      resolve({
        server, url: `http://${shown}:${port}/v1`,
        close: () => new Promise((done) => { server.close(() => done()); server.closeAllConnections(); }),
      });
    });
  });
}
