// Every message between the local backend (localBackend.ts, in the extension host or the CLI) and
// the child process that runs node-llama-cpp (localModelHost.ts). Sent over Node's IPC channel as
// JSON; each request carries an id and every reply names the id it answers.
import type { AfterPrompt, GenerationConfig, StreamedToken, TokenLogprob } from '../backend';
import type { NextTokenDistribution } from '../../core/sampling/types';

/** How the child loads its model: fixed for the child's lifetime. */
export interface HostModelOptions {
  modelPath: string;
  /** CPU threads per evaluation (1 on shared 2-core machines: 2 collapse throughput). */
  threads: number;
  /** Tokens per sequence (default: the model's training context, at most 4096). */
  contextSize?: number;
  /** Requests generated at once: sequences in all, in contexts made as requests need them. */
  sequences: number;
  /** Sequences per context. 1 (unset): every request decodes alone in a context of its own,
   * so a seeded text never depends on what runs beside it. More: that many requests share a context
   * and are decoded together in one batch per step (faster on larger models; llama.cpp's results
   * then depend on the batch's composition, so a seeded text may differ from the same seed alone). */
  perContext?: number;
}

export interface HostGenerateRequest {
  /** Chat messages in Dotprompt's roles, used when the model has a chat template. */
  messages: { role: string; content: string }[];
  /** Raw text to continue (completion mode); wins over `messages` when given. */
  prompt?: string;
  /** Only the keys the backend supports; the child draws a seed when sampling is random and none is set. */
  config: GenerationConfig;
  /** A branch (continueWith): tokens the completion already has, then the token it must go on with. */
  after?: AfterPrompt;
  forced?: { id?: number; text: string };
  /** min-p (0: none), given with a branch. */
  minP?: number;
}

/** Where to read the model's next-token distribution (nextTokens). */
export interface HostNextTokensRequest {
  messages: { role: string; content: string }[];
  prompt?: string;
  after?: AfterPrompt;
  /** How many tokens to list (the rest summed); absent: the whole vocabulary. */
  top?: number;
}

/** The distribution as the child reads it; the parent adds backend and model. */
export type HostDistribution = Omit<NextTokenDistribution, 'backend' | 'model'>;

export type HostRequest =
  | { type: 'generate'; id: number; request: HostGenerateRequest }
  /** Stop the generation `id`; it still answers with `done` (finish reason `abort`). */
  | { type: 'abort'; id: number }
  | { type: 'countTokens'; id: number; texts: string[] }
  /** How many tokens `messages` make as this model's prompt, and its context size. */
  | { type: 'measurePrompt'; id: number; messages: { role: string; content: string }[] }
  | { type: 'nextTokens'; id: number; request: HostNextTokensRequest }
  /** The prompt as this model's tokens, each with its text in place. */
  | { type: 'tokenize'; id: number; messages: { role: string; content: string }[]; prompt?: string };

/** A prompt as the model sees it: for the token view, exact where tiktoken would only estimate. */
export interface PromptMeasure {
  /** Tokens of the prompt as a generation would send them (BOS or chat template included). */
  promptTokens: number;
  /** Tokens a sequence holds: prompt plus completion. */
  contextSize: number;
  mode: 'completion' | 'chat';
}

/** What a finished generation reports; the parent adds backend, model, latency and warnings. */
export interface HostGenerationOutcome {
  text: string;
  finishReason: 'stop' | 'length' | 'abort' | 'error';
  promptTokens: number;
  completionTokens: number;
  /** From the first token sent to evaluation until the first generated token, in the child. */
  timeToFirstTokenMs?: number;
  /** From the prompt's evaluation to the last token (model loading and queueing excluded). */
  generationMs: number;
  logprobs?: TokenLogprob[];
  /** Exactly what was sampled with, defaults included. */
  parameters: Record<string, unknown>;
  /** `completion` (raw text) or `chat` (the model's template). */
  mode: 'completion' | 'chat';
  error?: string;
}

export type HostReply =
  /** The model is loaded (sent once, before the first answer), with how long that took. */
  | { type: 'loaded'; loadMs: number; hasChatTemplate: boolean; sequences: number; perContext: number; contextSize: number }
  | { type: 'token'; id: number; token: StreamedToken }
  | { type: 'done'; id: number; outcome: HostGenerationOutcome }
  | { type: 'counted'; id: number; counts: number[] }
  | { type: 'measured'; id: number; measure: PromptMeasure }
  | { type: 'distribution'; id: number; distribution: HostDistribution }
  /** `bytes`: a byte-level token's own bytes, when they are not whole UTF-8 characters. */
  | { type: 'tokenized'; id: number; tokens: { id: number; text: string; bytes?: number[] }[]; mode: 'completion' | 'chat' }
  /** A request failed before generating (the model did not load, bad input). */
  | { type: 'failed'; id: number; error: string };
