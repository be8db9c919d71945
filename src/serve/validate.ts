// Checks an OpenAI chat or (legacy) completions request body and turns it into what a Backend takes.
// A bad field is an OpenAI-shaped 400 naming the parameter, as api.openai.com answers it.
import type { ChatMessage, GenerationConfig } from '../backends/backend';

export class ApiError extends Error {
  constructor(readonly status: number, message: string, readonly param: string | null = null, readonly code: string | null = null, readonly type = 'invalid_request_error') {
    super(message);
  }

  toJSON(): { error: { message: string; type: string; param: string | null; code: string | null } } {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

export type Endpoint = 'chat' | 'completions';

export interface ValidRequest {
  model: string;
  messages: ChatMessage[];
  /** Completions: the raw text to continue. */
  prompt?: string;
  config: GenerationConfig;
  n: number;
  stream: boolean;
  includeUsage: boolean;
  /** Alternatives per token when log-probabilities were asked for. */
  logprobs?: number;
}

export const MAX_N = 8;
const ROLES: Record<string, ChatMessage['role']> = { system: 'system', developer: 'system', user: 'user', assistant: 'model', tool: 'tool' };

const invalid = (param: string, message: string, code: string | null = null) => new ApiError(400, message, param, code);

/** `object[key]` if the object has it as its own property: a parsed body's `"__proto__"` or
 * `"constructor"` key, or a polluted prototype, never stands in for a field. */
const own = (object: object, key: string): unknown => (Object.hasOwn(object, key) ? (object as Record<string, unknown>)[key] : undefined);

function optionalNumber(body: Record<string, unknown>, key: string, min: number, max: number, integer = false): number | undefined {
  const value = own(body, key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw invalid(key, `Invalid type for '${key}': expected ${integer ? 'an integer' : 'a number'}, but got ${JSON.stringify(value)}.`, integer ? 'invalid_type' : 'invalid_type');
  }
  if (value < min) throw invalid(key, `Invalid '${key}': ${value} is lower than the minimum of ${min}.`, 'integer_below_min_value');
  if (value > max) throw invalid(key, `Invalid '${key}': ${value} is greater than the maximum of ${max}.`, 'integer_above_max_value');
  return value;
}

function messageText(content: unknown, at: string): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((part, index) => {
      if (typeof part === 'object' && part !== null && own(part, 'type') === 'text' && typeof own(part, 'text') === 'string') return own(part, 'text') as string;
      throw invalid(`${at}[${index}]`, `Invalid content part at '${at}[${index}]': only text parts ({"type": "text", "text": …}) are supported.`);
    }).join('');
  }
  throw invalid(at, `Invalid type for '${at}': expected a string or an array of text parts.`, 'invalid_type');
}

function messagesOf(value: unknown): ChatMessage[] {
  if (value === undefined) throw invalid('messages', "Missing required parameter: 'messages'.", 'missing_required_parameter');
  if (!Array.isArray(value)) throw invalid('messages', "Invalid type for 'messages': expected an array of messages.", 'invalid_type');
  if (value.length === 0) throw invalid('messages', "Invalid 'messages': empty array. Expected an array with minimum length 1.", 'empty_array');
  return value.map((message, index) => {
    const at = `messages[${index}]`;
    if (typeof message !== 'object' || message === null) throw invalid(at, `Invalid type for '${at}': expected an object.`, 'invalid_type');
    const role = own(message, 'role');
    const content = own(message, 'content');
    if (typeof role !== 'string' || !Object.hasOwn(ROLES, role)) throw invalid(`${at}.role`, `Invalid value for '${at}.role': expected one of ${Object.keys(ROLES).join(', ')}.`, 'invalid_value');
    return { role: ROLES[role]!, content: content === null && role === 'assistant' ? '' : messageText(content, `${at}.content`) };
  });
}

function promptOf(value: unknown): string {
  if (value === undefined) throw invalid('prompt', "Missing required parameter: 'prompt'.", 'missing_required_parameter');
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.length === 1 && typeof value[0] === 'string') return value[0];
  throw invalid('prompt', "Invalid 'prompt': expected a string (or a list of one string: batches of prompts are not supported here).", 'invalid_type');
}

function stopOf(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.some((stop) => typeof stop !== 'string')) throw invalid('stop', "Invalid type for 'stop': expected a string or an array of strings.", 'invalid_type');
  if (list.length > 4) throw invalid('stop', `Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length ${list.length} instead.`, 'array_above_max_length');
  return list as string[];
}

function booleanOf(body: Record<string, unknown>, key: string): boolean | undefined {
  const value = own(body, key);
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'boolean') throw invalid(key, `Invalid type for '${key}': expected a boolean, but got ${JSON.stringify(value)}.`, 'invalid_type');
  return value;
}

/** Validates `raw` (the parsed JSON body) for `endpoint`; the model must be one of `models`. */
export function validateRequest(endpoint: Endpoint, raw: unknown, models: readonly string[]): ValidRequest {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new ApiError(400, 'The request body must be a JSON object.', null, 'invalid_json');
  const body = raw as Record<string, unknown>;
  const model = own(body, 'model');
  if (model === undefined) throw invalid('model', "Missing required parameter: 'model'.", 'missing_required_parameter');
  if (typeof model !== 'string') throw invalid('model', "Invalid type for 'model': expected a string.", 'invalid_type');
  // api.openai.com answers an unknown model with 404 model_not_found (the openai SDK's NotFoundError).
  if (!models.includes(model)) throw new ApiError(404, `The model '${model}' does not exist. This server serves: ${models.join(', ')}.`, 'model', 'model_not_found');
  const messages = endpoint === 'chat' ? messagesOf(own(body, 'messages')) : [];
  const prompt = endpoint === 'completions' ? promptOf(own(body, 'prompt')) : undefined;

  const temperature = optionalNumber(body, 'temperature', 0, 2);
  const topP = optionalNumber(body, 'top_p', 0, 1);
  const topK = optionalNumber(body, 'top_k', 0, 1_000_000, true);
  const maxTokens = optionalNumber(body, 'max_completion_tokens', 1, 1_000_000, true) ?? optionalNumber(body, 'max_tokens', 1, 1_000_000, true);
  const seed = optionalNumber(body, 'seed', Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER, true);
  const presencePenalty = optionalNumber(body, 'presence_penalty', -2, 2);
  const frequencyPenalty = optionalNumber(body, 'frequency_penalty', -2, 2);
  const n = optionalNumber(body, 'n', 1, MAX_N, true) ?? 1;
  const stream = booleanOf(body, 'stream') ?? false;
  const stopSequences = stopOf(own(body, 'stop'));
  let includeUsage = false;
  const streamOptions = own(body, 'stream_options');
  if (streamOptions !== undefined && streamOptions !== null) {
    if (!stream) throw invalid('stream_options', "Invalid value for 'stream_options': only allowed when 'stream' is true.", 'invalid_value');
    if (typeof streamOptions !== 'object' || Array.isArray(streamOptions)) throw invalid('stream_options', "Invalid type for 'stream_options': expected an object.", 'invalid_type');
    includeUsage = booleanOf(streamOptions as Record<string, unknown>, 'include_usage') ?? false;
  }
  let logprobs: number | undefined;
  if (endpoint === 'chat') {
    const wanted = booleanOf(body, 'logprobs') ?? false;
    const top = optionalNumber(body, 'top_logprobs', 0, 20, true);
    if (top !== undefined && !wanted) throw invalid('top_logprobs', "Invalid value for 'top_logprobs': 'logprobs' must be set to true.", 'invalid_value');
    if (wanted) logprobs = top ?? 0;
  } else {
    logprobs = optionalNumber(body, 'logprobs', 0, 5, true);
  }
  const config: GenerationConfig = Object.fromEntries(Object.entries({
    temperature, topP, topK, maxOutputTokens: maxTokens, seed, presencePenalty, frequencyPenalty, stopSequences, logprobs,
  }).filter(([, value]) => value !== undefined));
  return {
    model, messages, ...(prompt !== undefined ? { prompt } : {}), config, n, stream, includeUsage,
    ...(logprobs !== undefined ? { logprobs } : {}),
  };
}
