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
import { DOTPROMPT_RESERVED_KEYS } from './frontmatterKeys';
import { FRONTMATTER_AND_BODY } from './promptSource';
import { maskMarkers, newMask, unmaskMessages } from './markerMask';
import { unsafeKeyPart } from './safeKeys';
import { parseYamlData } from './yamlDocument';

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
  /** The metadata without render options, worked out once (it copies every default deeply). */
  metadata?: Promise<PromptMetadata>;
}

/** The prompt's own metadata (no render options): resolved schemas, config, ext… */
export function metadataOf(prepared: PreparedDotprompt): Promise<PromptMetadata> {
  prepared.metadata ??= prepared.dotprompt.renderMetadata(prepared.parsed);
  return prepared.metadata;
}


/**
 * What `Dotprompt.parse` returns (dotprompt/src/parse.ts, parseDocument), step for step, but from
 * frontmatter data that may already be parsed: the checks parse the YAML anyway, and a second
 * parse of a 50 KB frontmatter costs more than a frame. `frontmatterData` must be what `yaml.parse`
 * returns for the frontmatter text; without it the YAML is parsed here, as Dotprompt does. The
 * conformance suite runs through this function.
 */
export function parsePrompt(source: string, frontmatterData?: { data: unknown }): ParsedPrompt {
  const base = () => ({ ext: {}, metadata: {}, config: {} });
  const match = FRONTMATTER_AND_BODY.exec(source);
  const frontmatter = match?.[1];
  if (!match || !frontmatter) return { ...base(), template: source } as ParsedPrompt;
  let data: unknown;
  try {
    data = frontmatterData ? frontmatterData.data : parseYamlData(frontmatter);
  } catch {
    // Dotprompt logs the error and renders the whole file as the template.
    return { ...base(), template: source.trim() } as ParsedPrompt;
  }
  const raw: Record<string, unknown> = { ...(data as object) };
  const pruned: Record<string, unknown> = base();
  const ext: Record<string, Record<string, unknown>> = {};
  // Dotprompt's own copy (`ext[namespace] = ext[namespace] || {}` over for-in) lets a key
  // `__proto__.X` write into Object.prototype and `toString.X` into a built-in function. Here only own
  // keys are read, a key with __proto__/constructor/prototype in it is skipped (the check reports it:
  // 'unsafe-key'), and a namespace is looked up as an own property only.
  for (const key of Object.keys(raw)) {
    if (unsafeKeyPart(key) !== undefined) continue;
    if (DOTPROMPT_RESERVED_KEYS.has(key)) pruned[key] = raw[key];
    else if (key.includes('.')) {
      // `a.b.c: v` becomes ext['a.b'].c = v
      const dot = key.lastIndexOf('.');
      const namespace = key.slice(0, dot);
      if (!Object.hasOwn(ext, namespace)) ext[namespace] = {};
      ext[namespace]![key.slice(dot + 1)] = raw[key];
    }
  }
  return { ...pruned, raw, ext, template: match[2]!.trim() } as ParsedPrompt;
}

/** `Dotprompt.render` is `compile(source)` then the compiled function; doing the two steps here
 * compiles the template once for every render of the same text. */
export async function prepareDotprompt(source: string, registry: DotpromptRegistry = {}, parsed: ParsedPrompt = parsePrompt(source)): Promise<PreparedDotprompt> {
  const dotprompt = new Dotprompt({ partials: registry.partials, partialResolver: registry.partialResolver, schemas: registry.schemas, tools: registry.tools });
  return { dotprompt, parsed, renderer: await dotprompt.compile(parsed) };
}

/**
 * Renders like current Dotprompt: the result carries the prompt's metadata merged with the render
 * options (including `input`), as the conformance suite expects. dotprompt 1.1.2's `render` leaves
 * `input` out and ignores the options' metadata, so the metadata comes from `renderMetadata`.
 */
export async function renderPrepared(prepared: PreparedDotprompt, data: DataArgument = {}, options?: PromptMetadata): Promise<RenderedPrompt> {
  // Input text cannot make role or media markers (markerMask.ts); the template's helpers still do.
  const mask = newMask();
  const masked: DataArgument = data.input === undefined ? data : { ...data, input: maskMarkers(data.input, mask) };
  const rendered = await prepared.renderer(masked, options === undefined ? undefined : maskedOptions(options, mask));
  const metadata = options === undefined ? await metadataOf(prepared) : await prepared.dotprompt.renderMetadata(prepared.parsed, options);
  return { ...metadata, messages: unmaskMessages(rendered.messages, mask) };
}

/** Render options can carry input defaults (`input.default`): masked like the input. */
function maskedOptions(options: PromptMetadata, mask: string): PromptMetadata {
  const defaults = options.input?.default;
  return defaults === undefined ? options : { ...options, input: { ...options.input, default: maskMarkers(defaults, mask) } };
}

export async function renderDotprompt(source: string, data: DataArgument = {}, options?: PromptMetadata, registry: DotpromptRegistry = {}): Promise<RenderedPrompt> {
  return renderPrepared(await prepareDotprompt(source, registry), data, options);
}
