// What the status bar says about a prompt's token count, as text (no `vscode`: unit-tested).
// The count is tiktoken's, for the prompt's model as an OpenAI chat request. For an OpenAI model it is
// the panel's count; for any other model (a local GGUF model, whose own tokenizer and overhead the
// panel uses) it is an estimate, and the status bar names the tokenizer it used and says so, rather
// than show a number that silently disagrees with the panel's; once the panel has had the local
// model count the prompt, the status bar shows that count (localCountText), the panel's (39 here against the panel's 45 for
// continue-story.prompt on stories260K: o200k_base splits the text into fewer tokens than the model's
// SentencePiece vocabulary, and adds OpenAI's chat overhead where the local model gets a BOS token).
import type { TokenReport } from '../../core/promptTokens';

export interface TokenCountText {
  text: string;
  tooltip: string;
}

export function tokenCountText(report: Pick<TokenReport, 'total' | 'overhead' | 'tokenizer' | 'exact' | 'note'>, emptyInputs: readonly string[] = []): TokenCountText {
  const empty = emptyInputs.length ? `\nRequired inputs without a default (${emptyInputs.join(', ')}) are counted as empty.` : '';
  if (report.exact) {
    return {
      text: `$(symbol-numeric) ${report.total} tokens`,
      tooltip: `Prompt Lab: ${report.total} prompt tokens (exact count, tokenizer ${report.tokenizer}).\n${report.note}${empty}\nClick to open the Prompt Lab panel.`,
    };
  }
  return {
    text: `$(symbol-numeric) ~${report.total} tokens (${report.tokenizer})`,
    tooltip: `Prompt Lab: about ${report.total} prompt tokens, counted with ${report.tokenizer} as an OpenAI chat request `
      + `(${report.total - report.overhead} of text, ${report.overhead} of message overhead).\n${report.note}\n`
      + 'A local model\'s count in the panel is its own: its tokenizer, and its own overhead (a BOS token or its chat template), so it differs.'
      + `${empty}\nClick to open the Prompt Lab panel.`,
  };
}

/** A local model's own count (its tokenizer, its BOS token or chat template): the panel's count. */
export function localCountText(total: number, tokenizer: string, emptyInputs: readonly string[] = []): TokenCountText {
  const empty = emptyInputs.length ? `\nRequired inputs without a default (${emptyInputs.join(', ')}) are counted as empty.` : '';
  return {
    text: `$(symbol-numeric) ${total} tokens (${tokenizer})`,
    tooltip: `Prompt Lab: ${total} prompt tokens, counted by the local model (the ${tokenizer}, its own prompt wrapping included), as the panel shows them.${empty}\nClick to open the Prompt Lab panel.`,
  };
}

/** A count as shown, with what it is: the total, the tokenizer that made it and whether it is exact. */
export interface ShownCount extends TokenCountText {
  total: number;
  tokenizer: string;
  exact: boolean;
}

/** A prompt that runs on a local model: the model's own count of it, once the panel has had it
 * counted (PromptTokenCounts.localModel). */
export interface LocalModelCount {
  local?: { total: number; tokenizer: string };
}

/** What a counted prompt shows wherever its count appears (the status bar, the CodeLens), so the two
 * never disagree with each other or, silently, with the panel: a prompt that runs on a local model
 * (`localModel` set) shows that model's own count once the panel has had it counted, and until then
 * tiktoken's as an estimate that names its tokenizer; any other prompt, tiktoken's count for its model. */
export function shownCount(report: Pick<TokenReport, 'total' | 'overhead' | 'tokenizer' | 'exact' | 'note'>, emptyInputs: readonly string[], localModel?: LocalModelCount): ShownCount {
  const local = localModel?.local;
  if (local) return { ...localCountText(local.total, local.tokenizer, emptyInputs), total: local.total, tokenizer: local.tokenizer, exact: true };
  const estimate = localModel ? { ...report, exact: false } : report;
  return { ...tokenCountText(estimate, emptyInputs), total: report.total, tokenizer: report.tokenizer, exact: estimate.exact };
}
