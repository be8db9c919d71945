// Token counts when the server reports none (some OpenAI-compatible servers ignore
// `stream_options.include_usage`): counted with tiktoken in the model's encoding, chat overhead
// included as OpenAI bills it, and marked estimated. Loading an encoding costs up to a second of
// CPU the first time, so this runs only on that path.
import { countInProcess, type CountTexts } from '../../core/promptTokens';
import { chooseEncoding, countChatTokens } from '../../core/tokens';
import { openAiRole } from '../../core/tokens/chat';
import type { ChatMessage, GenerationResult } from '../backend';

export async function estimateUsage(model: string, messages: ChatMessage[], completion: string, countTexts: CountTexts = countInProcess): Promise<{ usage: GenerationResult['usage']; how: string }> {
  const choice = chooseEncoding(model);
  const texts = [...new Set([...messages.flatMap((message) => [message.content, openAiRole(message.role)]), completion])];
  const counts = await countTexts(choice.encoding, texts);
  const known = new Map(texts.map((text, index) => [text, counts[index]!]));
  return {
    usage: {
      promptTokens: countChatTokens({ count: (text) => known.get(text)! }, messages).total,
      completionTokens: completion ? known.get(completion)! : 0,
      estimated: true,
    },
    how: choice.reason,
  };
}
