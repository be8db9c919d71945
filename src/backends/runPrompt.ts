// One run of a rendered prompt on a backend: the generation config merged (backend defaults <
// frontmatter < overrides), settings the backend cannot honour reported, the messages handed over
// in Dotprompt's roles, and the result record completed. The CLI's `run`, the editor's Run Prompt
// and every cell of a comparison go through here.
import { generationConfigOf, mergeGenerationConfig, unsupportedSettings, type GenerationConfig } from '../core/generationConfig';
import type { RenderResult } from '../core/render';
import type { Backend, ChatMessage, GenerateOptions, GenerationResult } from './backend';

export interface RunRequest {
  rendered: RenderResult;
  /** The model without the provider; the backend's default when undefined. */
  model: string;
  /** Settings of this run: they win over the frontmatter's `config`. */
  overrides?: GenerationConfig;
  /** Settings the backend applies unless the prompt or run says otherwise. */
  defaults?: GenerationConfig;
}

const ROLES = new Set<ChatMessage['role']>(['system', 'user', 'model', 'tool']);

export function chatMessagesOf(rendered: RenderResult): ChatMessage[] {
  return rendered.text.map((message) => ({
    role: ROLES.has(message.role as ChatMessage['role']) ? message.role as ChatMessage['role'] : 'user',
    content: message.content,
  }));
}

/** The config a run sends: the layers merged, only the keys the backend honours. */
export function sentConfig(backend: Backend, request: RunRequest): GenerationConfig {
  const config = mergeGenerationConfig(request.defaults, generationConfigOf(request.rendered.config), request.overrides);
  return Object.fromEntries(Object.entries(config).filter(([key]) => backend.supports.has(key as keyof GenerationConfig))) as GenerationConfig;
}

export async function runPrompt(backend: Backend, request: RunRequest, options: GenerateOptions = {}): Promise<GenerationResult> {
  const config = mergeGenerationConfig(request.defaults, generationConfigOf(request.rendered.config), request.overrides);
  const warnings = unsupportedSettings(config, backend.supports, backend.id);
  const supported = sentConfig(backend, request);
  const result = await backend.generate({ model: request.model, messages: chatMessagesOf(request.rendered), config: supported }, options);
  return { ...result, warnings: [...warnings, ...result.warnings] };
}
