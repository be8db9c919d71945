// Facts about prompt files that every layer agrees on: the editor, the CLI and the panel.

/** The language id of `.prompt` files: the one Google's Dotprompt extension uses. VS Code's built-in
 * `prompt` id belongs to Copilot's `*.prompt.md` files, so we must not take it. */
export const DOTPROMPT_LANGUAGE_ID = 'dotprompt';

/** The file extension of Dotprompt files. */
export const PROMPT_FILE_EXTENSION = '.prompt';
