// The one place Prompt Lab calls the `dotprompt` package to render. Messages and metadata come from
// Dotprompt itself, so a file Dotprompt renders renders identically here (the conformance suite in
// test/unit/dotpromptSpec.test.ts runs through this function).
import { Dotprompt, type DataArgument, type JSONSchema, type PromptMetadata, type RenderedPrompt, type ToolDefinition } from 'dotprompt';

export interface DotpromptRegistry {
  /** Partials registered up front, by name. */
  partials?: Record<string, string>;
  /** Looks up partials not registered up front. */
  partialResolver?: (name: string) => Promise<string | null> | string | null;
  schemas?: Record<string, JSONSchema>;
  tools?: Record<string, ToolDefinition>;
}

export function createDotprompt(registry: DotpromptRegistry = {}): Dotprompt {
  return new Dotprompt({ partials: registry.partials, partialResolver: registry.partialResolver, schemas: registry.schemas, tools: registry.tools });
}

/**
 * Renders like current Dotprompt: the result carries the prompt's metadata merged with the render
 * options (including `input`), as the conformance suite expects. dotprompt 1.1.2's `render` leaves
 * `input` out and ignores the options' metadata, so the metadata comes from `renderMetadata`.
 */
export async function renderDotprompt(
  source: string,
  data: DataArgument = {},
  options?: PromptMetadata,
  registry: DotpromptRegistry = {},
  dotprompt: Dotprompt = createDotprompt(registry),
): Promise<RenderedPrompt> {
  const rendered = await dotprompt.render(source, data, options);
  const metadata = await dotprompt.renderMetadata(source, options);
  return { ...metadata, messages: rendered.messages };
}
