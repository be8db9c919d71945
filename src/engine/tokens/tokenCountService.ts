// Token counts computed off the calling thread: tokenizer work runs in a worker_threads Worker
// (tokenWorker.ts), started on the first request, never on activation. The extension counts here so
// the extension host never stalls on a long document. (The CLI counts in its own thread since its
// token tables load in milliseconds: a worker's start-up cost a comparison more, issue 15.) If the
// worker dies, what it owed is rejected and the next request starts a new one.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { TokenCountRequest, WorkerPiece, WorkerReply, WorkerRequest } from './tokenWorkerProtocol';

export type { TokenCountRequest, WorkerPiece } from './tokenWorkerProtocol';

export interface TokenCountServiceOptions {
  /** The worker script. Default: `tokenWorker.js` beside this file, which is dist/ when bundled
   * (esbuild.mjs writes dist/tokenWorker.js next to dist/extension.js and dist/cli.js) and
   * out/src/engine/tokens/ when compiled by tsc for the tests. */
  workerPath?: string;
}

type Answer = { counts: number[]; pieces?: WorkerPiece[][] };

interface Pending {
  resolve(answer: Answer): void;
  reject(error: Error): void;
}

export class TokenCountService {
  private readonly workerPath: string;
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private disposed = false;

  constructor(options: TokenCountServiceOptions = {}) {
    this.workerPath = options.workerPath ?? path.join(__dirname, 'tokenWorker.js');
  }

  /** The token count of each text, in order. Rejects if the encoding is unknown, the worker dies
   * before answering, or the service is disposed. */
  count(request: TokenCountRequest): Promise<number[]> {
    return this.ask({ encoding: request.encoding, texts: request.texts }).then((answer) => answer.counts);
  }

  /** Each text's tokens (id and text), in order: what the panel shows as token chips. */
  pieces(request: TokenCountRequest): Promise<WorkerPiece[][]> {
    return this.ask({ ...request, pieces: true }).then((answer) => answer.pieces ?? request.texts.map(() => []));
  }

  private ask(request: TokenCountRequest): Promise<Answer> {
    if (this.disposed) return Promise.reject(new Error('the token count service is disposed'));
    if (request.texts.length === 0) return Promise.resolve({ counts: [], pieces: [] });
    return new Promise<Answer>((resolve, reject) => {
      const id = this.nextId++;
      try {
        const worker = this.worker ?? this.start();
        this.pending.set(id, { resolve, reject });
        // Referenced only while it owes answers: an idle worker never keeps a process (the CLI, a
        // test run) alive, and a pending count is not dropped by a process that thinks it is done.
        if (this.pending.size === 1) worker.ref();
        const message: WorkerRequest = { id, encoding: request.encoding, texts: request.texts, ...(request.pieces ? { pieces: true } : {}) };
        worker.postMessage(message);
      } catch (error) {
        this.pending.delete(id);
        reject(asError(error));
      }
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const worker = this.worker;
    this.worker = undefined;
    if (worker) stop(worker);
    this.rejectAll(new Error('the token count service was disposed'));
  }

  private start(): Worker {
    const worker = new Worker(this.workerPath);
    worker.unref();
    worker.on('message', (reply: WorkerReply) => this.settle(worker, reply));
    // `error` carries whatever the worker threw, which need not be an Error.
    worker.on('error', (error: unknown) => this.lose(worker, `the token worker failed: ${asError(error).message}`));
    worker.on('messageerror', (error) => this.lose(worker, `the token worker sent an unreadable message: ${error.message}`));
    worker.on('exit', (code) => this.lose(worker, `the token worker exited (code ${code})`));
    this.worker = worker;
    return worker;
  }

  private settle(worker: Worker, reply: WorkerReply): void {
    const pending = this.pending.get(reply.id);
    if (!pending) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) worker.unref();
    if (reply.ok) pending.resolve({ counts: reply.counts, ...(reply.pieces ? { pieces: reply.pieces } : {}) });
    else pending.reject(new Error(reply.error));
  }

  /** The worker is gone or unusable: reject what it owed; the next count() starts a new one. An
   * `error` is followed by an `exit`, and a worker already replaced may still report: only the
   * first event of the current worker counts. */
  private lose(worker: Worker, reason: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    stop(worker);
    this.rejectAll(new Error(reason));
  }

  private rejectAll(error: Error): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const { reject } of pending) reject(error);
  }
}

/** Ends a worker without waiting; terminating one that already exited is harmless. */
function stop(worker: Worker): void {
  worker.terminate().catch(() => undefined);
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
