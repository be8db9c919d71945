// A RetrievalSource over a folder on disk, with node's fs (the CLI's working folder; tests; the
// bench). Symbolic links are resolved: a link whose target is inside the root is followed (once: a
// link cycle is not walked twice), a link that leads out of the root is skipped, when listing and
// again when reading (a link can be swapped between the two).
import { readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import * as path from 'node:path';
import picomatch from 'picomatch';
import { isInsideFolder } from '../../folders';
import { decodeText, MAX_FILE_BYTES, MAX_FILES, type RetrievalSource, type SourceFile } from './source';

/** Folders never walked unless the glob names them: they hold tools' files, not documents. */
const SKIPPED_FOLDERS = new Set(['node_modules', '.git']);

export interface NodeSourceOptions {
  /** Trust a listing this long (ms) before listing and stamping the files again. 0 (the default):
   * every query lists again, so an edit is seen by the next query. The CLI, which watches nothing,
   * sets a short window: an eval's many queries in a row then list once, not once each. */
  relistAfterMs?: number;
}

export function nodeRetrievalSource(root: string, options: NodeSourceOptions = {}): RetrievalSource {
  let realRoot: string | undefined;
  const rootReal = () => realRoot ??= realpathSync(root);
  const window = options.relistAfterMs ?? 0;
  return {
    root,
    ...(window > 0 ? { generation: () => Math.floor(Date.now() / window) } : {}),
    async list(glob) {
      const base = rootReal();
      return walk(base, glob);
    },
    async read(file) {
      const base = rootReal();
      const full = path.join(base, ...file.split('/'));
      let real: string;
      try {
        real = await realpath(full);
        if (!isInsideFolder(real, base)) return undefined;
        if ((await stat(real)).size > MAX_FILE_BYTES) return undefined;
        return decodeText(await readFile(real));
      } catch {
        return undefined; // vanished since it was listed
      }
    },
  };
}

/** The files under `root` that `glob` matches, walking only the glob's fixed folder (`docs/` of
 * `docs/**\/*.md`). Synchronous fs calls: thousands of small stats are faster so than as promises. */
function walk(root: string, written: string): SourceFile[] {
  const glob = written.replace(/^(\.\/)+/, '');
  const isMatch = picomatch(glob, { dot: false });
  const scanned = picomatch.scan(glob);
  // The glob's fixed part: a folder to walk (`docs`), or the file itself when it is no glob at all.
  const start = scanned.base;
  const namesHidden = /(^|\/)\./.test(glob);
  const found: SourceFile[] = [];
  const visited = new Set<string>();
  const visit = (dir: string, relative: string) => {
    if (found.length >= MAX_FILES) return;
    let real: string;
    try {
      real = realpathSync(dir);
    } catch {
      return;
    }
    if (visited.has(real) || !isInsideFolder(real, root)) return;
    visited.add(real);
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (found.length >= MAX_FILES) return;
      const full = path.join(dir, entry.name);
      const rel = relative ? `${relative}/${entry.name}` : entry.name;
      let isDir = entry.isDirectory();
      let isFile = entry.isFile();
      if (entry.isSymbolicLink()) {
        try {
          if (!isInsideFolder(realpathSync(full), root)) continue; // a link out of the root: skipped
          const target = statSync(full);
          isDir = target.isDirectory();
          isFile = target.isFile();
        } catch {
          continue; // a link to nothing
        }
      }
      if (isDir) {
        if ((entry.name.startsWith('.') && !namesHidden) || (SKIPPED_FOLDERS.has(entry.name) && !glob.includes(entry.name))) continue;
        visit(full, rel);
      } else if (isFile && isMatch(rel)) {
        try {
          const info = statSync(full);
          if (info.size <= MAX_FILE_BYTES) found.push({ path: rel, stamp: `${info.mtimeMs}:${info.size}` });
        } catch {
          // vanished while walking
        }
      }
    }
  };
  if (start === '') visit(root, '');
  else {
    const startDir = path.join(root, ...start.split('/'));
    try {
      if (statSync(startDir).isDirectory()) visit(startDir, start);
      else if (isMatch(start)) {
        const info = statSync(startDir);
        if (isInsideFolder(realpathSync(startDir), root)) found.push({ path: start, stamp: `${info.mtimeMs}:${info.size}` });
      }
    } catch {
      // no such folder: nothing matches
    }
  }
  return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
