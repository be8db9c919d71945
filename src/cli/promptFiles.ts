// Finding and reading the .prompt files a command names: paths, folders (all .prompt files below)
// and globs.
import { readFile, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { UsageError } from './args';
import { cannotRead } from './fileErrors';

const IGNORE = ['**/node_modules/**', '**/.git/**'];

type GlobOptions = { cwd?: string; ignore: string[]; nodir: true };

export async function expandPromptFiles(patterns: readonly string[]): Promise<string[]> {
  // glob and its helpers (~260 KB) load only when a folder or a glob is given: `compare x.prompt` never needs them.
  const glob = async (pattern: string, options: GlobOptions) => (await import('glob')).glob(pattern, options);
  const files = new Set<string>();
  for (const pattern of patterns) {
    const info = await stat(pattern).catch(() => undefined);
    if (info?.isFile()) {
      files.add(pattern);
      continue;
    }
    const matches = info?.isDirectory()
      ? await glob('**/*.prompt', { cwd: pattern, ignore: IGNORE, nodir: true }).then((found) => found.map((file) => path.join(pattern, file)))
      : await glob(pattern, { ignore: IGNORE, nodir: true });
    if (matches.length === 0) throw new UsageError(info ? `no .prompt files in '${pattern}'` : `no file matches '${pattern}'`);
    for (const match of matches.sort()) files.add(match);
  }
  return [...files];
}

export async function readPromptFile(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw cannotRead(file, error);
  }
}
