// The one small interface every model backend implements (DESIGN.md, Backends): rendered messages
// (or raw text) and a generation config in, tokens streamed out, cancellable with an AbortSignal,
// ending in a result record. Backends run in the extension host and the CLI: no `vscode` here.
import type { GenerationConfig } from '../core/generationConfig';
import type { NextTokenDistribution } from '../core/sampling/types';
import type { PatternTrace } from '../core/patterns/trace';

export type { GenerationConfig } from '../core/generationConfig';
export type { NextTokenDistribution } from '../core/sampling/types';

export interface ChatMessage {
  /** Dotprompt's roles; backends map them (`model` → `assistant` for OpenAI). */
  role: 'system' | 'user' | 'model' | 'tool';
  content: string;
}

export interface GenerationRequest {
  /** The model id without the provider (`gpt-4o-mini`, a deployment name, a GGUF path's model). */
  model: string;
  /** Chat messages. */
  messages: ChatMessage[];
  /** Completion mode: raw text to continue, for models without a chat template. */
  prompt?: string;
  config: GenerationConfig;
}

export interface TokenAlternative {
  token: string;
  logprob: number;
  /** The model's token id, where the backend has one (the local model): picks an exact position. */
  id?: number;
}

export interface TokenLogprob extends TokenAlternative {
  /** The most probable tokens at this position, most probable first. */
  top: TokenAlternative[];
}

/** One piece of streamed output: text, and its log-probability when asked for and available. */
export interface StreamedToken {
  text: string;
  logprob?: TokenLogprob;
}

export type FinishReason = 'stop' | 'length' | 'abort' | 'error' | 'content_filter' | 'tool_calls';

export interface GenerationResult {
  /** Everything generated, also when the run failed or was aborted part way. */
  text: string;
  finishReason: FinishReason;
  usage: {
    promptTokens: number;
    completionTokens: number;
    /** True when the backend reported no usage and Prompt Lab counted the tokens itself. */
    estimated: boolean;
  };
  latencyMs: number;
  timeToFirstTokenMs?: number;
  tokensPerSecond?: number;
  logprobs?: TokenLogprob[];
  backend: string;
  model: string;
  /** The parameters exactly as sent to the backend (never an API key). */
  parameters: Record<string, unknown>;
  /** Config keys the backend cannot honour: reported, never silently dropped or sent. */
  warnings: string[];
  error?: { message: string; status?: number; retriable?: boolean };
  /** What a prompt pattern did around the generation (filled by the engine, never by a backend). */
  trace?: PatternTrace;
}

/** A model a backend offers (GET /v1/models of an OpenAI-compatible server, a chat model of VS Code). */
export interface ModelInfo {
  /** What a prompt writes after the provider: `model: <backend>/<id>`. */
  id: string;
  /** A human name or note, when the backend gives one. */
  detail?: string;
  /** The context window in tokens, when the backend says. */
  maxInputTokens?: number;
}

export interface ListModelsOptions {
  signal?: AbortSignal;
}

export interface GenerateOptions {
  signal?: AbortSignal;
  onToken?: (token: StreamedToken) => void;
}

/** Text the model is to have written already (after the prompt), as text or as its token ids. */
export type AfterPrompt = string | { tokens: number[] };

/** Where to read the next-token distribution: after the prompt, and after `after` when given. */
export interface NextTokensRequest {
  model: string;
  messages: ChatMessage[];
  /** Completion mode: raw text to continue (wins over `messages`, as in `GenerationRequest`). */
  prompt?: string;
  after?: AfterPrompt;
  /** List the `top` most probable tokens, the others summed as `rest`; absent: every token the
   * backend has (the whole vocabulary on the local model, at most 20 on OpenAI). */
  top?: number;
}

/** A distribution, or the backend's reason it has none (typed, so a view can say so). */
export type NextTokensResult =
  | { kind: 'distribution'; distribution: NextTokenDistribution }
  | { kind: 'unavailable'; backend: string; reason: string };

/** A branch: a completion whose first tokens are `after` (already generated) and then `forced`. */
export interface ContinueRequest extends GenerationRequest {
  after?: AfterPrompt;
  /** The token to continue with, by id (the local model) or by text (backends without ids). */
  forced: { id?: number; text: string };
  /** min-p for the continuation (the explorer's slider; not a Dotprompt config key). */
  minP?: number;
}

export interface Backend {
  /** The configured backend's id (`openai`, `local`, a user's own name). */
  readonly id: string;
  readonly kind: 'openai' | 'azure-openai' | 'local' | 'vscode-lm';
  /** Config keys this backend honours; the others become warnings. */
  readonly supports: ReadonlySet<keyof GenerationConfig>;
  generate(request: GenerationRequest, options?: GenerateOptions): Promise<GenerationResult>;
  /** The models this backend offers now, for pickers and completions. Never asks the user anything
   * (no key prompt, no consent dialog); rejects with a message on failure. */
  listModels?(options?: ListModelsOptions): Promise<ModelInfo[]>;
  /** The model's next-token distribution at a position (optional: a backend without it lacks the method). */
  nextTokens?(request: NextTokensRequest, options?: { signal?: AbortSignal }): Promise<NextTokensResult>;
  /** Generates from a forced token: the result's `text` starts with the forced token's text. */
  continueWith?(request: ContinueRequest, options?: GenerateOptions): Promise<GenerationResult>;
  dispose?(): Promise<void> | void;
  /** Requests it generates at once, when it knows (the local model's sequences); a server in front
   * of it sizes its admission by this. */
  readonly concurrency?: number;
}
