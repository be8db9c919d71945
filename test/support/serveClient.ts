// What the serve tests share: a backend that generates on command (no model, so the tests of the
// server's own rules are fast and exact), and raw HTTP requests and sockets, which can send what a
// web page, a slow client or a broken one sends (any Host, Origin, body, or half a request).
import * as http from 'node:http';
import * as net from 'node:net';
import type { Backend, GenerateOptions, GenerationRequest, GenerationResult } from '../../src/backends/backend';

/** A generation the fake backend was asked for, and how it ended. */
export interface FakeCall {
  request: GenerationRequest;
  signal: AbortSignal | undefined;
  finishReason?: GenerationResult['finishReason'];
}

/** Generates `tokens` pieces `tokenMs` apart, each call after `hold` resolves (open by default);
 * stops at once on abort, or with `stopsLate` only once released (a backend slow to stop). */
export class FakeBackend implements Backend {
  readonly id = 'fake';
  readonly kind = 'local' as const;
  readonly supports = new Set<never>();
  readonly calls: FakeCall[] = [];
  tokens = 3;
  tokenMs = 0;
  stopsLate = false;
  /** Requests it says it generates at once (a local backend's sequences), when set. */
  concurrency?: number;
  private hold: Promise<void> = Promise.resolve();
  private open: () => void = () => undefined;

  /** Calls wait until `release()`. */
  holdAll(): void {
    this.hold = new Promise((resolve) => { this.open = resolve; });
  }

  release(): void {
    this.open();
    this.hold = Promise.resolve();
  }

  async generate(request: GenerationRequest, options: GenerateOptions = {}): Promise<GenerationResult> {
    const call: FakeCall = { request, signal: options.signal };
    this.calls.push(call);
    const aborted = new Promise<void>((resolve) => options.signal?.addEventListener('abort', () => resolve(), { once: true }));
    const wait = (ms: number) => Promise.race([new Promise<void>((resolve) => setTimeout(resolve, ms)), aborted]);
    let text = '';
    await (this.stopsLate ? this.hold : Promise.race([this.hold, aborted]));
    for (let i = 0; i < this.tokens && !options.signal?.aborted; i++) {
      if (this.tokenMs > 0) await wait(this.tokenMs);
      if (options.signal?.aborted) break;
      text += `t${i} `;
      options.onToken?.({ text: `t${i} ` });
    }
    call.finishReason = options.signal?.aborted ? 'abort' : 'length';
    return {
      text, finishReason: call.finishReason, usage: { promptTokens: 5, completionTokens: text.split(' ').length - 1, estimated: false },
      latencyMs: 1, backend: this.id, model: request.model, parameters: {}, warnings: [],
    };
  }
}

export interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  text: string;
}

/** One request on its own connection, with exactly the headers given (Host included). */
export function request(port: number, init: { method?: string; path?: string; headers?: Record<string, string>; body?: string; signal?: AbortSignal }): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({
      host: '127.0.0.1', port, method: init.method ?? 'GET', path: init.path ?? '/v1/models', agent: false,
      headers: { host: `127.0.0.1:${port}`, ...init.headers }, ...(init.signal ? { signal: init.signal } : {}),
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => { text += chunk; });
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** A JSON POST from a well-behaved client. */
export const postJson = (port: number, path: string, body: unknown, headers: Record<string, string> = {}, signal?: AbortSignal) =>
  request(port, { method: 'POST', path, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), ...(signal ? { signal } : {}) });

/** A raw TCP connection: what it received, and when it was closed. */
export interface RawSocket {
  socket: net.Socket;
  received(): string;
  closed: Promise<number>;
}

export function rawSocket(port: number): Promise<RawSocket> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let received = '';
    const socket = net.connect(port, '127.0.0.1', () => resolve({ socket, received: () => received, closed }));
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => { received += chunk; });
    socket.on('error', () => undefined);
    const closed = new Promise<number>((done) => socket.on('close', () => done(performance.now() - started)));
    socket.once('error', reject);
  });
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The `error` object of an OpenAI-shaped error body, checked for its shape. */
export function errorOf(response: RawResponse): { message: string; type: string; param: string | null; code: string | null } {
  const body = JSON.parse(response.text) as { error: { message: string; type: string; param: string | null; code: string | null } };
  if (Object.keys(body).join() !== 'error' || Object.keys(body.error).sort().join() !== 'code,message,param,type') throw new Error(`not an OpenAI error: ${response.text}`);
  return body.error;
}
