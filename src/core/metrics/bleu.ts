// BLEU-4 (uniform weights, brevity penalty) as sacreBLEU 2.x computes it (sacrebleu/metrics/bleu.py,
// BLEU.compute_bleu), on 0–100 like sacreBLEU. The words come from tokenizeForMetrics (see there).
//
// Defaults follow sacreBLEU's: `sentenceBleu` is its `sentence_bleu` (smoothing 'exp', effective
// order on) and `corpusBleu` its `corpus_bleu` (smoothing 'exp', effective order off).
// 'exp' is Chen & Cherry (2014) method 3, the NIST mteval-v13a smoothing: the k-th n-gram order with
// no match counts as 1 / (2^k · total) instead of 0, so one missing 4-gram does not zero a sentence.
// 'floor' (method 1), 'add-k' (method 2) and 'none' are there because sacreBLEU has them, and so
// that its published values for them can be checked. As in sacreBLEU 2.x (issue #141), no matching
// n-gram at all scores 0 whatever the smoothing.
import { ngramCounts, tokenizeForMetrics } from './tokenize';

export const BLEU_MAX_ORDER = 4;

export type BleuSmoothing = 'exp' | 'floor' | 'add-k' | 'none';

export interface BleuOptions {
  smoothing?: BleuSmoothing;
  /** For 'floor' (default 0.1) and 'add-k' (default 1), as in sacreBLEU. */
  smoothValue?: number;
  /** Average only the orders the candidate has n-grams for (a 2-word text is scored on 1- and 2-grams). */
  effectiveOrder?: boolean;
}

/** Sufficient statistics: they add up over a corpus. */
export interface BleuStatistics {
  /** Matching n-grams per order 1..4, clipped by the reference's counts. */
  correct: number[];
  /** The candidate's n-grams per order 1..4. */
  total: number[];
  candidateLength: number;
  referenceLength: number;
}

export interface BleuScore {
  /** 0–100. */
  score: number;
  /** Per order 1..4 after smoothing, 0–100. */
  precisions: number[];
  brevityPenalty: number;
  candidateLength: number;
  referenceLength: number;
}

const SMOOTH_DEFAULTS = { floor: 0.1, 'add-k': 1 } as const;

export function sentenceBleu(candidate: string, reference: string, options: BleuOptions = {}): BleuScore {
  return bleuFromStatistics(bleuStatistics(tokenizeForMetrics(candidate), tokenizeForMetrics(reference)), { effectiveOrder: true, ...options });
}

/** One BLEU over all pairs (statistics summed, then scored): not the mean of sentence BLEUs. */
export function corpusBleu(candidates: readonly string[], references: readonly string[], options: BleuOptions = {}): BleuScore {
  if (candidates.length !== references.length) {
    throw new RangeError(`corpusBleu needs one reference per candidate: ${candidates.length} candidates, ${references.length} references`);
  }
  const sum: BleuStatistics = { correct: zeros(), total: zeros(), candidateLength: 0, referenceLength: 0 };
  candidates.forEach((candidate, i) => {
    const stats = bleuStatistics(tokenizeForMetrics(candidate), tokenizeForMetrics(references[i]!));
    for (let n = 0; n < BLEU_MAX_ORDER; n++) {
      sum.correct[n]! += stats.correct[n]!;
      sum.total[n]! += stats.total[n]!;
    }
    sum.candidateLength += stats.candidateLength;
    sum.referenceLength += stats.referenceLength;
  });
  return bleuFromStatistics(sum, options);
}

export function bleuStatistics(candidate: readonly string[], reference: readonly string[]): BleuStatistics {
  const correct = zeros();
  const total = zeros();
  for (let n = 1; n <= BLEU_MAX_ORDER; n++) {
    const referenceNgrams = ngramCounts(reference, n);
    for (const [ngram, count] of ngramCounts(candidate, n)) {
      correct[n - 1] = correct[n - 1]! + Math.min(count, referenceNgrams.get(ngram) ?? 0);
      total[n - 1] = total[n - 1]! + count;
    }
  }
  return { correct, total, candidateLength: candidate.length, referenceLength: reference.length };
}

/** sacreBLEU's compute_bleu. Defaults: smoothing 'exp', effective order off (corpus BLEU). */
export function bleuFromStatistics(stats: BleuStatistics, options: BleuOptions = {}): BleuScore {
  const smoothing = options.smoothing ?? 'exp';
  const smoothValue = options.smoothValue ?? (smoothing === 'floor' || smoothing === 'add-k' ? SMOOTH_DEFAULTS[smoothing] : 0);
  const { candidateLength, referenceLength } = stats;
  const brevityPenalty = candidateLength < referenceLength ? (candidateLength > 0 ? Math.exp(1 - referenceLength / candidateLength) : 0) : 1;
  const precisions = zeros();
  const result = (score: number): BleuScore => ({ score, precisions, brevityPenalty, candidateLength, referenceLength });
  if (stats.correct.every((c) => c === 0)) return result(0);

  const correct = [...stats.correct];
  const total = [...stats.total];
  let order = BLEU_MAX_ORDER;
  let mteval = 1;
  for (let n = 1; n <= BLEU_MAX_ORDER; n++) {
    if (smoothing === 'add-k' && n > 1) {
      correct[n - 1]! += smoothValue;
      total[n - 1]! += smoothValue;
    }
    if (total[n - 1] === 0) break;
    if (options.effectiveOrder) order = n;
    if (correct[n - 1] === 0) {
      if (smoothing === 'exp') {
        mteval *= 2;
        precisions[n - 1] = 100 / (mteval * total[n - 1]!);
      } else if (smoothing === 'floor') {
        precisions[n - 1] = (100 * smoothValue) / total[n - 1]!;
      }
    } else {
      precisions[n - 1] = (100 * correct[n - 1]!) / total[n - 1]!;
    }
  }
  // A precision left at 0 (no smoothing, or an order past the break without effective order)
  // zeroes the score, as sacreBLEU's my_log(0) = -9999999999 does; no -Infinity arithmetic here.
  const used = precisions.slice(0, order);
  if (used.some((p) => p === 0)) return result(0);
  const meanLog = used.reduce((sum, p) => sum + Math.log(p), 0) / order;
  return result(brevityPenalty * Math.exp(meanLog));
}

function zeros(): number[] {
  return new Array<number>(BLEU_MAX_ORDER).fill(0);
}
