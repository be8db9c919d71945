// Where callers run untrusted code (PAL programs, `javascript` assertions): in a worker thread,
// never in the calling thread. QuickJS's interrupt enforces the time limit between bytecodes; one
// native call (`Array(1e9).fill(0)`, a huge `'x'.repeat(…)`) does not reach the next bytecode, so
// the host also keeps a hard deadline: a worker that has not answered by the limit plus a grace
// period is terminated, its job answers `out of time (… ms)`, and the next job gets a new worker.
// One warm worker is reused (a fresh QuickJS runtime per job still isolates jobs) and runs one job
// at a time; it is started on the first job, and kept referenced only while it owes an answer, so
// an idle worker never keeps the CLI or a test run alive.
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { failedOutcome, type OutcomeOf, type SandboxJob, type SandboxOutcome } from './jobs';
import { SANDBOX_TIME_LIMIT_MS, type SandboxLimits } from './limits';
import type { JobReply, JobRequest } from './sandboxWorkerProtocol';

/** Past the time limit, how long the interrupt has to stop the code before the worker is ended. */
export const SANDBOX_GRACE_MS = 500;
/** How long a new worker may take to start and compile QuickJS before its first job (a loaded
 * machine can take seconds). */
export const SANDBOX_START_LIMIT_MS = 10_000;
/** The worker's V8 heap (its own objects: console lines, results). QuickJS's memory is WebAssembly
 * memory, held to the job's memory limit by QuickJS itself. */
export const SANDBOX_WORKER_HEAP_MB = 128;

export interface SandboxHostOptions {
  /** The worker script. Default: `sandboxWorker.js` beside this file, which is dist/ when bundled
   * (esbuild.mjs writes dist/sandboxWorker.js next to dist/extension.js and dist/cli.js) and
   * out/src/core/sandbox/ when compiled by tsc for the tests. */
  workerPath?: string;
  graceMs?: number;
  startLimitMs?: number;
}

interface Queued {
  id: number;
  job: SandboxJob;
  limits: SandboxLimits;
  resolve(outcome: SandboxOutcome): void;
}

export class SandboxHost {
  private readonly workerPath: string;
  private readonly graceMs: number;
  private readonly startLimitMs: number;
  private worker: Worker | undefined;
  private readonly queue: Queued[] = [];
  private current: { queued: Queued; timer: NodeJS.Timeout; started: boolean } | undefined;
  private nextId = 1;
  private disposed = false;

  constructor(options: SandboxHostOptions = {}) {
    this.workerPath = options.workerPath ?? path.join(__dirname, 'sandboxWorker.js');
    this.graceMs = options.graceMs ?? SANDBOX_GRACE_MS;
    this.startLimitMs = options.startLimitMs ?? SANDBOX_START_LIMIT_MS;
  }

  /** Runs `job` in the worker. Never rejects: every failure is an `{ error }` outcome. */
  run<J extends SandboxJob>(job: J, limits: SandboxLimits = {}): Promise<OutcomeOf<J>> {
    if (this.disposed) return Promise.resolve(failedOutcome(job, 'the sandbox was shut down'));
    return new Promise((resolve) => {
      this.queue.push({ id: this.nextId++, job, limits, resolve: resolve as (outcome: SandboxOutcome) => void });
      this.pump();
    });
  }

  /** Ends the worker; queued and running jobs answer with an error. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.endWorker();
    this.finish('the sandbox was shut down');
    for (const queued of this.queue.splice(0)) queued.resolve(failedOutcome(queued.job, 'the sandbox was shut down'));
  }

  /** Sends the next job when none is running. */
  private pump(): void {
    if (this.current || this.queue.length === 0 || this.disposed) return;
    const queued = this.queue.shift()!;
    let worker: Worker;
    try {
      worker = this.worker ?? this.start();
    } catch (error) {
      queued.resolve(failedOutcome(queued.job, `the sandbox failed: ${asError(error).message}`));
      this.pump();
      return;
    }
    // Until the worker says the job started, the clock is the start limit (a new worker compiles
    // QuickJS first); from then on, the job's own limit plus the grace period.
    const timer = setTimeout(() => this.overdue(), this.startLimitMs);
    this.current = { queued, timer, started: false };
    worker.ref();
    const request: JobRequest = { id: queued.id, job: queued.job, limits: queued.limits };
    worker.postMessage(request);
  }

  private start(): Worker {
    const worker = new Worker(this.workerPath, {
      resourceLimits: { maxOldGenerationSizeMb: SANDBOX_WORKER_HEAP_MB, maxYoungGenerationSizeMb: 16 },
      // The worker's own code needs none of the parent's variables (the code in QuickJS sees none).
      env: {},
    });
    worker.unref();
    worker.on('message', (reply: JobReply) => this.onReply(worker, reply));
    // `error` carries whatever the worker threw, which need not be an Error.
    worker.on('error', (error: unknown) => this.lose(worker, workerFailure(error)));
    worker.on('messageerror', (error) => this.lose(worker, `the sandbox failed: an unreadable message (${error.message})`));
    worker.on('exit', (code) => this.lose(worker, `the sandbox failed: its worker exited (code ${code})`));
    this.worker = worker;
    return worker;
  }

  private onReply(worker: Worker, reply: JobReply): void {
    const current = this.current;
    if (worker !== this.worker || !current || reply.id !== current.queued.id) return;
    if ('started' in reply) {
      clearTimeout(current.timer);
      current.started = true;
      current.timer = setTimeout(() => this.overdue(), (current.queued.limits.timeMs ?? SANDBOX_TIME_LIMIT_MS) + this.graceMs);
      return;
    }
    this.current = undefined;
    clearTimeout(current.timer);
    if (this.queue.length === 0) worker.unref();
    current.queued.resolve(reply.outcome);
    this.pump();
  }

  /** The worker did not answer in time: stuck in a native call (or, before the job started, in
   * starting up). It is ended; the next job gets a new one. */
  private overdue(): void {
    const current = this.current;
    if (!current) return;
    this.endWorker();
    this.finish(current.started
      ? `out of time (${current.queued.limits.timeMs ?? SANDBOX_TIME_LIMIT_MS} ms)`
      : `the sandbox failed: its worker did not start within ${this.startLimitMs} ms`);
    this.pump();
  }

  /** The worker is gone or unusable: the running job fails, the next starts a new worker. An
   * `error` is followed by an `exit`, and an ended worker may still report: only the first event of
   * the current worker counts. */
  private lose(worker: Worker, reason: string): void {
    if (this.worker !== worker) return;
    this.endWorker();
    this.finish(reason);
    this.pump();
  }

  private finish(error: string): void {
    const current = this.current;
    if (!current) return;
    this.current = undefined;
    clearTimeout(current.timer);
    current.queued.resolve(failedOutcome(current.queued.job, error));
  }

  private endWorker(): void {
    const worker = this.worker;
    this.worker = undefined;
    // Terminating one that already exited is harmless.
    worker?.terminate().catch(() => undefined);
  }
}

let shared: SandboxHost | undefined;

/** Runs `job` in the process's one sandbox worker (started on first use). */
export function runSandboxed<J extends SandboxJob>(job: J, limits: SandboxLimits = {}): Promise<OutcomeOf<J>> {
  shared ??= new SandboxHost();
  return shared.run(job, limits);
}

/** A worker that outgrew its heap is a memory limit like QuickJS's own (limitReason reads it). */
function workerFailure(error: unknown): string {
  const failure = asError(error) as Error & { code?: string };
  return failure.code === 'ERR_WORKER_OUT_OF_MEMORY' ? 'the sandbox ran out of memory (its worker\'s heap)' : `the sandbox failed: ${failure.message}`;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
