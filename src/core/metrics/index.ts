// Text metrics for comparing completions: pure TypeScript, no vscode, usable from the CLI and the
// panel alike. Every metric tokenizes with tokenizeForMetrics (lower-cased words, see tokenize.ts).
import { bleuFromStatistics, bleuStatistics } from './bleu';
import { distinctNTokens, meanPairwiseRougeLTokens } from './diversity';
import { rougeLTokens, rougeNTokens } from './rouge';
import { tokenizeForMetrics } from './tokenize';

export { tokenizeForMetrics } from './tokenize';
export { rougeN, rougeL, fMeasure, type RougeScore } from './rouge';
export {
  sentenceBleu,
  corpusBleu,
  bleuStatistics,
  bleuFromStatistics,
  BLEU_MAX_ORDER,
  type BleuOptions,
  type BleuScore,
  type BleuSmoothing,
  type BleuStatistics,
} from './bleu';
export { distinctN, meanPairwiseRougeL } from './diversity';

export interface ColumnMetrics {
  /** Mean number of words per sample (0 with no samples). */
  meanWords: number;
  distinct1: number;
  distinct2: number;
  /** Present with 2 samples or more. */
  meanPairwiseRougeL?: number;
  /** Present with a reference and at least one sample: means over the samples (F1 for ROUGE, BLEU 0–100). */
  rouge1?: number;
  rouge2?: number;
  rougeL?: number;
  bleu?: number;
}

/** The numbers for one column of samples, tokenizing each text once. */
export function columnMetrics(samples: readonly string[], reference?: string): ColumnMetrics {
  const tokens = samples.map(tokenizeForMetrics);
  const result: ColumnMetrics = {
    meanWords: mean(tokens.map((t) => t.length)) ?? 0,
    distinct1: distinctNTokens(tokens, 1),
    distinct2: distinctNTokens(tokens, 2),
  };
  const pairwise = meanPairwiseRougeLTokens(tokens);
  if (pairwise !== undefined) result.meanPairwiseRougeL = pairwise;
  if (reference !== undefined && tokens.length > 0) {
    const ref = tokenizeForMetrics(reference);
    result.rouge1 = mean(tokens.map((t) => rougeNTokens(t, ref, 1).f1));
    result.rouge2 = mean(tokens.map((t) => rougeNTokens(t, ref, 2).f1));
    result.rougeL = mean(tokens.map((t) => rougeLTokens(t, ref).f1));
    // Sentence BLEU per sample, as sentenceBleu does (smoothing 'exp', effective order).
    result.bleu = mean(tokens.map((t) => bleuFromStatistics(bleuStatistics(t, ref), { effectiveOrder: true }).score));
  }
  return result;
}

function mean(values: readonly number[]): number | undefined {
  return values.length === 0 ? undefined : values.reduce((a, b) => a + b, 0) / values.length;
}
