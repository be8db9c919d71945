// The engine's PromptEnvironment over the file system, for the CLI: partials are `_name.prompt`
// beside the prompt, then in each prompts folder given with --prompts-dir.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { PartialFile, PromptEnvironment } from '../core/promptEnvironment';

export function fileEnvironment(promptPath: string, promptsDirs: readonly string[] = []): PromptEnvironment {
  const folders = [path.dirname(path.resolve(promptPath)), ...promptsDirs.map((dir) => path.resolve(dir))];
  const cache = new Map<string, Promise<PartialFile | undefined>>();
  const find = async (name: string): Promise<PartialFile | undefined> => {
    // A partial name is a name, not a path: `{{> ../../etc/passwd}}` must not read outside the folders.
    if (!/^[\w.-]+$/.test(name) || name.startsWith('.')) return undefined;
    for (const folder of folders) {
      const location = path.join(folder, `_${name}.prompt`);
      try {
        return { name, location, text: stripBom(await readFile(location, 'utf8')) };
      } catch {
        // not in this folder
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
