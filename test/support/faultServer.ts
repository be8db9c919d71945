// A local server that speaks OpenAI's chat-completions protocol (JSON and SSE streaming, usage,
// logprobs) and misbehaves on cue: each request takes the next scripted fault, and runs normally
// (or as `options.fault` says) once the script is used up. It records every request (path, query,
// headers, body, arrival time) so tests can check what was sent, where, and how long a client
// waited between retries. Gates hold streams part way until the test opens them, so a test can act
// while requests are provably running, on a fast machine or a slow one.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  /** A normal completion; `usage: false` leaves usage out even when the client asks for it. */
  | { kind: 'ok'; tokens?: string[]; usage?: boolean; finishReason?: string }
  /** An error status with OpenAI's error JSON (or `rawBody`), and extra headers (Retry-After…). */
  | { kind: 'status'; status: number; headers?: Record<string, string>; message?: string; type?: string; code?: string; rawBody?: string; echoCredentials?: boolean }
  /** Reads the request and never answers. */
  | { kind: 'hang' }
  /** Answers 200 and streams `afterChunks` content chunks, then stalls without closing. */
  | { kind: 'stall'; afterChunks: number }
  /** Streams `afterChunks` content chunks, then destroys the socket (a connection reset). */
  | { kind: 'reset'; afterChunks: number }
  /** Garbage lines (ignored by SSE) and, after `afterChunks` chunks, a data line of invalid JSON. */
  | { kind: 'malformed'; afterChunks: number; invalidJson?: boolean }
  /** 200 with a content-type of JSON and a body that is not JSON (and not SSE). */
  | { kind: 'invalidJson' }
  /** A redirect to `location` (307 keeps the POST). */
  | { kind: 'redirect'; location: string; status?: number }
  /** A normal stream that stops before content chunk `at[g]` until gate `g` is opened (`openGate`),
   * then goes on; past the last gate it finishes as 'ok' does. */
  | { kind: 'gated'; at: number[] };

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: Record<string, unknown> | undefined;
  rawBody: string;
  at: number;
}

export interface FaultServer {
  /** `http://127.0.0.1:<port>/v1`: a baseURL for the openai client. */
  readonly url: string;
  readonly origin: string;
  readonly requests: RecordedRequest[];
  /** Queues faults for the next requests, in order. */
  script(...faults: Fault[]): void;
  /** Clears the script and the recorded requests (gates stay as they are). */
  reset(): void;
  /** Streams waiting at gate `gate` now. */
  waitingAt(gate: number): number;
  /** Resolves once `count` streams wait at gate `gate` (rejects after `timeoutMs`, saying how many do). */
  whenWaiting(gate: number, count: number, timeoutMs?: number): Promise<void>;
  /** Lets every stream waiting at gate `gate` go on, and every later one pass it. */
  openGate(gate: number): void;
  close(): Promise<void>;
}

export interface FaultServerOptions {
  /** The reply, token by token (default: "Hello, world! How are you?"). */
  tokens?: string[];
  /** Milliseconds between stream chunks (default 5), so a client can abort part way. */
  chunkDelayMs?: number;
  /** The reply to a request, token by token, from its body (overrides `tokens`): so each request of
   * a comparison can say which cell it is. */
  replyOf?: (body: Record<string, unknown>) => string[];
  /** What a request does once the script is used up (default: 'ok'). */
  fault?: Fault;
  /** The answer to a request when no fault is queued for it: chosen by what was asked (an eval's
   * scripted completions and judge verdicts). Undefined: the default completion. */
  respondTo?: (body: Record<string, unknown>) => Fault | undefined;
}

export const DEFAULT_TOKENS = ['Hello', ',', ' world', '!', ' How', ' are', ' you', '?'];

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Log-probabilities the server reports: the chosen token first among `k` alternatives. */
export function logprobOf(token: string, index: number, k: number) {
  const logprob = -0.05 * (index + 1);
  const top = Array.from({ length: k }, (_, j) => (j === 0 ? { token, logprob } : { token: `${token}~${j}`, logprob: logprob - j }));
  return { token, logprob, bytes: [...Buffer.from(token)], top_logprobs: top.map((t) => ({ ...t, bytes: [...Buffer.from(t.token)] })) };
}

export async function startFaultServer(options: FaultServerOptions = {}): Promise<FaultServer> {
  const requests: RecordedRequest[] = [];
  let queue: Fault[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const chunkDelayMs = options.chunkDelayMs ?? 5;
  const gates = new Map<number, { open: boolean; waiting: number; release: (() => void)[] }>();
  let gateWatchers: (() => void)[] = [];
  const gate = (index: number) => {
    let found = gates.get(index);
    if (!found) gates.set(index, found = { open: false, waiting: 0, release: [] });
    return found;
  };
  /** Resolves when gate `index` is open: at once, or when the test opens it. */
  async function pass(index: number): Promise<void> {
    const held = gate(index);
    if (held.open) return;
    held.waiting++;
    for (const watcher of gateWatchers) watcher();
    await new Promise<void>((resolve) => held.release.push(resolve));
    held.waiting--;
  }

  const server = http.createServer((req, res) => {
    let raw = '';
    req.setEncoding('utf8');
    req.on('data', (data: string) => { raw += data; });
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      let body: Record<string, unknown> | undefined;
      try { body = raw ? JSON.parse(raw) as Record<string, unknown> : undefined; } catch { body = undefined; }
      requests.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, body, rawBody: raw, at: Date.now() });
      const fault = queue.shift() ?? options.respondTo?.(body ?? {}) ?? options.fault ?? { kind: 'ok' };
      respond(fault, body ?? {}, req, res).catch(() => res.destroy());
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function respond(fault: Fault, body: Record<string, unknown>, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    switch (fault.kind) {
      case 'hang': return;
      case 'status': {
        // A careless server quoting the credentials it got back, in its error message.
        const echoed = fault.echoCredentials ? ` (you sent: ${String(req.headers.authorization ?? req.headers['api-key'])})` : '';
        const payload = fault.rawBody ?? JSON.stringify({ error: { message: (fault.message ?? `status ${fault.status}`) + echoed, type: fault.type ?? 'server_error', param: null, code: fault.code ?? null } });
        res.writeHead(fault.status, { 'content-type': fault.rawBody ? 'text/html' : 'application/json', ...fault.headers });
        res.end(payload);
        return;
      }
      case 'redirect':
        res.writeHead(fault.status ?? 307, { location: fault.location });
        res.end();
        return;
      case 'invalidJson':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"id": "chatcmpl-broken", "choices": [ {"message": ');
        return;
      default:
        return complete(fault, body, res);
    }
  }

  async function complete(fault: Exclude<Fault, { kind: 'hang' | 'status' | 'redirect' | 'invalidJson' }>, body: Record<string, unknown>, res: http.ServerResponse) {
    const allTokens = (fault.kind === 'ok' ? fault.tokens : undefined) ?? options.replyOf?.(body) ?? options.tokens ?? DEFAULT_TOKENS;
    const maxTokens = (body.max_completion_tokens ?? body.max_tokens) as number | undefined;
    const tokens = maxTokens !== undefined ? allTokens.slice(0, maxTokens) : allTokens;
    const finishReason = fault.kind === 'ok' && fault.finishReason ? fault.finishReason : maxTokens !== undefined && maxTokens < allTokens.length ? 'length' : 'stop';
    const k = body.logprobs === true ? Number(body.top_logprobs ?? 0) : undefined;
    const model = String(body.model ?? 'fault-model');
    const base = { id: 'chatcmpl-fault', created: Math.floor(Date.now() / 1000), model, system_fingerprint: 'fp_fault' };
    const usage = { prompt_tokens: 11, completion_tokens: tokens.length, total_tokens: 11 + tokens.length };
    const withUsage = !(fault.kind === 'ok' && fault.usage === false);

    if (body.stream !== true) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({
        ...base, object: 'chat.completion',
        choices: [{ index: 0, message: { role: 'assistant', content: tokens.join(''), refusal: null }, finish_reason: finishReason, logprobs: k === undefined ? null : { content: tokens.map((t, i) => logprobOf(t, i, k)), refusal: null } }],
        ...(withUsage ? { usage } : {}),
      }));
      return;
    }

    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
    // Resolves once the data is handed to the socket, so a reset after it cannot swallow it.
    const send = (data: unknown) => new Promise<void>((resolve) => {
      res.write(`data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`, () => resolve());
    });
    const chunk = (delta: Record<string, unknown>, extra: Record<string, unknown> = {}) =>
      send({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, logprobs: null, finish_reason: null, ...extra }] });

    await chunk({ role: 'assistant', content: '' });
    for (const [i, token] of tokens.entries()) {
      if ((fault.kind === 'reset' || fault.kind === 'stall' || fault.kind === 'malformed') && i === fault.afterChunks) {
        if (fault.kind === 'reset') { res.socket?.destroy(); return; }
        if (fault.kind === 'stall') return;
        res.write(': a comment line\nthis line is garbage\nnot-a-field\n\n');
        if (fault.invalidJson !== false) { await send('{"choices": [ {"delta": {"content": "x"'); res.end(); return; }
      }
      if (fault.kind === 'gated' && fault.at.includes(i)) {
        await pass(fault.at.indexOf(i));
        if (res.destroyed) return; // the client gave up meanwhile
      }
      await sleep(chunkDelayMs);
      if (res.destroyed) return;
      await chunk({ content: token }, { logprobs: k === undefined ? null : { content: [logprobOf(token, i, k)], refusal: null } });
    }
    await chunk({}, { finish_reason: finishReason });
    const streamOptions = body.stream_options as { include_usage?: boolean } | undefined;
    if (withUsage && streamOptions?.include_usage) await send({ ...base, object: 'chat.completion.chunk', choices: [], usage });
    await send('[DONE]');
    res.end();
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/v1`,
    origin,
    requests,
    script: (...faults) => { queue.push(...faults); },
    reset: () => { queue = []; requests.length = 0; },
    waitingAt: (index) => gates.get(index)?.waiting ?? 0,
    whenWaiting: (index, count, timeoutMs = 30_000) => new Promise<void>((resolve, reject) => {
      const check = () => {
        if (gate(index).waiting < count) return;
        clearTimeout(timer);
        gateWatchers = gateWatchers.filter((watcher) => watcher !== check);
        resolve();
      };
      const timer = setTimeout(() => {
        gateWatchers = gateWatchers.filter((watcher) => watcher !== check);
        reject(new Error(`${gate(index).waiting} of ${count} streams wait at gate ${index} after ${timeoutMs} ms (${requests.length} requests)`));
      }, timeoutMs);
      gateWatchers.push(check);
      check();
    }),
    openGate: (index) => {
      const opened = gate(index);
      opened.open = true;
      for (const release of opened.release.splice(0)) release();
    },
    close: () => new Promise<void>((resolve) => {
      for (const held of gates.values()) for (const release of held.release.splice(0)) release();
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    }),
  };
}
