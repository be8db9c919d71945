// ROUGE-N and sentence-level ROUGE-L of a candidate against one reference, computed as Google's
// `rouge-score` package does (rouge_score/rouge_scorer.py: _score_ngrams, _score_lcs): n-gram
// matches are clipped by the reference's counts, precision divides by the candidate's count and
// recall by the reference's, F1 = 2PR / (P + R) and 0 when both are 0. Not ROUGE-Lsum (summary level).
import { checkOrder, ngramCounts, tokenizeForMetrics } from './tokenize';

export interface RougeScore {
  precision: number;
  recall: number;
  f1: number;
}

const ZERO: RougeScore = { precision: 0, recall: 0, f1: 0 };

export function fMeasure(precision: number, recall: number): number {
  return precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
}

export function rougeN(candidate: string, reference: string, n: number): RougeScore {
  return rougeNTokens(tokenizeForMetrics(candidate), tokenizeForMetrics(reference), n);
}

export function rougeL(candidate: string, reference: string): RougeScore {
  return rougeLTokens(tokenizeForMetrics(candidate), tokenizeForMetrics(reference));
}

export function rougeNTokens(candidate: readonly string[], reference: readonly string[], n: number): RougeScore {
  checkOrder(n);
  const candidateNgrams = ngramCounts(candidate, n);
  const referenceNgrams = ngramCounts(reference, n);
  let overlap = 0;
  for (const [ngram, count] of referenceNgrams) overlap += Math.min(count, candidateNgrams.get(ngram) ?? 0);
  // rouge-score divides by max(count, 1): no n-grams on a side gives 0, not NaN.
  const precision = overlap / Math.max(candidate.length - n + 1, 1);
  const recall = overlap / Math.max(reference.length - n + 1, 1);
  return { precision, recall, f1: fMeasure(precision, recall) };
}

export function rougeLTokens(candidate: readonly string[], reference: readonly string[]): RougeScore {
  if (candidate.length === 0 || reference.length === 0) return { ...ZERO };
  const lcs = lcsLength(candidate, reference);
  const precision = lcs / candidate.length;
  const recall = lcs / reference.length;
  return { precision, recall, f1: fMeasure(precision, recall) };
}

/** Length of the longest common subsequence: the usual table, two rows at a time (O(a·b) time, O(b) memory). */
export function lcsLength(a: readonly string[], b: readonly string[]): number {
  let previous = new Array<number>(b.length + 1).fill(0);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      current[j] = a[i - 1] === b[j - 1] ? previous[j - 1]! + 1 : Math.max(previous[j]!, current[j - 1]!);
    }
    [previous, current] = [current, previous];
  }
  return previous[b.length]!;
}
