// Where a retrieved passage's file may be opened from. A passage names its file relative to the
// workspace with `/` separators (trace.ts); the panel asks the host to open it, and what the panel
// sends is only as trustworthy as the text it renders. So the host takes a passage's path as a list
// of plain names below a workspace folder, never as a path of its own: nothing absolute, no `..`,
// no scheme, no drive, no backslash (a separator on Windows). The host still resolves symbolic
// links before it opens anything (extension/trace/openPassage.ts).

/** Longest path the host considers (a workspace path is far shorter; a megabyte is not a path). */
export const PASSAGE_PATH_LIMIT = 4_096;

/** Highest line number the host considers (beyond any text document VS Code opens). */
export const PASSAGE_LINE_LIMIT = 100_000_000;

export type PassageSegments = { segments: string[] } | { refused: string };

/** The names of `file`'s folders and file, in order, or why `file` is not a path inside a folder. */
export function passageSegments(file: unknown): PassageSegments {
  if (typeof file !== 'string' || file === '') return { refused: 'the passage names no file' };
  if (file.length > PASSAGE_PATH_LIMIT) return { refused: 'the passage\'s path is too long' };
  // Control characters (NUL ends a path in some APIs, a newline forges a log line).
  if ([...file].some((char) => char.charCodeAt(0) < 0x20 || char === '\u007f')) return { refused: 'the passage\'s path has control characters' };
  if (file.includes('\\')) return { refused: 'the passage\'s path has a backslash (it must use / separators)' };
  if (file.startsWith('/') || file.startsWith('~')) return { refused: 'the passage\'s path is not relative to the workspace' };
  // `C:…`, `file:…`, `vscode-remote:…`: a first name with a colon is a drive or a scheme.
  if (/^[^/]*:/.test(file)) return { refused: 'the passage\'s path is not relative to the workspace' };
  const segments = file.split('/').filter((segment) => segment !== '' && segment !== '.');
  if (segments.includes('..')) return { refused: 'the passage\'s path leads out of the workspace' };
  if (segments.length === 0) return { refused: 'the passage names no file' };
  return { segments };
}

/** The passage's lines as 1-based inclusive numbers, or undefined when they are not lines. */
export function passageLines(startLine: unknown, endLine: unknown): { startLine: number; endLine: number } | undefined {
  const isLine = (value: unknown): value is number => Number.isInteger(value) && (value as number) >= 1 && (value as number) <= PASSAGE_LINE_LIMIT;
  if (!isLine(startLine) || !isLine(endLine) || endLine < startLine) return undefined;
  return { startLine, endLine };
}
