// An OpenAI-compatible HTTP server over any Backend (`prompt-lab serve` puts the local GGUF model
// behind it): GET /v1/models, POST /v1/chat/completions and /v1/completions, with SSE streaming,
// n choices, usage, log-probabilities and OpenAI-shaped errors. A client that disconnects aborts its
// generation. Plain node:http, no framework; it never imports vscode.
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Backend, GenerationRequest, GenerationResult, StreamedToken } from '../backends/backend';
import { chatLogprobs, chunkBody, completionLogprobs, finishReasonOf, responseBody, usageOf, type Envelope } from './responses';
import { ApiError, validateRequest, type Endpoint, type ValidRequest } from './validate';

export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

export interface OpenAIServerOptions {
  backend: Backend;
  /** The model id clients name (GET /v1/models lists it; other names are 404 model_not_found). */
  model: string;
  /** Larger request bodies are refused with 413. */
  maxBodyBytes?: number;
  /** One line per request (method, path, status, milliseconds). */
  log?: (line: string) => void;
}

const ROUTES: Record<string, Endpoint> = { '/v1/chat/completions': 'chat', '/v1/completions': 'completions' };

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
  });
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

async function generate(options: OpenAIServerOptions, endpoint: Endpoint, request: ValidRequest, res: http.ServerResponse): Promise<void> {
  const controller = new AbortController();
  // The client went away before the answer was complete: stop generating for it.
  res.on('close', () => { if (!res.writableEnded) controller.abort(); });
  const envelope: Envelope = { id: `${endpoint === 'chat' ? 'chatcmpl' : 'cmpl'}-${randomBytes(12).toString('hex')}`, created: Math.floor(Date.now() / 1000), model: request.model };
  const wantLogprobs = request.logprobs !== undefined;
  const promptLength = request.prompt?.length ?? 0;
  const choices = Array.from({ length: request.n }, (_, index) => index);

  if (!request.stream) {
    const results = await Promise.all(choices.map((index) => options.backend.generate(generationRequest(request, index), { signal: controller.signal })));
    if (controller.signal.aborted) return;
    const failed = failureOf(results);
    if (failed) return sendJson(res, 500, new ApiError(500, `The model failed: ${failed.error?.message ?? 'unknown error'}`, null, null, 'server_error').toJSON());
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
  const results = await Promise.all(choices.map((index) => options.backend.generate(generationRequest(request, index), { signal: controller.signal, onToken: onToken(index) })));
  if (controller.signal.aborted) return void res.end();
  const failed = failureOf(results);
  if (failed) send(new ApiError(500, `The model failed: ${failed.error?.message ?? 'unknown error'}`, null, null, 'server_error').toJSON());
  else {
    results.forEach((result, index) => chunk(endpoint === 'chat'
      ? { index, delta: {}, logprobs: null, finish_reason: finishReasonOf(result.finishReason) }
      : { index, text: '', logprobs: null, finish_reason: finishReasonOf(result.finishReason) }));
    if (request.includeUsage) send({ ...(chunkBody(endpoint, envelope, {}, false) as object), choices: [], usage: usageOf(results) });
  }
  if (!res.destroyed) res.end('data: [DONE]\n\n');
}

/** The request handler: usable with any http.Server. */
export function openaiRequestHandler(options: OpenAIServerOptions): http.RequestListener {
  const limit = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const modelEntry = { id: options.model, object: 'model', created: 0, owned_by: 'prompt-lab' };
  return (req, res) => {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'http://localhost');
    res.on('finish', () => options.log?.(`${req.method} ${url.pathname} ${res.statusCode} ${Math.round(performance.now() - started)} ms`));
    const handle = async (): Promise<void> => {
      if (req.method === 'GET' && url.pathname === '/v1/models') return sendJson(res, 200, { object: 'list', data: [modelEntry] });
      if (req.method === 'GET' && url.pathname.startsWith('/v1/models/')) {
        const id = decodeURIComponent(url.pathname.slice('/v1/models/'.length));
        if (id === options.model) return sendJson(res, 200, modelEntry);
        throw new ApiError(404, `The model '${id}' does not exist.`, 'model', 'model_not_found');
      }
      const endpoint = ROUTES[url.pathname];
      if (!endpoint || req.method !== 'POST') throw new ApiError(endpoint ? 405 : 404, `Invalid URL (${req.method} ${url.pathname})`);
      const text = await readBody(req, limit);
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        throw new ApiError(400, 'We could not parse the JSON body of your request. The API expects a JSON payload, but what was sent was not valid JSON.', null, 'invalid_json');
      }
      await generate(options, endpoint, validateRequest(endpoint, body, [options.model]), res);
    };
    handle().catch((error: unknown) => {
      if (error instanceof ApiError) return sendJson(res, error.status, error.toJSON());
      options.log?.(`internal error: ${error instanceof Error ? error.stack ?? error.message : String(error)}`);
      if (res.headersSent) res.end();
      else sendJson(res, 500, new ApiError(500, 'The server had an error while processing your request.', null, null, 'server_error').toJSON());
    });
  };
}

export interface StartedServer {
  server: http.Server;
  /** The base URL clients use, with the real port: http://127.0.0.1:PORT/v1. */
  url: string;
  close(): Promise<void>;
}

/** Listens on `host` (default 127.0.0.1: loopback only) and `port` (0: any free port). */
export function startOpenAIServer(options: OpenAIServerOptions & { host?: string; port?: number }): Promise<StartedServer> {
  const host = options.host ?? '127.0.0.1';
  const server = http.createServer(openaiRequestHandler(options));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      const { port, address } = server.address() as AddressInfo;
      const shown = address.includes(':') ? `[${address}]` : address;
      resolve({
        server, url: `http://${shown}:${port}/v1`,
        close: () => new Promise((done) => { server.close(() => done()); server.closeAllConnections(); }),
      });
    });
  });
}
