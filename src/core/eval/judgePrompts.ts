// Where the judge prompts of model-graded assertions come from by default: prompts/judges/<name>.prompt
// under the extension's (or the CLI package's) root. A host that lets users override a judge prompt
// passes its own reader instead.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';

export const JUDGE_PROMPTS = ['llm-rubric', 'factuality', 'answer-relevance', 'g-eval-steps', 'g-eval'] as const;

export function judgePromptReader(root: string): (name: string) => Promise<string> {
  return async (name) => {
    if (!(JUDGE_PROMPTS as readonly string[]).includes(name)) throw new Error(`There is no judge prompt named ${name}`);
    return readFile(path.join(root, 'prompts', 'judges', `${name}.prompt`), 'utf8');
  };
}

/** The folder holding prompts/judges above `from` (the package root: above dist/ in the bundles,
 * above out/src/… in the compiled tree); `fallback` when there is none. */
export function judgePromptRoot(from: string, fallback = path.resolve(from, '..')): string {
  for (let folder = from; ; folder = path.dirname(folder)) {
    if (existsSync(path.join(folder, 'prompts', 'judges'))) return folder;
    if (path.dirname(folder) === folder) return fallback;
  }
}
