// Chat-message token counts as OpenAI bills them: the OpenAI cookbook, "How to count tokens with
// tiktoken", num_tokens_from_messages(), which it checks against the API's `usage.prompt_tokens`
// (gpt-3.5-turbo, gpt-4, gpt-4o, gpt-4o-mini). Each message is wrapped as
// <|start|>{role}<|message|>{content}<|end|>, and the reply is primed with <|start|>assistant<|message|>.
import type { Tokenizer } from './tokenizer';

export interface ChatMessageText {
  /** A Dotprompt role: `system`, `user`, `model` or `tool` (OpenAI's own names are accepted too). */
  role: string;
  content: string;
  name?: string;
}

export interface ChatTokenCount {
  /** Every message plus the reply priming: what the API reports as prompt tokens. */
  total: number;
  /** The tokens that prime the reply, counted once per request. */
  overhead: number;
  /** Per message, in order: its content, role (and name) tokens and the per-message wrapping. */
  messages: { role: string; tokens: number }[];
}

/** <|start|>, <|message|> (or the role/content separator) and <|end|> around every message. */
export const TOKENS_PER_MESSAGE = 3;
/** A message's name costs one token beyond its text. */
export const TOKENS_PER_NAME = 1;
/** <|start|>assistant<|message|>, once per request. */
export const REPLY_PRIMING_TOKENS = 3;

/** Dotprompt calls the assistant `model`; OpenAI calls it `assistant`, and counts that word. */
export function openAiRole(role: string): string {
  return role === 'model' ? 'assistant' : role;
}

export function countChatTokens(tokenizer: Pick<Tokenizer, 'count'>, messages: ChatMessageText[]): ChatTokenCount {
  const counted = messages.map(({ role, content, name }) => {
    let tokens = TOKENS_PER_MESSAGE + tokenizer.count(openAiRole(role)) + tokenizer.count(content);
    if (name !== undefined) tokens += TOKENS_PER_NAME + tokenizer.count(name);
    return { role, tokens };
  });
  const total = counted.reduce((sum, message) => sum + message.tokens, REPLY_PRIMING_TOKENS);
  return { total, overhead: REPLY_PRIMING_TOKENS, messages: counted };
}
