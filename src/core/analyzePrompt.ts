// Check, render and split a prompt into its parts: what `render`, `tokens`, the token view and the
// status bar all need, in one call.
import { checkPrompt, type CheckedPrompt, type CheckOptions } from './check/checkPrompt';
import type { PromptEnvironment } from './promptEnvironment';
import { renderChecked, type RenderRequest, type RenderResult } from './render';
import { promptParts, type PromptPart } from './structure';

export interface AnalyzedPrompt {
  checked: CheckedPrompt;
  result: RenderResult;
  parts: PromptPart[];
}

/** Throws PromptError (the file has errors) or InputError (inputs do not fit the schema). */
export async function analyzePrompt(fileText: string, environment: PromptEnvironment, request: RenderRequest = {}, options: CheckOptions = {}): Promise<AnalyzedPrompt> {
  const checked = await checkPrompt(fileText, environment, options);
  const result = await renderChecked(checked, request);
  const parts = await promptParts(checked, result, (shots) => renderChecked(checked, { ...request, shots }));
  return { checked, result, parts };
}
