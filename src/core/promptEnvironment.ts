// What the engine asks of its host for files beyond the prompt itself: the extension answers from
// the workspace (open editors first), the CLI from the file system, tests from memory.

export interface PartialFile {
  name: string;
  /** Where it was found, for messages (a path or URI). */
  location: string;
  text: string;
}

export interface PromptEnvironment {
  /** The partial `{{> name}}` refers to: `_name.prompt` beside the prompt, then in the prompts folders. */
  readPartial(name: string): Promise<PartialFile | undefined>;
}

/** An environment with a fixed set of partials, and none when `partials` is omitted. */
export function memoryEnvironment(partials: Record<string, string> = {}): PromptEnvironment {
  return {
    readPartial: async (name) => (Object.hasOwn(partials, name) ? { name, location: `_${name}.prompt`, text: partials[name]! } : undefined),
  };
}
