// The local model's own tokenizer for a prompt that runs on a local backend (the model in the box
// or a configured GGUF file): the panel's token chips and counts come from it, through the same
// backend instance (and warm model process) that runs the prompt. No `vscode` here: the extension
// passes a function that finds the prompt's backend (see extension.ts).
import type { TextMessage } from '../../core/render';
import type { TokenPiece } from '../../core/tokens/tokenList';

export interface LocalTokenizer {
  /** How the view names it: "stories260K tokenizer". */
  name: string;
  /** The prompt's messages as the model's prompt tokens (BOS or chat template included). */
  tokenize(messages: readonly TextMessage[]): Promise<{ tokens: TokenPiece[]; mode: 'completion' | 'chat' }>;
}

/** The local tokenizer of a prompt whose `model:` is `model`, or undefined when it does not run locally. */
export type LocalTokenizerOf = (model: string | undefined) => LocalTokenizer | undefined;

/** `/m/stories260K.gguf` → "stories260K tokenizer". */
export function localTokenizerName(modelPath: string): string {
  return `${modelPath.replace(/^.*[\\/]/, '').replace(/\.gguf$/i, '')} tokenizer`;
}
