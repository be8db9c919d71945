// How different the samples of one column are from each other, with no reference: distinct-n
// (Li et al. 2016, "A Diversity-Promoting Objective Function for Neural Conversation Models") and the
// mean ROUGE-L F1 over all pairs of samples (higher = more alike).
import { rougeLTokens } from './rouge';
import { checkOrder, ngramCounts, tokenizeForMetrics } from './tokenize';

/** Unique n-grams / all n-grams over all samples (n-grams never cross samples); 0 when there are none. */
export function distinctN(samples: readonly string[], n: number): number {
  return distinctNTokens(samples.map(tokenizeForMetrics), n);
}

/** Mean ROUGE-L F1 over the unordered pairs (F1 is symmetric); undefined for fewer than 2 samples. */
export function meanPairwiseRougeL(samples: readonly string[]): number | undefined {
  return meanPairwiseRougeLTokens(samples.map(tokenizeForMetrics));
}

export function distinctNTokens(samples: readonly (readonly string[])[], n: number): number {
  checkOrder(n);
  const unique = new Set<string>();
  let total = 0;
  for (const tokens of samples) {
    for (const [ngram, count] of ngramCounts(tokens, n)) {
      unique.add(ngram);
      total += count;
    }
  }
  return total === 0 ? 0 : unique.size / total;
}

export function meanPairwiseRougeLTokens(samples: readonly (readonly string[])[]): number | undefined {
  if (samples.length < 2) return undefined;
  let sum = 0;
  let pairs = 0;
  for (let i = 0; i < samples.length; i++) {
    for (let j = i + 1; j < samples.length; j++) {
      sum += rougeLTokens(samples[i]!, samples[j]!).f1;
      pairs++;
    }
  }
  return sum / pairs;
}
