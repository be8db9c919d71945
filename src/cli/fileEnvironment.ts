// The engine's PromptEnvironment over the file system, for the CLI: partials are `_name.prompt`
// beside the prompt, then in each prompts folder given with --prompts-dir.
//
// A partial's text goes to a model, so only files inside those folders are read: not through a
// name (`{{> ../../etc/passwd}}`), and not through a symbolic link (`_pw.prompt -> /etc/passwd` in
// a cloned repository). The check is on real paths (links resolved): a link inside the folders to
// a file inside them (`_a.prompt -> shared/_b.prompt`) still works.
import { readFile, realpath } from 'node:fs/promises';
import * as path from 'node:path';
import { isInsideFolder } from '../core/folders';
import { OUTSIDE_FOLDERS, type PartialFile, type PromptEnvironment, type RefusedPartial } from '../core/promptEnvironment';

export function fileEnvironment(promptPath: string, promptsDirs: readonly string[] = []): PromptEnvironment {
  const folders = [path.dirname(path.resolve(promptPath)), ...promptsDirs.map((dir) => path.resolve(dir))];
  // The folders' own real paths (a folder may itself be reached through a link); one that does
  // not exist holds nothing.
  let realFolders: Promise<string[]> | undefined;
  const allowed = () => realFolders ??= Promise.all(folders.map((folder) => realpath(folder).catch(() => undefined)))
    .then((found) => found.filter((folder): folder is string => folder !== undefined));
  const cache = new Map<string, Promise<PartialFile | RefusedPartial | undefined>>();
  const find = async (name: string): Promise<PartialFile | RefusedPartial | undefined> => {
    // A partial name is a name, not a path: `{{> ../../etc/passwd}}` must not read outside the folders.
    if (!/^[\w.-]+$/.test(name) || name.startsWith('.')) return undefined;
    for (const folder of folders) {
      const location = path.join(folder, `_${name}.prompt`);
      let real: string;
      try {
        real = await realpath(location);
      } catch {
        continue; // not in this folder (or a link to nothing)
      }
      if (!(await allowed()).some((inside) => isInsideFolder(real, inside))) return { name, location, refused: OUTSIDE_FOLDERS };
      try {
        // The real path, as checked: not the link again, which could have been changed meanwhile.
        return { name, location, text: stripBom(await readFile(real, 'utf8')) };
      } catch {
        // not a readable file (a folder, no permission)
      }
    }
    return undefined;
  };
  return {
    readPartial: (name) => {
      if (!cache.has(name)) cache.set(name, find(name));
      return cache.get(name)!;
    },
  };
}

export const stripBom = (text: string): string => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
