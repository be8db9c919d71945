// The token view's numbers for a prompt on a backend: its parts' tokens against the model's context
// window, with a price. On the local model they are the model's own (its tokenizer, the prompt as
// a generation sends it, its context size: exact); elsewhere tiktoken's, with the catalog's window
// and the list or user price. The CLI and the extension both call this.
import type { TokenBudget } from '../core/comparison';
import { tokenBudget, type PriceTable } from '../core/modelCatalog';
import { countPromptTokens, type CountTexts } from '../core/promptTokens';
import type { RenderResult } from '../core/render';
import type { PromptPart } from '../core/structure';
import type { Backend } from './backend';
import { LocalBackend } from './local/localBackend';
import { chatMessagesOf } from './runPrompt';

export interface PromptBudgetRequest {
  backend: Backend;
  /** The model without the provider; '' when the backend picks its own. */
  model: string;
  rendered: RenderResult;
  parts: PromptPart[];
  /** tiktoken's counts, for backends without their own tokenizer. */
  countTexts: CountTexts;
  userPrices?: PriceTable;
  /** What the local model's tokenizer is called in the view (its file's name). */
  localModelName?: string;
}

export async function promptBudget(request: PromptBudgetRequest): Promise<TokenBudget> {
  const { backend, rendered, parts } = request;
  const model = request.model || rendered.model;
  if (!(backend instanceof LocalBackend)) {
    const report = await countPromptTokens(model, rendered.text, parts, request.countTexts);
    return tokenBudget(report, { model, ...(request.userPrices ? { userPrices: request.userPrices } : {}) });
  }
  const ownCounts: CountTexts = (_encoding, texts) => backend.countTokens(texts);
  const [report, measure] = await Promise.all([
    countPromptTokens(model, rendered.text, parts, ownCounts),
    backend.measurePrompt(chatMessagesOf(rendered)),
  ]);
  const budget = tokenBudget(report, { local: { contextSize: measure.contextSize } });
  const partsTotal = budget.parts.reduce((sum, part) => sum + part.tokens, 0);
  return {
    ...budget,
    total: measure.promptTokens,
    // What no part's text is: the BOS token, the newlines between messages or a chat template.
    overhead: Math.max(0, measure.promptTokens - partsTotal),
    tokenizer: `${request.localModelName ?? 'the local model'}'s own`,
    exact: true,
  };
}
