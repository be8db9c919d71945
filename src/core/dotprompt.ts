// The one place Prompt Lab calls the `dotprompt` package to render. Messages and metadata come from
// Dotprompt itself, so a file Dotprompt renders renders identically here (the conformance suite in
// test/unit/dotpromptSpec.test.ts runs through this module).
import {
  Dotprompt,
  type DataArgument,
  type JSONSchema,
  type ParsedPrompt,
  type PromptFunction,
  type PromptMetadata,
  type RenderedPrompt,
  type ToolDefinition,
} from 'dotprompt';

export interface DotpromptRegistry {
  /** Partials registered up front, by name. */
  partials?: Record<string, string>;
  /** Looks up partials not registered up front. */
  partialResolver?: (name: string) => Promise<string | null> | string | null;
  schemas?: Record<string, JSONSchema>;
  tools?: Record<string, ToolDefinition>;
}

/** A prompt parsed and compiled once, to render with any number of inputs. */
export interface PreparedDotprompt {
  dotprompt: Dotprompt;
  parsed: ParsedPrompt;
  renderer: PromptFunction;
}

/** `Dotprompt.render` is `compile(source)` then the compiled function; doing the two steps here
 * parses the YAML and compiles the template once for every render of the same text. */
export async function prepareDotprompt(source: string, registry: DotpromptRegistry = {}): Promise<PreparedDotprompt> {
  const dotprompt = new Dotprompt({ partials: registry.partials, partialResolver: registry.partialResolver, schemas: registry.schemas, tools: registry.tools });
  const parsed = dotprompt.parse(source);
  return { dotprompt, parsed, renderer: await dotprompt.compile(parsed) };
}

/**
 * Renders like current Dotprompt: the result carries the prompt's metadata merged with the render
 * options (including `input`), as the conformance suite expects. dotprompt 1.1.2's `render` leaves
 * `input` out and ignores the options' metadata, so the metadata comes from `renderMetadata`.
 */
export async function renderPrepared(prepared: PreparedDotprompt, data: DataArgument = {}, options?: PromptMetadata): Promise<RenderedPrompt> {
  const rendered = await prepared.renderer(data, options);
  const metadata = await prepared.dotprompt.renderMetadata(prepared.parsed, options);
  return { ...metadata, messages: rendered.messages };
}

export async function renderDotprompt(source: string, data: DataArgument = {}, options?: PromptMetadata, registry: DotpromptRegistry = {}): Promise<RenderedPrompt> {
  return renderPrepared(await prepareDotprompt(source, registry), data, options);
}
