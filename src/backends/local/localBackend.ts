// The `local` backend: an embedded GGUF model through node-llama-cpp, run in a child process
// (localModelHost.ts) so that a native crash or a long evaluation never takes the extension host or
// the CLI with it. Nothing starts until the first request; the model then stays warm while used and
// the child is stopped after an idle period and on dispose. If the child dies, what it owed ends
// with a clear error (partial text kept) and the next request starts a new one. A file that is not
// a plausible GGUF model never gets a process; a load that hangs is stopped after a while, or as
// soon as every request waiting for it was aborted.
import { fork, type ChildProcess } from 'node:child_process';
import { statSync } from 'node:fs';
import type { Socket } from 'node:net';
import * as path from 'node:path';
import type { Backend, ContinueRequest, GenerateOptions, GenerationConfig, GenerationRequest, GenerationResult, NextTokensRequest, NextTokensResult, StreamedToken, TokenLogprob } from '../backend';
import { concurrencyOfBackend, type BackendConfig } from '../backendConfig';
import type { BackendFactory, BackendServices } from '../registry';
import { bundledModelPath } from './bundledModel';
import { ggufHeaderProblem } from './ggufHeader';
import type { HostDistribution, HostGenerateRequest, HostGenerationOutcome, HostModelOptions, HostReply, HostRequest, PromptMeasure } from './protocol';

/** The environment variable that names the GGUF file when the backend's `modelPath` is not set. */
export const MODEL_PATH_ENV = 'PROMPT_LAB_MODEL';
export const DEFAULT_IDLE_MS = 5 * 60_000;
/** How long the child may take to load its model (node-llama-cpp included): the test model takes a
 * few seconds on a busy machine; past a minute the load is taken as stuck (a file whose header lies
 * in a way the parent's check cannot see, a hung read). */
export const DEFAULT_LOAD_TIMEOUT_MS = 60_000;
/** After an abort, how long the child gets to answer with its partial text before we stop waiting. */
const ABORT_GRACE_MS = 2_000;
/** After SIGTERM, how long a child stuck in native code gets before SIGKILL. */
const KILL_GRACE_MS = 2_000;

export interface LocalBackendOptions {
  /** The child's script. Default: `localModelHost.js` beside this file: dist/ when bundled
   * (esbuild.mjs writes it next to extension.js and cli.js), out/src/backends/local/ under tsc. */
  hostPath?: string;
  /** Stop the child (and free the model's memory) after this long without a request. */
  idleMs?: number;
  /** Stop the child, failing what it owed, when its model has not loaded after this long. */
  loadTimeoutMs?: number;
  /** Where `PROMPT_LAB_MODEL` is read from (default: process.env). */
  env?: NodeJS.ProcessEnv;
}

const SUPPORTS: ReadonlySet<keyof GenerationConfig> = new Set<keyof GenerationConfig>([
  'temperature', 'topP', 'topK', 'maxOutputTokens', 'stopSequences', 'seed', 'presencePenalty', 'frequencyPenalty', 'sampling', 'logprobs',
]);

interface Job {
  onToken?: (token: StreamedToken) => void;
  text: string;
  firstTokenAt?: number;
  /** Its signal fired: it waits only for the child's answer (or the grace period). */
  aborted?: boolean;
  settle(reply: { outcome: HostGenerationOutcome } | { error: string; abort?: boolean }): void;
}

interface Call { resolve(answer: unknown): void; reject(error: Error): void }

const HOW_TO_SET_MODEL = `Set one in the setting promptLab.backends (the local backend's "modelPath"), with --model-path <file.gguf> on the command line, or in the environment variable ${MODEL_PATH_ENV}.`;

/** Says where the model comes from, or why there is none, in words a user can act on. */
export function resolveModelPath(config: BackendConfig, env: NodeJS.ProcessEnv = process.env, howToSet = HOW_TO_SET_MODEL): { path: string; bundled?: true } | { error: string } {
  const given = config.modelPath ?? env[MODEL_PATH_ENV];
  const from = config.modelPath !== undefined ? `modelPath of backend '${config.id}'` : MODEL_PATH_ENV;
  if (!given) {
    // Nothing configured: the model in the box, when this build has one (bundledModel.ts).
    const bundled = bundledModelPath(env);
    return bundled ? { path: bundled, bundled: true } : { error: `No model file for the local backend '${config.id}'. ${howToSet}` };
  }
  const file = path.resolve(given);
  let stat;
  try {
    stat = statSync(file);
  } catch {
    return { error: `The local model file ${file} (from ${from}) does not exist. ${howToSet}` };
  }
  // Reading a FIFO or a device would never end; a folder is a likely slip for the file inside it.
  if (stat.isDirectory()) return { error: `The local model file ${file} (from ${from}) is a folder, not a GGUF file. ${howToSet}` };
  if (!stat.isFile()) return { error: `The local model file ${file} (from ${from}) is not a regular file (a pipe, a device or a socket), not a GGUF file. ${howToSet}` };
  return { path: file };
}

/** The environment the child starts with: the parent's own variables only. Node's child_process
 * reads `env` with for-in, so a plain object would also hand over anything added to
 * Object.prototype (NODE_OPTIONS=--import=data:… runs code in the child). */
function childEnvironment(): Record<string, string> {
  const env = Object.create(null) as Record<string, string>;
  for (const key of Object.keys(process.env)) {
    const value = process.env[key];
    if (typeof value === 'string') env[key] = value;
  }
  // In VS Code, run the Electron binary as plain Node.
  env.ELECTRON_RUN_AS_NODE = '1';
  return env;
}

export class LocalBackend implements Backend {
  readonly kind = 'local' as const;
  readonly supports = SUPPORTS;
  private child: ChildProcess | undefined;
  private childModel: string | undefined;
  /** The child said `loaded`: until then, requests wait for the model and the load timer runs. */
  private childLoaded = false;
  private loadTimer: NodeJS.Timeout | undefined;
  private stderrTail = '';
  private readonly jobs = new Map<number, Job>();
  private readonly calls = new Map<number, Call>();
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  private readonly hostPath: string;
  private readonly idleMs: number;
  private readonly loadTimeoutMs: number;
  private readonly env: NodeJS.ProcessEnv;

  constructor(private readonly config: BackendConfig, private readonly services: Pick<BackendServices, 'log'> = {}, options: LocalBackendOptions = {}) {
    this.hostPath = options.hostPath ?? path.join(__dirname, 'localModelHost.js');
    this.idleMs = options.idleMs ?? DEFAULT_IDLE_MS;
    this.loadTimeoutMs = options.loadTimeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS;
    this.env = options.env ?? process.env;
  }

  get id(): string {
    return this.config.id;
  }

  /** Requests the model generates at once (the child's sequences, concurrencyOfBackend); more wait
   * in the child's queue. serve sizes its admission by this. */
  get concurrency(): number {
    return concurrencyOfBackend(this.config);
  }

  /** The child's process id while it runs (diagnostics, and the tests that kill it). */
  get processId(): number | undefined {
    return this.child?.pid;
  }

  generate(request: GenerationRequest, options: GenerateOptions = {}): Promise<GenerationResult> {
    return this.run(request, options);
  }

  /** A branch: the completion after the prompt and `after`, opening with the forced token. */
  continueWith(request: ContinueRequest, options: GenerateOptions = {}): Promise<GenerationResult> {
    return this.run(request, options, { ...(request.after !== undefined ? { after: request.after } : {}), forced: request.forced, ...(request.minP !== undefined ? { minP: request.minP } : {}) });
  }

  /** The model's exact next-token distribution over its whole vocabulary (see localModelHost.ts). */
  async nextTokens(request: NextTokensRequest): Promise<NextTokensResult> {
    const host = await this.call<HostDistribution>((id) => ({
      type: 'nextTokens', id,
      request: {
        messages: request.messages.map(({ role, content }) => ({ role, content })),
        ...(request.prompt !== undefined ? { prompt: request.prompt } : {}),
        ...(request.after !== undefined ? { after: request.after } : {}),
        ...(request.top !== undefined ? { top: request.top } : {}),
      },
    }));
    return { kind: 'distribution', distribution: { ...host, backend: this.id, model: this.modelName(request.model) } };
  }

  private modelName(requested: string): string {
    const modelPath = resolveModelPath(this.config, this.env);
    return requested || ('path' in modelPath ? path.basename(modelPath.path, '.gguf') : 'local');
  }

  private async run(request: GenerationRequest, options: GenerateOptions, branch?: Pick<HostGenerateRequest, 'after' | 'forced' | 'minP'>): Promise<GenerationResult> {
    const started = performance.now();
    const modelPath = resolveModelPath(this.config, this.env);
    const model = this.modelName(request.model);
    const result = (outcome: Partial<HostGenerationOutcome> & { text: string; finishReason: GenerationResult['finishReason'] }, job?: Job, error?: string): GenerationResult => {
      const latencyMs = performance.now() - started;
      const completionTokens = outcome.completionTokens ?? 0;
      return {
        text: outcome.text,
        finishReason: outcome.finishReason,
        usage: { promptTokens: outcome.promptTokens ?? 0, completionTokens, estimated: false },
        latencyMs,
        ...(job?.firstTokenAt !== undefined ? { timeToFirstTokenMs: job.firstTokenAt - started } : {}),
        // Decoding speed: from the prompt's evaluation to the last token, without loading the model.
        ...(outcome.generationMs && completionTokens > 0 ? { tokensPerSecond: completionTokens / (outcome.generationMs / 1000) } : {}),
        ...(outcome.logprobs ? { logprobs: outcome.logprobs as TokenLogprob[] } : {}),
        backend: this.id,
        model,
        parameters: outcome.parameters ?? {},
        warnings: [],
        ...(error !== undefined ? { error: { message: error, retriable: false } } : {}),
      };
    };
    if ('error' in modelPath) return result({ text: '', finishReason: 'error' }, undefined, modelPath.error);
    if (options.signal?.aborted) return result({ text: '', finishReason: 'abort' });
    const unfit = await this.modelFileProblem(modelPath.path);
    if (unfit) return result({ text: '', finishReason: 'error' }, undefined, unfit);
    if (options.signal?.aborted) return result({ text: '', finishReason: 'abort' });

    const id = this.nextId++;
    return new Promise<GenerationResult>((resolve) => {
      let graceTimer: NodeJS.Timeout | undefined;
      const onAbort = () => {
        job.aborted = true;
        if (this.abandonLoad()) return;
        this.post({ type: 'abort', id });
        graceTimer = setTimeout(() => job.settle({ error: 'aborted', abort: true }), ABORT_GRACE_MS);
      };
      const job: Job = {
        text: '',
        ...(options.onToken ? { onToken: options.onToken } : {}),
        settle: (reply) => {
          if (!this.jobs.delete(id)) return;
          clearTimeout(graceTimer);
          options.signal?.removeEventListener('abort', onAbort);
          this.whenIdle();
          if ('outcome' in reply) resolve(result(reply.outcome, job, reply.outcome.error));
          else if (reply.abort || options.signal?.aborted) resolve(result({ text: job.text, finishReason: 'abort' }, job));
          else resolve(result({ text: job.text, finishReason: 'error' }, job, reply.error));
        },
      };
      this.jobs.set(id, job);
      options.signal?.addEventListener('abort', onAbort, { once: true });
      try {
        if ('bundled' in modelPath) this.noteBundled(modelPath.path);
        this.ensureChild(modelPath.path);
        this.post({ type: 'generate', id, request: { messages: request.messages, ...(request.prompt !== undefined ? { prompt: request.prompt } : {}), config: request.config, ...branch } });
      } catch (error) {
        job.settle({ error: `the local model process could not start: ${(error as Error).message}` });
      }
    });
  }

  /** Token counts of `texts` with the model's own tokenizer (no BOS token added), in order. Loads
   * the model like a generation does; rejects when no model is set or the child dies. */
  countTokens(texts: readonly string[]): Promise<number[]> {
    return this.call<number[]>((id) => ({ type: 'countTokens', id, texts: [...texts] }), texts.length === 0 ? [] : undefined);
  }

  /** `messages` as this model's prompt: its tokens (BOS or chat template included) and the context
   * size they share with the completion. Loads the model like a generation does. */
  measurePrompt(messages: readonly { role: string; content: string }[]): Promise<PromptMeasure> {
    return this.call<PromptMeasure>((id) => ({ type: 'measurePrompt', id, messages: messages.map(({ role, content }) => ({ role, content })) }));
  }

  /** The prompt as this model's tokens (BOS or chat template included), each with its text in place. */
  tokenizePrompt(messages: readonly { role: string; content: string }[], prompt?: string): Promise<{ tokens: { id: number; text: string; bytes?: number[] }[]; mode: 'completion' | 'chat' }> {
    return this.call((id) => ({ type: 'tokenize', id, messages: messages.map(({ role, content }) => ({ role, content })), ...(prompt !== undefined ? { prompt } : {}) }));
  }

  /** A request the child answers with one reply (`counted`, `measured`) or `failed`. */
  private async call<T>(request: (id: number) => HostRequest, nothingToAsk?: T): Promise<T> {
    const modelPath = resolveModelPath(this.config, this.env);
    if ('error' in modelPath) throw new Error(modelPath.error);
    if (nothingToAsk !== undefined) return nothingToAsk;
    const unfit = await this.modelFileProblem(modelPath.path);
    if (unfit) throw new Error(unfit);
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      this.calls.set(id, { resolve: resolve as (answer: unknown) => void, reject });
      try {
        if ('bundled' in modelPath) this.noteBundled(modelPath.path);
        this.ensureChild(modelPath.path);
        this.post(request(id));
      } catch (error) {
        this.calls.delete(id);
        reject(error as Error);
      }
    });
  }

  /** Why `modelPath` must not be given to a new child (not a regular file, an implausible GGUF
   * header); nothing to say when a child already runs it. */
  private async modelFileProblem(modelPath: string): Promise<string | undefined> {
    if (this.child && this.childModel === modelPath) return undefined;
    try {
      return await ggufHeaderProblem(modelPath);
    } catch (error) {
      return `the model ${modelPath} could not be read: ${(error as Error).message}`;
    }
  }

  /** When the model has not loaded yet and every request waiting for it was aborted, a user who
   * pressed Stop on a load that may never end gets the process back: the child is stopped and those
   * requests end as aborted. True when it did so. */
  private abandonLoad(): boolean {
    const child = this.child;
    if (!child || this.childLoaded || this.calls.size > 0) return false;
    const jobs = [...this.jobs.values()];
    if (!jobs.every((job) => job.aborted)) return false;
    this.lose(child, 'aborted while the model was loading');
    return true;
  }

  async dispose(): Promise<void> {
    clearTimeout(this.idleTimer);
    const child = this.child;
    this.lose(child, 'the local backend was disposed');
    if (child && child.exitCode === null && child.signalCode === null) {
      await new Promise<void>((resolve) => {
        const force = setTimeout(() => child.kill('SIGKILL'), 2_000);
        child.once('exit', () => { clearTimeout(force); resolve(); });
        child.kill('SIGTERM');
      });
    }
  }

  /** Says once per process start that no model was configured and the model in the box runs. */
  private noteBundled(modelPath: string): void {
    if (this.child && this.childModel === modelPath) return;
    this.services.log?.(`local backend '${this.id}': no model configured, running the model in the box, ${path.basename(modelPath)} (${modelPath}): a tiny story model; set a GGUF file for real work`);
  }

  private ensureChild(modelPath: string): ChildProcess {
    clearTimeout(this.idleTimer);
    if (this.child && this.childModel !== modelPath) this.stopChild(this.child);
    if (this.child) {
      this.busy(this.child);
      return this.child;
    }
    const options: HostModelOptions = {
      modelPath,
      threads: this.config.threads ?? 1,
      sequences: this.concurrency,
      // Solo unless batching was asked for: a seeded text then never depends on its neighbours.
      perContext: this.config.sequences ?? 1,
      ...(this.config.contextSize !== undefined ? { contextSize: this.config.contextSize } : {}),
    };
    const child = fork(this.hostPath, [JSON.stringify(options)], {
      // No inherited --inspect or loader flags.
      execArgv: [],
      env: childEnvironment(),
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      serialization: 'json',
    });
    this.child = child;
    this.childModel = modelPath;
    this.childLoaded = false;
    this.stderrTail = '';
    clearTimeout(this.loadTimer);
    this.loadTimer = setTimeout(() => {
      if (this.child === child && !this.childLoaded) this.lose(child, `the model ${modelPath} did not load within ${this.loadTimeoutMs / 1000} s`);
    }, this.loadTimeoutMs);
    // Owed answers keep the process alive through the child (busy); the timer alone never does.
    this.loadTimer.unref();
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => { this.stderrTail = (this.stderrTail + chunk).slice(-2_000); });
    child.on('message', (reply: HostReply) => this.onReply(reply));
    child.on('error', (error) => this.lose(child, `the local model process failed: ${error.message}`));
    child.on('exit', (code, signal) => {
      const detail = this.stderrTail.trim().split('\n').slice(-3).join(' / ');
      this.lose(child, `the local model process exited unexpectedly (${signal ? `signal ${signal}` : `code ${code}`})${detail ? `: ${detail}` : ''}`);
    });
    this.busy(child);
    return child;
  }

  /** Sends to the running child; a child that is gone is reported by its `exit` event, not here. */
  private post(message: HostRequest): void {
    const child = this.child;
    if (child?.connected) child.send(message, () => undefined);
  }

  private onReply(reply: HostReply): void {
    if (reply.type === 'loaded') {
      this.childLoaded = true;
      clearTimeout(this.loadTimer);
      this.services.log?.(`local model ${this.childModel} loaded in ${reply.loadMs} ms (${reply.hasChatTemplate ? 'chat template' : 'no chat template: completion mode'}; ${reply.sequences} sequences of ${reply.contextSize} tokens, ${reply.perContext > 1 ? `decoded together ${reply.perContext} per context` : 'each decoded alone'})`);
    } else if (reply.type === 'token') {
      const job = this.jobs.get(reply.id);
      if (!job) return;
      job.firstTokenAt ??= performance.now();
      job.text += reply.token.text;
      job.onToken?.(reply.token);
    } else if (reply.type === 'done') {
      this.jobs.get(reply.id)?.settle({ outcome: reply.outcome });
    } else if (reply.type === 'counted' || reply.type === 'measured' || reply.type === 'distribution' || reply.type === 'tokenized') {
      const call = this.calls.get(reply.id);
      this.calls.delete(reply.id);
      call?.resolve(reply.type === 'counted' ? reply.counts : reply.type === 'measured' ? reply.measure
        : reply.type === 'distribution' ? reply.distribution : { tokens: reply.tokens, mode: reply.mode });
      this.whenIdle();
    } else if (reply.type === 'failed') {
      this.jobs.get(reply.id)?.settle({ error: reply.error });
      const call = this.calls.get(reply.id);
      this.calls.delete(reply.id);
      call?.reject(new Error(reply.error));
      this.whenIdle();
    }
  }

  /** The child is gone (or being stopped): end everything it owed; the next request starts anew. */
  private lose(child: ChildProcess | undefined, reason: string): void {
    if (!child || this.child !== child) return;
    this.child = undefined;
    this.childModel = undefined;
    clearTimeout(this.loadTimer);
    this.stopChild(child);
    for (const job of [...this.jobs.values()]) job.settle({ error: reason });
    const calls = [...this.calls.values()];
    this.calls.clear();
    for (const call of calls) call.reject(new Error(reason));
  }

  private stopChild(child: ChildProcess): void {
    if (this.child === child) this.child = undefined;
    if (child.connected) child.disconnect();
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      // A child stuck in native code (a hung load) may not act on SIGTERM.
      const force = setTimeout(() => child.kill('SIGKILL'), KILL_GRACE_MS);
      force.unref();
      child.once('exit', () => clearTimeout(force));
    }
  }

  /** Owed answers keep the process (the CLI, a test run) alive; an idle child never does. */
  private busy(child: ChildProcess): void {
    child.ref();
    child.channel?.ref();
    (child.stderr as Socket | null)?.ref();
  }

  private whenIdle(): void {
    const child = this.child;
    if (!child || this.jobs.size > 0 || this.calls.size > 0) return;
    child.unref();
    child.channel?.unref();
    (child.stderr as Socket | null)?.unref();
    clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.child === child && this.jobs.size === 0 && this.calls.size === 0) this.lose(child, 'idle');
    }, this.idleMs);
    this.idleTimer.unref();
  }
}

export const createLocalBackend: BackendFactory = (config, services) => new LocalBackend(config, services);
