// Where retrieval reads files: one folder (the workspace folder, the CLI's working folder) through
// whatever the host has (node fs, VS Code's workspace.fs). A source answers three questions: which
// files a glob matches, what a file says, and whether it changed since it was last read (a stamp
// that is cheap to get: mtime and size, or a counter a file watcher bumps). Every path is relative
// to the root with `/` separators, as passages name their files.
//
// A source never reads outside its root: globs that lead out are refused before they get here
// (retrieveSpec.ts, globProblem), and hosts resolve symbolic links and skip those that lead out.

/** A file a glob matched, and its version. */
export interface SourceFile {
  /** Relative to the root, `/` separators. */
  path: string;
  /** Different whenever the file's text may be different (e.g. `${mtimeMs}:${size}`). */
  stamp: string;
}

export interface RetrievalSource {
  /** The folder searched, for messages and to tell sources apart (`/home/ada/notes`, a URI). */
  readonly root: string;
  /** The files under the root that `glob` matches, sorted by path. */
  list(glob: string, signal?: AbortSignal): Promise<SourceFile[]>;
  /** The file's text; undefined when it cannot be read as text or is refused (a link out of the
   * root, a binary file, too large): such a file is left out of the index. */
  read(path: string): Promise<string | undefined>;
  /** Bumped whenever a file under the root may have appeared, changed or vanished (a watcher's
   * events). When present and unchanged since the last query, the index trusts its listing and
   * skips listing again; without it, every query lists (and stamps) the files anew. */
  generation?(): number;
}

/** Files larger than this are left out: they are data, not documents (and a model's context holds
 * a few passages, not megabytes). */
export const MAX_FILE_BYTES = 4_000_000;

/** A glob that matches more files than this is cut there (and says so): an index of a whole disk's
 * worth of files would take minutes and gigabytes. */
export const MAX_FILES = 20_000;

/** Text as read from bytes: UTF-8 without its BOM; undefined for binary content (a NUL byte early on). */
export function decodeText(bytes: Uint8Array): string | undefined {
  const head = bytes.subarray(0, 8192);
  if (head.includes(0)) return undefined;
  const text = new TextDecoder('utf-8').decode(bytes);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
