// Facts about prompt files that every layer agrees on: the editor, the CLI and the panel.

/** The language id of `.prompt` files: the one Google's Dotprompt extension uses. VS Code's built-in
 * `prompt` id belongs to Copilot's `*.prompt.md` files, so we must not take it. */
export const DOTPROMPT_LANGUAGE_ID = 'dotprompt';

/** The file extension of Dotprompt files. */
export const PROMPT_FILE_EXTENSION = '.prompt';

/** A variant name as a file name may carry it: `story.formal.prompt` is the variant `formal`. */
export const isVariantName = (name: string): boolean => /^[\w-]+$/.test(name);

const stemOf = (fileName: string) => (fileName.endsWith(PROMPT_FILE_EXTENSION) ? fileName.slice(0, -PROMPT_FILE_EXTENSION.length) : fileName);

/** The file of a Dotprompt variant: `story.prompt` and `formal` → `story.formal.prompt`, beside it. */
export const variantFileName = (promptFileName: string, variant: string): string => `${stemOf(promptFileName)}.${variant}${PROMPT_FILE_EXTENSION}`;

/** The variants of `promptFileName` among the names of the files beside it, sorted. */
export function variantsAmong(promptFileName: string, fileNames: readonly string[]): string[] {
  const prefix = `${stemOf(promptFileName)}.`;
  return fileNames
    .filter((name) => name.startsWith(prefix) && name.endsWith(PROMPT_FILE_EXTENSION))
    .map((name) => name.slice(prefix.length, -PROMPT_FILE_EXTENSION.length))
    .filter(isVariantName)
    .sort();
}
