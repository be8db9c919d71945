// What the engine asks of its host for files beyond the prompt itself: the extension answers from
// the workspace (open editors first), the CLI from the file system, tests from memory.

export interface PartialFile {
  name: string;
  /** Where it was found, for messages (a path or URI). */
  location: string;
  text: string;
}

/** A partial file that exists but is not read: `reason` says why, for the diagnostic (e.g. a
 * symbolic link to a file outside the prompt's folders). It has no text, so it cannot be used. */
export interface RefusedPartial {
  name: string;
  location: string;
  refused: string;
}

export interface PromptEnvironment {
  /** The partial `{{> name}}` refers to: `_name.prompt` beside the prompt, then in the prompts
   * folders; a refusal when the file found must not be read; undefined when there is none. */
  readPartial(name: string): Promise<PartialFile | RefusedPartial | undefined>;
}

/** The refusal of a partial whose real path (links resolved) is outside the folders partials come from. */
export const OUTSIDE_FOLDERS = 'is a link to a file outside the prompt\'s folders';

export const isRefused = (file: PartialFile | RefusedPartial | undefined): file is RefusedPartial => file !== undefined && 'refused' in file;

/** An environment with a fixed set of partials, and none when `partials` is omitted. */
export function memoryEnvironment(partials: Record<string, string> = {}): PromptEnvironment {
  return {
    readPartial: async (name) => (Object.hasOwn(partials, name) ? { name, location: `_${name}.prompt`, text: partials[name]! } : undefined),
  };
}
