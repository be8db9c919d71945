// The model in the box: the tiny stories260K.gguf that ships in the project's and the .vsix's
// `models/` folder, used by the `local` backend when no model is configured, so that a new user can
// run the story sample with no key, no download and no settings.
import { statSync } from 'node:fs';
import * as path from 'node:path';

export const BUNDLED_MODEL_FILE = 'stories260K.gguf';
/** Names the model in the box instead of looking for it beside the code; empty: there is none.
 * For tests that need "no model at all", and for packagers who move the file. */
export const BUNDLED_MODEL_ENV = 'PROMPT_LAB_BUNDLED_MODEL';

const isFile = (file: string): boolean => {
  try {
    return statSync(file).isFile();
  } catch {
    return false;
  }
};

/** `models/stories260K.gguf` in the nearest folder above this code that has one: the extension's
 * or package's root from `dist/` (bundled), the project's from `out/src/backends/local/` (tsc). */
function findBesideCode(from: string): string | undefined {
  let folder = from;
  for (let depth = 0; depth < 5; depth++) {
    const candidate = path.join(folder, 'models', BUNDLED_MODEL_FILE);
    if (isFile(candidate)) return candidate;
    const parent = path.dirname(folder);
    if (parent === folder) break;
    folder = parent;
  }
  return undefined;
}

let found: string | null | undefined;

/** The model in the box, or undefined when this build has none (or the environment says so). */
export function bundledModelPath(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const named = env[BUNDLED_MODEL_ENV];
  if (named !== undefined) return named.trim() !== '' && isFile(path.resolve(named)) ? path.resolve(named) : undefined;
  if (found === undefined) found = findBesideCode(__dirname) ?? null;
  return found ?? undefined;
}
