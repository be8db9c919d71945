// Assertions on a number: overlap with a reference (rouge-n, rouge-l, bleu, through src/core/metrics),
// and on the call (latency, cost, perplexity). Thresholds and defaults as promptfoo's docs give them
// (expected-outputs/deterministic: rouge-n 0.75, bleu 0.5; latency and cost need a threshold).
// Differences from promptfoo, on purpose: ROUGE and BLEU are Prompt Lab's tested metrics (rouge-score's
// ROUGE-1 F1 for rouge-n, LCS F1 for rouge-l, sacreBLEU's sentence BLEU / 100) rather than js-rouge and
// promptfoo's unsmoothed BLEU, so the numbers match the Compare panel's; with several references the best counts.
import { rougeL, rougeN, sentenceBleu } from '../../metrics';
import type { Assertion, AssertionContext } from '../types';
import { failure, verdict, type Verdict } from './verdict';

function references(assertion: Assertion, type: string): string[] | Verdict {
  const { value } = assertion;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.length > 0 && value.every((item) => typeof item === 'string')) return value;
  return failure(`${type} needs a reference text (or a list of them) as its value`);
}

function scored(type: string, score: number, threshold: number): Verdict {
  const pass = score >= threshold;
  return { pass, score, reason: `${type} score ${score.toFixed(3)} ${pass ? '≥' : '<'} threshold ${threshold}` };
}

export function overlap(output: string, assertion: Assertion, type: 'rouge-n' | 'rouge-l' | 'bleu'): Verdict {
  const refs = references(assertion, type);
  if (!Array.isArray(refs)) return refs;
  const score = Math.max(...refs.map((ref) =>
    type === 'rouge-n' ? rougeN(output, ref, 1).f1 : type === 'rouge-l' ? rougeL(output, ref).f1 : sentenceBleu(output, ref).score / 100));
  return scored(type.toUpperCase(), score, assertion.threshold ?? (type === 'bleu' ? 0.5 : 0.75));
}

export function latency(context: AssertionContext, assertion: Assertion): Verdict {
  if (assertion.threshold === undefined) return failure('latency needs a threshold in milliseconds');
  if (context.latencyMs === undefined) return failure('No latency was measured for this output (a cached result?)');
  const pass = context.latencyMs <= assertion.threshold;
  return verdict(pass, `Latency ${Math.round(context.latencyMs)} ms ${pass ? '≤' : '>'} ${assertion.threshold} ms`);
}

export function cost(context: AssertionContext, assertion: Assertion): Verdict {
  if (assertion.threshold === undefined) return failure('cost needs a threshold');
  if (context.cost === undefined) return failure('The backend reported no cost for this output (unknown model price or no usage)');
  const pass = context.cost <= assertion.threshold;
  return verdict(pass, `Cost ${context.cost.toPrecision(3)} ${pass ? '≤' : '>'} ${assertion.threshold}`);
}

/** exp(−mean log-probability) of the generated tokens. */
export function perplexityOf(logprobs: readonly number[]): number {
  return Math.exp(-logprobs.reduce((sum, logprob) => sum + logprob, 0) / logprobs.length);
}

/** perplexity: passes when at most the threshold (any value without one), score 1 or 0;
 * perplexity-score: 1 / (1 + perplexity), passes when at least the threshold, as promptfoo. */
export function perplexity(context: AssertionContext, assertion: Assertion, normalized: boolean): Verdict {
  const logprobs = context.logprobs;
  if (!logprobs || logprobs.length === 0) return failure('Perplexity needs token log-probabilities, which this backend or run did not return (turn on logprobs)');
  const value = perplexityOf(logprobs);
  if (!normalized) {
    const pass = assertion.threshold === undefined || value <= assertion.threshold;
    return verdict(pass, `Perplexity ${value.toFixed(3)}${assertion.threshold === undefined ? '' : ` ${pass ? '≤' : '>'} threshold ${assertion.threshold}`}`);
  }
  const score = 1 / (1 + value);
  const pass = assertion.threshold === undefined || score >= assertion.threshold;
  return { pass, score, reason: `Perplexity score ${score.toFixed(3)}${assertion.threshold === undefined ? '' : ` ${pass ? '≥' : '<'} threshold ${assertion.threshold}`}` };
}
