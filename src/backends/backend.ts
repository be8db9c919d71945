// The one small interface every model backend implements (DESIGN.md, Backends): rendered messages
// (or raw text) and a generation config in, tokens streamed out, cancellable with an AbortSignal,
// ending in a result record. Backends run in the extension host and the CLI: no `vscode` here.
import type { GenerationConfig } from '../core/generationConfig';

export type { GenerationConfig } from '../core/generationConfig';

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
  dispose?(): Promise<void> | void;
}
