// Where the judge prompts of model-graded assertions come from by default: prompts/judges/<name>.prompt
// under the extension's (or the CLI package's) root. A host that lets users override a judge prompt
// passes its own reader instead.
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';

export const JUDGE_PROMPTS = ['llm-rubric', 'factuality', 'answer-relevance', 'g-eval-steps', 'g-eval'] as const;

export function judgePromptReader(root: string): (name: string) => Promise<string> {
  return async (name) => {
    if (!(JUDGE_PROMPTS as readonly string[]).includes(name)) throw new Error(`There is no judge prompt named ${name}`);
    return readFile(path.join(root, 'prompts', 'judges', `${name}.prompt`), 'utf8');
  };
}
