// A prompt that does not fit the model's context is the client's mistake: answered 400
// context_length_exceeded, as api.openai.com answers it, before the request waits for a generation
// slot. What the server needs from the model for that is one small function, `PromptMeasurer`.
import type { ChatMessage } from '../backends/backend';
import { ApiError, type Endpoint, type ValidRequest } from './validate';

/** A request's prompt on the served model, and the context prompt and completion share. */
export interface PromptSize {
  promptTokens: number;
  contextSize: number;
}

/** Measures a request's prompt: its chat `messages`, or for completions its raw `prompt`. */
export type PromptMeasurer = (input: { messages: readonly ChatMessage[]; prompt?: string }) => Promise<PromptSize>;

/** What `measureWithModel` needs of a backend: the local backend's own tokenizer methods. */
export interface TokenizingBackend {
  /** Tokens of each text, without a BOS token. */
  countTokens(texts: readonly string[]): Promise<number[]>;
  /** Messages as the model's prompt (chat template or BOS included), and the context size. */
  measurePrompt(messages: readonly { role: string; content: string }[]): Promise<PromptSize & { mode: 'completion' | 'chat' }>;
}

/** A PromptMeasurer over a backend with its own tokenizer. Chat: the messages as the model sees them.
 * Completions: the raw prompt. A model without a chat template sees one message as exactly its text
 * after BOS, so one measurement is exact; a chat model would wrap it in its template, so there the
 * prompt's own tokens are counted and one is added for the BOS token. */
export function measureWithModel(backend: TokenizingBackend): PromptMeasurer {
  return async ({ messages, prompt }) => {
    if (prompt === undefined) return backend.measurePrompt(messages);
    const asMessage = await backend.measurePrompt([{ role: 'user', content: prompt }]);
    if (asMessage.mode === 'completion') return { promptTokens: asMessage.promptTokens, contextSize: asMessage.contextSize };
    const [count] = await backend.countTokens([prompt]);
    return { promptTokens: (count ?? 0) + 1, contextSize: asMessage.contextSize };
  };
}

/** Throws OpenAI's 400 context_length_exceeded when the prompt leaves no room, or no room for the
 * max_tokens asked for. */
export function checkContextLength(endpoint: Endpoint, request: ValidRequest, size: PromptSize): void {
  const { promptTokens, contextSize } = size;
  const maxTokens = request.config.maxOutputTokens;
  const what = endpoint === 'chat' ? 'messages' : 'prompt';
  const start = `This model's maximum context length is ${contextSize} tokens. However, `;
  if (maxTokens !== undefined && promptTokens + maxTokens > contextSize) {
    throw new ApiError(400, `${start}you requested ${promptTokens + maxTokens} tokens (${promptTokens} in the ${what}, ${maxTokens} in the completion). Please reduce the length of the ${what} or completion.`, what, 'context_length_exceeded');
  }
  // The model must be able to generate at least one token.
  if (promptTokens >= contextSize) {
    throw new ApiError(400, `${start}your ${what} resulted in ${promptTokens} tokens. Please reduce the length of the ${what}.`, what, 'context_length_exceeded');
  }
}
