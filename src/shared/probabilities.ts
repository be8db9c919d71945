// The probability views' part of the host↔webview protocol (issue 10): per-token log-probabilities
// of a completion, fetched on demand (never streamed with the text), the model's next-token
// distribution at a position, and branches that continue a completion with a forced token.
// protocol.ts merges these maps into its own. The sampler math is core's (pure, no DOM, no Node):
// re-exported here because the webview shares only src/shared with the host.
import type { NextTokenDistribution, SamplerSettings } from '../core/sampling/types';

export type { CandidateToken, CutStage, NextTokenDistribution, SampledDistribution, SampledToken, SamplerSettings, SamplerStage, StageName } from '../core/sampling/types';
export { applySampler, NEUTRAL_SETTINGS } from '../core/sampling/sampler';
export { histogram, sample } from '../core/sampling/draw';

/** Which completion a request is about: the last run, a comparison cell, or a branch made in the explorer. */
export type CompletionSource =
  | { kind: 'run'; id: string }
  | { kind: 'cell'; comparison: string; cell: number }
  | { kind: 'branch'; id: string };

/** One generated token as the probability view shows it. */
export interface TokenProbability {
  /** The token's text (model text: shown as text only). */
  token: string;
  logprob: number;
  /** The most probable tokens at this position, most probable first (may include the chosen one). */
  top: { token: string; logprob: number }[];
}

/** A completion's per-token log-probabilities, or why there are none. */
export type LogprobsView =
  | { kind: 'tokens'; tokens: TokenProbability[]; backend: string; model: string }
  | { kind: 'none'; reason: string };

/** The next-token distribution at a position, or why there is none. */
export type NextTokensView =
  | { kind: 'distribution'; distribution: NextTokenDistribution }
  | { kind: 'unavailable'; reason: string };

/** A completion that continues another at `position` with a forced token. */
export interface BranchView {
  kind: 'branch';
  /** The branch's own id: a `{kind: 'branch'}` source for its probabilities and its explorer. */
  id: string;
  /** The completion it branches from, and before which of its tokens. */
  from: CompletionSource;
  position: number;
  /** The text before the branch point (the source's first `position` tokens). */
  before: string;
  /** The forced token's text. */
  forced: string;
  /** What followed: starts with `forced`. */
  text: string;
  finishReason: string;
  error?: string;
}

/** The next-token explorer as the user left it, kept in the panel's saved state over a reload: the
 * position (the distribution is asked for again: the host keeps the completion), the sliders, the
 * seed and the token picked for "Continue". */
export interface ExplorerState {
  source: CompletionSource;
  position: number;
  label: string;
  /** The completion's token texts (the heading's context and the original continuation). */
  tokens: string[];
  settings: SamplerSettings;
  seed: number;
  /** The id of the token picked in the chart, when the user picked one. */
  selected?: number;
}

/** Messages the webview posts (requests: each carries an `id`, answered with `replyTo`). */
export interface ProbabilityWebviewMessages {
  /** The per-token log-probabilities of a completion; answered by `logprobs/reply`. */
  'logprobs/get': { source: CompletionSource };
  /** The distribution before token `position` of the completion (0: right after the prompt);
   * answered by `nextTokens/reply`. */
  'nextTokens/get': { source: CompletionSource; position: number };
  /** Generate from `position` of the completion with `token` forced, sampled with `settings`;
   * answered by `nextTokens/branch`. */
  'nextTokens/continue': { source: CompletionSource; position: number; token: { id?: number; text: string }; settings: SamplerSettings };
}

/** Messages the host posts: replies to the requests above. */
export interface ProbabilityHostMessages {
  'logprobs/reply': { source: CompletionSource; result: LogprobsView };
  'nextTokens/reply': { source: CompletionSource; position: number; result: NextTokensView };
  'nextTokens/branch': { result: BranchView | { kind: 'unavailable'; reason: string } };
}

export const PROBABILITY_WEBVIEW_TYPES: readonly (keyof ProbabilityWebviewMessages)[] = ['logprobs/get', 'nextTokens/get', 'nextTokens/continue'];
export const PROBABILITY_HOST_TYPES: readonly (keyof ProbabilityHostMessages)[] = ['logprobs/reply', 'nextTokens/reply', 'nextTokens/branch'];

/** Checks a source that arrived from the webview. */
export function isCompletionSource(value: unknown): value is CompletionSource {
  if (typeof value !== 'object' || value === null) return false;
  const source = value as Record<string, unknown>;
  if (source.kind === 'run' || source.kind === 'branch') return typeof source.id === 'string';
  return source.kind === 'cell' && typeof source.comparison === 'string' && Number.isInteger(source.cell);
}

/** Probability of a log-probability, as a number in [0, 1]. */
export const probabilityOf = (logprob: number): number => (Number.isFinite(logprob) ? Math.min(1, Math.max(0, Math.exp(logprob))) : 0);
