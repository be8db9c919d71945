// PLACEHOLDER for the engine's retrieval seam (helper `rag` owns the real file; the lead takes rag's
// at merge). Same exports as the contract: prompts without `promptlab.retrieve` run unchanged, and a
// prompt with it fails as a user error until retrieval is built.
import type { Retriever, RetrievalTrace } from '../core/patterns/trace';
import type { EngineHost, PromptFile } from './host';

export interface PreparedRetrieval {
  /** The inputs with the `into` input filled by the ranked passages (an array of
   * { file, startLine, endLine, score, text }); the same object when nothing was retrieved. */
  inputs: Record<string, unknown>;
  /** What retrieval did, for the result's trace (runPattern's `request.retrieval`). */
  retrieval?: RetrievalTrace;
  /** Ranks the prompt's files for an agent's `search` tool (runPattern's `options.retrieve`);
   * present whenever the prompt has `promptlab.retrieve`, even without `query`. */
  retriever?: Retriever;
}

/** A user's mistake or an unavailable source: the message names the prompt file and says what to do. */
export class RetrievalError extends Error {}

/** Before rendering: when `ext['promptlab.retrieve']` is set, rank its files for the value of the
 * input named by `query` and put the best `top` passages into the input named by `into`. */
export function prepareRetrieval(
  _host: EngineHost, _prompt: PromptFile, ext: Record<string, unknown> | undefined,
  inputs: Record<string, unknown>, _signal?: AbortSignal): Promise<PreparedRetrieval> {
  if (ext?.['promptlab.retrieve'] === undefined) return Promise.resolve({ inputs });
  return Promise.reject(new RetrievalError('retrieval is not built yet'));
}
