// The `openai` and `azure-openai` backends: chat completions streamed through the official `openai`
// package (v6: no Node engine floor, plain fetch, so it runs on Node 20 and in VS Code's extension
// host alike). One client per run, built with the key fetched for that run; nothing is read from
// the environment (OPENAI_BASE_URL & co. would otherwise redirect requests and keys).
import OpenAI, { APIConnectionTimeoutError, APIError, AzureOpenAI } from 'openai';
import type { Stream } from 'openai/streaming';
import type { Backend, GenerateOptions, GenerationRequest, GenerationResult, ListModelsOptions, ModelInfo, NextTokensRequest, NextTokensResult, TokenLogprob } from '../backend';
import { backendOrigin, type BackendConfig } from '../backendConfig';
import type { BackendFactory, BackendServices } from '../registry';
import { describeFailure, keyHint, scrubSecrets, type FailureRecord } from './failures';
import { chatCompletionParams, OPENAI_MAX_TOP_LOGPROBS, OPENAI_SUPPORTS, recordedParameters } from './requestParams';
import { estimateUsage } from './usage';
import { listServerModels } from './listModels';
import { originGuardedFetch, RetryGaveUp, withRetries } from './transport';

type Chunk = OpenAI.Chat.ChatCompletionChunk;

export const DEFAULT_TIMEOUT_MS = 60_000;
export const DEFAULT_MAX_RETRIES = 2;
/** The latest GA version of Azure OpenAI's data-plane inference API with `stream_options` and
 * `max_completion_tokens` (both arrived in 2024-09-01-preview). */
export const DEFAULT_AZURE_API_VERSION = '2024-10-21';
/** Sent to the SDK when a loopback server needs no key; stripped before the request leaves. */
const NO_KEY = 'prompt-lab-no-key';

const FINISH: Record<string, GenerationResult['finishReason']> = {
  stop: 'stop', length: 'length', content_filter: 'content_filter', tool_calls: 'tool_calls', function_call: 'tool_calls',
};

function isLoopback(origin: string): boolean {
  const host = new URL(origin).hostname;
  return host === 'localhost' || host === '[::1]' || /^127\./.test(host);
}

class OpenAIProtocolBackend implements Backend {
  readonly supports = OPENAI_SUPPORTS;
  readonly id: string;
  private readonly origin: string | undefined;

  constructor(readonly kind: 'openai' | 'azure-openai', private readonly config: BackendConfig, private readonly services: BackendServices) {
    this.id = config.id;
    this.origin = backendOrigin(config);
  }

  async generate(request: GenerationRequest, options: GenerateOptions = {}): Promise<GenerationResult> {
    const started = Date.now();
    const config = this.config;
    const azure = this.kind === 'azure-openai';
    const model = request.model || (azure ? config.deployment : config.defaultModel) || '';
    const host = this.origin ? new URL(this.origin).host : String(azure ? config.endpoint : config.baseURL);
    const officialApi = azure || host === 'api.openai.com';
    const { body, warnings } = chatCompletionParams({ ...request, model }, { id: config.id, officialApi });
    const result: GenerationResult = {
      text: '', finishReason: 'error', usage: { promptTokens: 0, completionTokens: 0, estimated: true },
      latencyMs: 0, backend: config.id, model, parameters: recordedParameters(body), warnings,
    };
    let key: string | undefined;
    const log = (message: string) => this.services.log?.(scrubSecrets(`[${config.id}] ${message}`, key));
    const fail = (error: FailureRecord): GenerationResult => {
      result.error = { ...error, message: scrubSecrets(error.message, key) };
      result.finishReason = 'error';
      result.latencyMs = Date.now() - started;
      log(result.error.message);
      return result;
    };

    if (!this.origin) return fail({ message: `Backend '${config.id}' has no valid ${azure ? 'endpoint' : 'baseURL'}: set an http(s) URL in its settings`, retriable: false });
    if (azure && !model) return fail({ message: `Backend '${config.id}' names no Azure deployment: set "deployment" in its settings or name one in the prompt's model`, retriable: false });
    try {
      key = (await this.services.apiKey(config)) || undefined;
    } catch (error) {
      return fail({ message: `Could not read the key for backend '${config.id}': ${error instanceof Error ? error.name : 'error'}`, retriable: false });
    }
    if (!key && !isLoopback(this.origin)) {
      return fail({ message: `No API key for backend '${config.id}' (${host}) — ${keyHint(config)}`, retriable: false });
    }

    const signal = options.signal ?? new AbortController().signal;
    const timeoutMs = config.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    const maxRetries = config.maxRetries ?? DEFAULT_MAX_RETRIES;
    let client: OpenAI;
    try {
      client = this.client(key ?? NO_KEY, !key, timeoutMs, log);
    } catch (error) {
      return fail({ message: `Backend '${config.id}' is not set up right: ${error instanceof Error ? error.message : String(error)}`, retriable: false });
    }
    const context = { config, host, origin: this.origin, timeoutMs, retries: 0, received: 0 };

    let stream: Stream<Chunk>;
    try {
      stream = await withRetries(() => client.chat.completions.create(body, { signal, timeout: timeoutMs, maxRetries: 0 }), {
        maxRetries, signal, log,
        describe: (error) => error instanceof APIError && error.status !== undefined ? `${error.status} from ${host}`
          : error instanceof APIConnectionTimeoutError ? `no answer from ${host} within ${timeoutMs} ms` : `could not reach ${host}`,
      });
    } catch (error) {
      const gaveUp = error instanceof RetryGaveUp ? error : new RetryGaveUp(error, 0);
      if (signal.aborted) return this.finish(result, 'abort', started, request, model, undefined);
      return fail(describeFailure(gaveUp.last, { ...context, retries: gaveUp.retries }, key));
    }

    // The SDK's timeout covers the wait for the response headers; a stream that stalls after that
    // is given up after the same time without a chunk.
    let idle: NodeJS.Timeout | undefined;
    let stalled = false;
    const arm = () => {
      clearTimeout(idle);
      idle = setTimeout(() => { stalled = true; stream.controller.abort(); }, timeoutMs);
    };
    // The SDK notices the caller's abort only at the next chunk: a stream that stalls must end on
    // Cancel at once, not when the idle timer fires.
    const onAbort = () => stream.controller.abort();
    signal.addEventListener('abort', onAbort, { once: true });
    let finish: string | null | undefined;
    let usage: Chunk['usage'] | undefined;
    let firstTokenAt: number | undefined;
    let chunks = 0;
    const logprobs: TokenLogprob[] = [];
    try {
      arm();
      for await (const chunk of stream) {
        arm();
        chunks++;
        if (chunk.usage) usage = chunk.usage;
        const choice = chunk.choices?.[0];
        if (!choice) continue;
        if (choice.finish_reason) finish = choice.finish_reason;
        const text = choice.delta?.content ?? '';
        const tokens = (choice.logprobs?.content ?? []).map((entry): TokenLogprob => ({
          token: entry.token, logprob: entry.logprob, top: (entry.top_logprobs ?? []).map((alt) => ({ token: alt.token, logprob: alt.logprob })),
        }));
        logprobs.push(...tokens);
        if (!text) continue;
        firstTokenAt ??= Date.now();
        result.text += text;
        context.received = result.text.length;
        // One onToken per token when the logprobs spell out this delta, else one for the delta.
        if (tokens.length > 0 && tokens.map((t) => t.token).join('') === text) for (const logprob of tokens) options.onToken?.({ text: logprob.token, logprob });
        else options.onToken?.(tokens.length === 1 ? { text, logprob: tokens[0] } : { text });
      }
    } catch (error) {
      clearTimeout(idle);
      signal.removeEventListener('abort', onAbort);
      if (signal.aborted) return this.finish(result, 'abort', started, request, model, usage, firstTokenAt, logprobs);
      await this.finish(result, 'error', started, request, model, usage, firstTokenAt, logprobs);
      return fail(describeFailure(error, context, key));
    }
    clearTimeout(idle);
    signal.removeEventListener('abort', onAbort);
    // The SDK ends the iteration quietly when its request is aborted, by the user or by our timer.
    if (signal.aborted) return this.finish(result, 'abort', started, request, model, usage, firstTokenAt, logprobs);
    if (stalled) {
      await this.finish(result, 'error', started, request, model, usage, firstTokenAt, logprobs);
      return fail(describeFailure(Object.assign(new Error('idle'), { name: 'IdleTimeout' }), context, key));
    }
    if (chunks === 0) {
      await this.finish(result, 'error', started, request, model, usage, firstTokenAt, logprobs);
      return fail({ message: `${host} answered without any stream events (not an OpenAI-compatible server at this URL, or a body that is not valid SSE)`, retriable: false });
    }
    if (!finish) result.warnings.push(`${host} ended the stream without a finish reason`);
    return this.finish(result, FINISH[finish ?? 'stop'] ?? 'stop', started, request, model, usage, firstTokenAt, logprobs);
  }

  async listModels(options: ListModelsOptions = {}): Promise<ModelInfo[]> {
    const config = this.config;
    // Azure's /models lists base models, not the deployments a prompt names.
    if (this.kind === 'azure-openai') return config.deployment ? [{ id: config.deployment, detail: 'the configured deployment' }] : [];
    if (!this.origin) throw new Error(`Backend '${config.id}' has no valid baseURL: set an http(s) URL in its settings`);
    const key = (await this.services.apiKey(config, { interactive: false })) || undefined;
    if (!key && !isLoopback(this.origin)) throw new Error(`Backend '${config.id}' has no API key stored for ${this.origin}: its models are not listed (${keyHint(config)})`);
    return listServerModels({ config, origin: this.origin, key, fetch: this.services.fetch, signal: options.signal });
  }

  /**
   * The next-token distribution after the prompt, built from the first generated token's
   * `top_logprobs` (at most 20): partial (`exact: false`), the unlisted mass as `rest`. Chat
   * completions cannot continue given text, so a position inside a completion is unavailable.
   */
  async nextTokens(request: NextTokensRequest, options: { signal?: AbortSignal } = {}): Promise<NextTokensResult> {
    const unavailable = (reason: string): NextTokensResult => ({ kind: 'unavailable', backend: this.id, reason });
    if (request.after !== undefined && (typeof request.after !== 'string' || request.after !== '')) {
      return unavailable(`backend '${this.id}' speaks chat completions, which cannot continue given text: only the distribution at the end of the prompt is available`);
    }
    const top = Math.max(1, Math.min(OPENAI_MAX_TOP_LOGPROBS, request.top ?? OPENAI_MAX_TOP_LOGPROBS));
    const messages = request.messages.length > 0 || request.prompt === undefined ? request.messages : [{ role: 'user' as const, content: request.prompt }];
    // Temperature 1 and no top-p: what the server reports is then the model's distribution even
    // where it reports probabilities after its sampler (llama.cpp's server, prompt-lab serve).
    const result = await this.generate({ model: request.model, messages, config: { temperature: 1, maxOutputTokens: 1, logprobs: top } }, options.signal ? { signal: options.signal } : {});
    if (result.error) throw new Error(result.error.message);
    const first = result.logprobs?.[0];
    if (!first || first.top.length === 0) return unavailable(`backend '${this.id}' (${result.model}) returned no log-probabilities`);
    // OpenAI gives no token ids: the alternatives are numbered -1, -2, … in the order given.
    const tokens = first.top.map((alternative, i) => ({ id: -(i + 1), text: alternative.token, logit: alternative.logprob, probability: Math.exp(alternative.logprob) }))
      .sort((a, b) => b.probability - a.probability);
    const listed = tokens.reduce((sum, token) => sum + token.probability, 0);
    return {
      kind: 'distribution',
      distribution: {
        tokens, rest: { probability: Math.max(0, 1 - listed) }, exact: false, backend: this.id, model: result.model,
        position: { tokens: result.usage.promptTokens, after: '', afterTokens: [] },
      },
    };
  }

  private async finish(
    result: GenerationResult, reason: GenerationResult['finishReason'], started: number, request: GenerationRequest, model: string,
    usage: Chunk['usage'] | undefined, firstTokenAt?: number, logprobs: TokenLogprob[] = [],
  ): Promise<GenerationResult> {
    const ended = Date.now();
    result.finishReason = reason;
    result.latencyMs = ended - started;
    if (firstTokenAt !== undefined) result.timeToFirstTokenMs = firstTokenAt - started;
    if (usage) {
      result.usage = { promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens, estimated: false };
    } else {
      const estimate = await estimateUsage(model, request.messages, result.text, this.services.countTexts);
      result.usage = estimate.usage;
      if (reason !== 'error' && reason !== 'abort') result.warnings.push(`the server reported no token usage: counted locally (${estimate.how})`);
    }
    if (firstTokenAt !== undefined && ended > firstTokenAt && result.usage.completionTokens > 0) {
      result.tokensPerSecond = result.usage.completionTokens / ((ended - firstTokenAt) / 1000);
    }
    if (logprobs.length > 0) result.logprobs = logprobs;
    return result;
  }

  private client(key: string, keyless: boolean, timeoutMs: number, log: (message: string) => void): OpenAI {
    const fetch = originGuardedFetch(this.services.fetch ?? globalThis.fetch, { origin: this.origin!, backendId: this.config.id, keyless });
    // The SDK's own log lines go to services.log, scrubbed, never to the console.
    const sdkLog = (...args: unknown[]) => log(args.map((arg) => typeof arg === 'string' ? arg : JSON.stringify(arg)).join(' '));
    const common = {
      apiKey: key, timeout: timeoutMs, maxRetries: 0, fetch,
      organization: null, project: null, adminAPIKey: null, webhookSecret: null,
      logLevel: 'warn' as const, logger: { error: sdkLog, warn: sdkLog, info: sdkLog, debug: sdkLog },
    };
    if (this.kind === 'azure-openai') {
      return new AzureOpenAI({
        ...common, endpoint: this.config.endpoint, deployment: undefined, apiVersion: this.config.apiVersion ?? DEFAULT_AZURE_API_VERSION,
      });
    }
    return new OpenAI({ ...common, baseURL: this.config.baseURL ?? 'https://api.openai.com/v1' });
  }
}

/** OpenAI, and every OpenAI-compatible server through `baseURL`. */
export const createOpenAIBackend: BackendFactory = (config, services) => new OpenAIProtocolBackend('openai', config, services);

/** Azure OpenAI: `endpoint` (https://<resource>.openai.azure.com), `deployment` (or the prompt's
 * model), `apiVersion` (default DEFAULT_AZURE_API_VERSION); the key goes in the `api-key` header. */
export const createAzureOpenAIBackend: BackendFactory = (config, services) => new OpenAIProtocolBackend('azure-openai', config, services);
