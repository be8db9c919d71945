// `prompt-lab run --show-probabilities`: the completion as it streams, each token followed by its
// probability in percent as small subscript digits ("Once₉₉ upon₈₇ a₉₉ time₉₅"), compact enough
// to read the text and see where the model hesitated.
import type { StreamedToken } from '../../backends/backend';
import type { GenerationConfig } from '../../core/generationConfig';

const SUBSCRIPT = '₀₁₂₃₄₅₆₇₈₉';

/** A percentage in subscript digits: ₁₀₀ for certain, ₀ for under 0.5%. */
export function subscriptPercent(probability: number): string {
  const percent = Math.round(Math.min(1, Math.max(0, probability)) * 100);
  return String(percent).replace(/\d/g, (digit) => SUBSCRIPT[Number(digit)]!);
}

/** The run's settings with log-probabilities asked for (the user's alternatives count kept). */
export function withProbabilities(overrides: GenerationConfig): GenerationConfig {
  return { ...overrides, logprobs: overrides.logprobs ?? 0 };
}

/** One streamed token as shown: its text, then its probability where the backend gave one. */
export function tokenWithProbability(token: StreamedToken): string {
  if (!token.logprob) return token.text;
  const probability = Math.exp(token.logprob.logprob);
  // A newline stays a line break; the probability goes before it, so it stays with its token.
  const match = /^(.*?)(\s*)$/s.exec(token.text)!;
  const [, body, trailing] = match;
  return `${body === '' ? visibleBlank(trailing!) : body}${subscriptPercent(probability)}${body === '' ? (trailing!.includes('\n') ? '\n' : '') : trailing}`;
}

/** A token that is only whitespace: shown as · (space) or ⏎ (newline) so its probability has a place. */
function visibleBlank(text: string): string {
  return text.replace(/ /g, '·').replace(/\n/g, '⏎').replace(/\t/g, '→');
}

export const PROBABILITIES_LEGEND = 'each token\'s probability in % follows it in subscript: the model\'s own, before the sampler';
