// What the host answers to the panel's probability requests (issue 10): a completion's per-token
// log-probabilities, the model's next-token distribution before one of its tokens, and a branch that
// forces a token there and generates on. No `vscode` here: the panel passes the messages in and
// posts the answers, so this runs in plain mocha against the real local model.
import { randomUUID } from 'node:crypto';
import type { AfterPrompt, Backend, TokenLogprob } from '../../backends/backend';
import type { BranchView, CompletionSource, LogprobsView, NextTokensView, ProbabilityHostMessages, ProbabilityWebviewMessages } from '../../shared/probabilities';
import type { Completions, KeptCompletion } from './completions';

/** Candidates the explorer asks for: enough for the sampler's cuts to be exact on small vocabularies
 * and for top-p to see nearly all the mass on large ones; the rest is summed by the backend. */
export const EXPLORER_TOP = 2_000;

export interface ProbabilityDependencies {
  completions: Completions;
  backend(id: string): Backend;
  redact(text: string): string;
}

const missing = (source: CompletionSource): string =>
  source.kind === 'cell' ? 'This cell\'s completion is no longer kept (only the latest comparisons are); run it again.' : 'This completion is no longer kept; run it again.';

/** The text the model wrote before token `position`, and the same as token ids where the backend gave them. */
function prefixOf(kept: KeptCompletion, position: number): { text: string; after?: AfterPrompt } {
  const taken = (kept.logprobs ?? []).slice(0, Math.max(0, position));
  const text = (kept.prefix ?? '') + taken.map((token) => token.token).join('');
  if (text === '') return { text };
  const ids = taken.map((token) => (token as { id?: number }).id);
  // A branch's prefix is text (it ended in a forced token); a run's own tokens go by id when known.
  return { text, after: kept.prefix === undefined && ids.every((id): id is number => typeof id === 'number') ? { tokens: ids } : text };
}

function checkedPosition(logprobs: readonly TokenLogprob[] | undefined, position: number): string | undefined {
  if (!Number.isInteger(position) || position < 0) return 'The position must be a whole number ≥ 0.';
  if (position > 0 && !logprobs) return 'This completion has no per-token data, so only the end of the prompt can be explored.';
  if (logprobs && position > logprobs.length) return `The completion has ${logprobs.length} tokens; position ${position} is past its end.`;
  return undefined;
}

export async function logprobsOf(deps: ProbabilityDependencies, source: CompletionSource): Promise<LogprobsView> {
  const kept = deps.completions.get(source);
  if (!kept) return { kind: 'none', reason: missing(source) };
  if (!kept.logprobs) {
    const backend = deps.backend(kept.backend);
    return {
      kind: 'none',
      reason: backend.supports.has('logprobs')
        ? `${kept.backend} returned no token probabilities for this completion (a server may ignore \`logprobs\`).`
        : `${kept.backend} gives no token probabilities.`,
    };
  }
  return {
    kind: 'tokens', backend: kept.backend, model: kept.reportedModel,
    tokens: kept.logprobs.map((token) => ({ token: token.token, logprob: token.logprob, top: token.top.map(({ token: text, logprob }) => ({ token: text, logprob })) })),
  };
}

export async function nextTokensAt(deps: ProbabilityDependencies, source: CompletionSource, position: number, signal?: AbortSignal): Promise<NextTokensView> {
  const kept = deps.completions.get(source);
  if (!kept) return { kind: 'unavailable', reason: missing(source) };
  const problem = checkedPosition(kept.logprobs, position);
  if (problem) return { kind: 'unavailable', reason: problem };
  const backend = deps.backend(kept.backend);
  if (!backend.nextTokens) return { kind: 'unavailable', reason: `${kept.backend} (${backend.kind}) cannot show the next-token distribution.` };
  const { after } = prefixOf(kept, position);
  try {
    const result = await backend.nextTokens({ model: kept.model, messages: kept.messages, top: EXPLORER_TOP, ...(after !== undefined ? { after } : {}) }, signal ? { signal } : {});
    return result.kind === 'distribution' ? result : { kind: 'unavailable', reason: result.reason };
  } catch (error) {
    return { kind: 'unavailable', reason: deps.redact(error instanceof Error ? error.message : String(error)) };
  }
}

export async function continueAt(deps: ProbabilityDependencies, request: ProbabilityWebviewMessages['nextTokens/continue']): Promise<ProbabilityHostMessages['nextTokens/branch']['result']> {
  const { source, position, token, settings } = request;
  const kept = deps.completions.get(source);
  if (!kept) return { kind: 'unavailable', reason: missing(source) };
  const problem = checkedPosition(kept.logprobs, position);
  if (problem) return { kind: 'unavailable', reason: problem };
  const backend = deps.backend(kept.backend);
  if (!backend.continueWith) return { kind: 'unavailable', reason: `${kept.backend} (${backend.kind}) cannot continue a completion from a chosen token.` };
  const { text: before, after } = prefixOf(kept, position);
  // The explorer's sampler settings win over the run's, for what follows the forced token.
  const config = {
    ...kept.config,
    temperature: settings.greedy ? 0 : settings.temperature,
    ...(backend.supports.has('topK') ? { topK: settings.topK } : {}),
    topP: settings.topP,
  };
  const forced = { ...(typeof token.id === 'number' && token.id >= 0 ? { id: token.id } : {}), text: token.text };
  try {
    const result = await backend.continueWith({
      model: kept.model, messages: kept.messages, config, forced, ...(after !== undefined ? { after } : {}),
      ...(settings.minP > 0 ? { minP: settings.minP } : {}),
    } as Parameters<NonNullable<Backend['continueWith']>>[0]);
    const id = randomUUID();
    // A branch's tokens follow its forced token (which the model did not sample, so it has no
    // probability): the explorer's positions in the branch count from after it.
    const sampledText = (result.logprobs ?? []).map((entry) => entry.token).join('');
    const forcedText = result.text.endsWith(sampledText) ? result.text.slice(0, result.text.length - sampledText.length) : token.text;
    deps.completions.keep({ kind: 'branch', id }, { backend: kept.backend, model: kept.model, messages: kept.messages, config, prefix: before + forcedText }, result);
    const branch: BranchView = {
      kind: 'branch', id, from: source, position, before: deps.redact(before), forced: token.text, text: deps.redact(result.text), finishReason: result.finishReason,
      ...(result.error ? { error: deps.redact(result.error.message) } : {}),
    };
    return branch;
  } catch (error) {
    return { kind: 'unavailable', reason: deps.redact(error instanceof Error ? error.message : String(error)) };
  }
}
