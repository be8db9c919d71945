// Generation settings, merged in order of precedence: backend defaults < the prompt's frontmatter
// `config` < the run's overrides (a comparison cell, CLI flags). Keys a backend cannot honour are
// reported by name, never silently dropped or silently sent.

/** Dotprompt's generation config names, plus what backends commonly add. All optional. */
export interface GenerationConfig {
  temperature?: number;
  topP?: number;
  topK?: number;
  maxOutputTokens?: number;
  stopSequences?: string[];
  seed?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  /** `greedy` always takes the most probable token (as temperature 0); `random` samples. */
  sampling?: 'random' | 'greedy';
  /** Return log-probabilities with this many alternatives per generated token (0: the token's only). */
  logprobs?: number;
}


export const GENERATION_KEYS: readonly (keyof GenerationConfig)[] = [
  'temperature', 'topP', 'topK', 'maxOutputTokens', 'stopSequences', 'seed', 'presencePenalty', 'frequencyPenalty', 'sampling', 'logprobs',
];

/** Picks the generation settings out of a frontmatter `config` (other keys are not generation's). */
export function generationConfigOf(config: Record<string, unknown> | undefined): GenerationConfig {
  const out: Record<string, unknown> = {};
  for (const key of GENERATION_KEYS) if (config?.[key] !== undefined) out[key] = config[key];
  return out as GenerationConfig;
}

/** Later layers win, key by key; `undefined` in a layer leaves the earlier value. */
export function mergeGenerationConfig(...layers: (GenerationConfig | undefined)[]): GenerationConfig {
  const merged: Record<string, unknown> = {};
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer ?? {})) if (value !== undefined) merged[key] = value;
  }
  return merged as GenerationConfig;
}

/** One warning per set key the backend does not support, e.g. "topK is not supported by openai (not sent)". */
export function unsupportedSettings(config: GenerationConfig, supports: ReadonlySet<keyof GenerationConfig>, backend: string): string[] {
  return (Object.keys(config) as (keyof GenerationConfig)[])
    .filter((key) => config[key] !== undefined && !supports.has(key))
    .map((key) => `${key} is not supported by backend '${backend}': it was not sent`);
}
