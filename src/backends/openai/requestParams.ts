// GenerationConfig → the body of a chat-completions request, for OpenAI, OpenAI-compatible servers
// and Azure OpenAI. Every setting is either sent (by its OpenAI name) or reported as a warning;
// `topK` never reaches here (it is not in `supports`, and runPrompt warns about it).
import type OpenAI from 'openai';
import type { ChatMessage, GenerationConfig, GenerationRequest } from '../backend';

type ChatCompletionCreateParamsStreaming = OpenAI.Chat.ChatCompletionCreateParamsStreaming;
type ChatCompletionMessageParam = OpenAI.Chat.ChatCompletionMessageParam;

/** The generation settings an OpenAI-protocol backend honours. */
export const OPENAI_SUPPORTS: ReadonlySet<keyof GenerationConfig> = new Set<keyof GenerationConfig>([
  'temperature', 'topP', 'maxOutputTokens', 'stopSequences', 'seed', 'presencePenalty', 'frequencyPenalty', 'sampling', 'logprobs',
]);

/** OpenAI's and Azure's documented limits (compatible servers often allow more, so they get all). */
export const OPENAI_MAX_STOP_SEQUENCES = 4;
export const OPENAI_MAX_TOP_LOGPROBS = 20;

export interface ParamsTarget {
  /** Backend id, for warnings. */
  id: string;
  /** OpenAI's own API or Azure: their limits apply and `max_completion_tokens` is the token cap. */
  officialApi: boolean;
}

export interface MappedParams {
  body: ChatCompletionCreateParamsStreaming;
  warnings: string[];
}

/** Dotprompt's `model` is OpenAI's `assistant`; a `tool` message without a call id cannot be sent
 * as a tool message, so it goes as user text (and says so). */
export function openAiMessages(messages: ChatMessage[], warnings: string[]): ChatCompletionMessageParam[] {
  return messages.map((message) => {
    switch (message.role) {
      case 'model': return { role: 'assistant', content: message.content };
      case 'system': return { role: 'system', content: message.content };
      case 'tool':
        warnings.push('a tool message was sent as a user message (OpenAI needs a tool_call_id that Dotprompt text does not carry)');
        return { role: 'user', content: message.content };
      default: return { role: 'user', content: message.content };
    }
  });
}

export function chatCompletionParams(request: GenerationRequest, target: ParamsTarget): MappedParams {
  const warnings: string[] = [];
  const config = request.config;
  const body: ChatCompletionCreateParamsStreaming = {
    model: request.model,
    messages: openAiMessages(request.messages, warnings),
    stream: true,
    // The last chunk then carries the API's token counts.
    stream_options: { include_usage: true },
  };
  if (request.prompt !== undefined) warnings.push(`backend '${target.id}' speaks chat completions: the raw prompt text was not sent, the messages were`);

  if (config.sampling === 'greedy') {
    if (config.temperature !== undefined && config.temperature !== 0) warnings.push(`sampling 'greedy' sends temperature 0 (the temperature ${config.temperature} was not sent)`);
    body.temperature = 0;
  } else if (config.temperature !== undefined) {
    body.temperature = config.temperature;
  }
  if (config.topP !== undefined) body.top_p = config.topP;
  if (config.maxOutputTokens !== undefined) {
    // OpenAI deprecated max_tokens, and its reasoning models (o-series, gpt-5) reject it; Azure
    // accepts max_completion_tokens since 2024-09-01-preview. Compatible servers (Ollama, vLLM,
    // llama.cpp, LM Studio) all know max_tokens, not all know the newer name.
    if (target.officialApi) body.max_completion_tokens = config.maxOutputTokens;
    else body.max_tokens = config.maxOutputTokens;
  }
  if (config.stopSequences !== undefined && config.stopSequences.length > 0) {
    let stop = config.stopSequences;
    if (target.officialApi && stop.length > OPENAI_MAX_STOP_SEQUENCES) {
      warnings.push(`OpenAI allows at most ${OPENAI_MAX_STOP_SEQUENCES} stop sequences: ${stop.slice(OPENAI_MAX_STOP_SEQUENCES).map((s) => JSON.stringify(s)).join(', ')} were not sent`);
      stop = stop.slice(0, OPENAI_MAX_STOP_SEQUENCES);
    }
    body.stop = stop;
  }
  if (config.seed !== undefined) body.seed = config.seed;
  if (config.presencePenalty !== undefined) body.presence_penalty = config.presencePenalty;
  if (config.frequencyPenalty !== undefined) body.frequency_penalty = config.frequencyPenalty;
  if (config.logprobs !== undefined) {
    let top = config.logprobs;
    if (target.officialApi && top > OPENAI_MAX_TOP_LOGPROBS) {
      warnings.push(`OpenAI returns at most ${OPENAI_MAX_TOP_LOGPROBS} alternatives per token: logprobs ${top} was sent as ${OPENAI_MAX_TOP_LOGPROBS}`);
      top = OPENAI_MAX_TOP_LOGPROBS;
    }
    body.logprobs = true;
    body.top_logprobs = top;
  }
  return { body, warnings };
}

/** The request's parameters for the result record: everything sent except the messages (the
 * rendered prompt is recorded beside the result). Keys never travel in the body. */
export function recordedParameters(body: ChatCompletionCreateParamsStreaming): Record<string, unknown> {
  const recorded = JSON.parse(JSON.stringify(body)) as Record<string, unknown>;
  delete recorded.messages;
  return recorded;
}
