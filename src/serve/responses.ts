// The response bodies and stream chunks of OpenAI's chat and (legacy) completions APIs, built from a
// Backend's tokens and result records. Field for field what api.openai.com returns, so the official
// SDKs and other clients read them unchanged.
import type { FinishReason, GenerationResult, TokenLogprob } from '../backends/backend';
import type { Endpoint } from './validate';

export interface Envelope {
  id: string;
  created: number;
  model: string;
}

const bytes = (text: string) => [...Buffer.from(text, 'utf8')];

/** OpenAI knows stop, length, content_filter, tool_calls; an abort or error never reaches a client. */
export const finishReasonOf = (reason: FinishReason): string => (reason === 'length' || reason === 'content_filter' || reason === 'tool_calls' ? reason : 'stop');

/** Chat: `{content: [{token, logprob, bytes, top_logprobs: [{token, logprob, bytes}]}], refusal}`. */
export function chatLogprobs(tokens: readonly TokenLogprob[]): { content: unknown[]; refusal: null } {
  return {
    content: tokens.map((t) => ({ token: t.token, logprob: t.logprob, bytes: bytes(t.token), top_logprobs: t.top.map((a) => ({ token: a.token, logprob: a.logprob, bytes: bytes(a.token) })) })),
    refusal: null,
  };
}

/** Completions (legacy): parallel lists, `top_logprobs` a list of {token: logprob} objects, and each
 * token's character offset in the prompt + completion. */
export function completionLogprobs(tokens: readonly TokenLogprob[], offset: number): { tokens: string[]; token_logprobs: number[]; top_logprobs: Record<string, number>[]; text_offset: number[] } {
  const textOffset: number[] = [];
  let at = offset;
  for (const t of tokens) { textOffset.push(at); at += t.token.length; }
  return {
    tokens: tokens.map((t) => t.token),
    token_logprobs: tokens.map((t) => t.logprob),
    top_logprobs: tokens.map((t) => Object.fromEntries(t.top.map((a) => [a.token, a.logprob]))),
    text_offset: textOffset,
  };
}

export function usageOf(results: readonly GenerationResult[]): { prompt_tokens: number; completion_tokens: number; total_tokens: number } {
  const promptTokens = results[0]?.usage.promptTokens ?? 0;
  const completionTokens = results.reduce((sum, result) => sum + result.usage.completionTokens, 0);
  return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
}

/** The whole response of a request that did not stream. */
export function responseBody(endpoint: Endpoint, envelope: Envelope, results: readonly GenerationResult[], wantLogprobs: boolean, promptLength: number): unknown {
  const choices = results.map((result, index) => endpoint === 'chat'
    ? { index, message: { role: 'assistant', content: result.text, refusal: null }, logprobs: wantLogprobs ? chatLogprobs(result.logprobs ?? []) : null, finish_reason: finishReasonOf(result.finishReason) }
    : { index, text: result.text, logprobs: wantLogprobs ? completionLogprobs(result.logprobs ?? [], promptLength) : null, finish_reason: finishReasonOf(result.finishReason) });
  return {
    id: envelope.id, object: endpoint === 'chat' ? 'chat.completion' : 'text_completion', created: envelope.created, model: envelope.model,
    choices, usage: usageOf(results), system_fingerprint: null,
  };
}

/** One chunk of a stream: `choice` is the choice's delta part (chat) or text part (completions). */
export function chunkBody(endpoint: Endpoint, envelope: Envelope, choice: Record<string, unknown>, includeUsage: boolean): unknown {
  return {
    id: envelope.id, object: endpoint === 'chat' ? 'chat.completion.chunk' : 'text_completion', created: envelope.created, model: envelope.model,
    choices: [choice], system_fingerprint: null,
    ...(includeUsage ? { usage: null } : {}),
  };
}
