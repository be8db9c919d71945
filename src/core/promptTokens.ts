// Token counts of a rendered prompt: per message as OpenAI bills chat messages, and per part
// (instruction, examples, content, cue) for the token view. The counting itself is passed in, so
// the CLI counts in-process and the extension in its worker thread, with the same arithmetic.
import type { TextMessage } from './render';
import type { PartName, PromptPart } from './structure';
import { chooseEncoding, countChatTokens, getTokenizer, type EncodingName } from './tokens';
import { openAiRole } from './tokens/chat';
import { chunkedCounter, type CountBatch } from './tokens/chunkedCount';

export interface TokenReport {
  /** The tiktoken encoding used. */
  tokenizer: EncodingName;
  /** False when the model is not an OpenAI model with a known encoding: the counts are estimates. */
  exact: boolean;
  /** Which tokenizer and why, in one sentence. */
  note: string;
  /** What a chat request with these messages costs in prompt tokens. */
  total: number;
  /** Tokens that are no part's text: message wrapping and reply priming. */
  overhead: number;
  messages: { role: string; tokens: number }[];
  parts: { name: PartName; text: string; tokens: number }[];
}

/** Counts the tokens of each text with `encoding`. */
export type CountTexts = (encoding: EncodingName, texts: string[]) => Promise<number[]>;

export const countInProcess: CountTexts = async (encoding, texts) => {
  const tokenizer = getTokenizer(encoding);
  return texts.map((text) => tokenizer.count(text));
};

/** `countTexts` with each encoding's chunk counts remembered (tokens/chunkedCount.ts): a live count
 * after an edit tokenizes only the chunks the edit touched. */
export function cachedCountTexts(countTexts: CountTexts): CountTexts {
  const counters = new Map<EncodingName, CountBatch>();
  return (encoding, texts) => {
    let counter = counters.get(encoding);
    if (!counter) {
      counter = chunkedCounter((batch) => countTexts(encoding, batch));
      counters.set(encoding, counter);
    }
    return counter(texts);
  };
}

export async function countPromptTokens(model: string | undefined, messages: TextMessage[], parts: PromptPart[], countTexts: CountTexts = countInProcess): Promise<TokenReport> {
  const choice = chooseEncoding(model);
  const partTexts = parts.map((part) => part.spans.map((span) => messages[span.message]!.content.slice(span.start, span.end)));
  const texts = [...new Set([
    ...messages.flatMap((message) => [message.content, openAiRole(message.role)]),
    ...partTexts.flat(),
  ])];
  const counts = await countTexts(choice.encoding, texts);
  const known = new Map(texts.map((text, index) => [text, counts[index]!]));
  // countChatTokens only asks for counts of texts counted above.
  const chat = countChatTokens({ count: (text: string) => known.get(text)! }, messages);
  const partCounts = parts.map((part, index) => ({
    name: part.name, text: part.text, tokens: partTexts[index]!.reduce((sum, text) => sum + known.get(text)!, 0),
  }));
  return {
    tokenizer: choice.encoding, exact: choice.exact, note: choice.reason,
    total: chat.total,
    overhead: chat.total - partCounts.reduce((sum, part) => sum + part.tokens, 0),
    messages: chat.messages,
    parts: partCounts,
  };
}
