// Words for the text metrics (ROUGE, BLEU, distinct-n). One tokenizer for all of them, so that a
// column's numbers are comparable with each other and the same text always gives the same words.
//
// It is the default tokenizer of Google's `rouge-score` package (rouge_score/tokenize.py,
// `tokenize(text, stemmer=None)`): lower-case, replace every run of non-alphanumeric characters with
// a space, split, drop empty strings. rouge-score keeps only [a-z0-9]; here any Unicode letter,
// number or combining mark counts (\p{L}\p{N}\p{M}), so "café" stays one word instead of "caf" and
// Devanagari vowel signs do not cut words apart. On ASCII text both give the same words. Text is
// NFC-normalized first so that a precomposed and a decomposed "é" are the same word. No stemming.
//
// BLEU here uses these words too, not sacreBLEU's 13a tokenizer (which keeps punctuation as tokens
// and does not lower-case): scores equal sacreBLEU's with `tokenize='none', lowercase=True` on text
// whose punctuation stays attached to the same words in candidate and reference.

const NON_WORD = /[^\p{L}\p{N}\p{M}]+/u;

export function tokenizeForMetrics(text: string): string[] {
  return text.normalize('NFC').toLowerCase().split(NON_WORD).filter((word) => word !== '');
}

/** Counts of the n-grams of `tokens` (keys are the words joined by a space: words have none). */
export function ngramCounts(tokens: readonly string[], n: number): Map<string, number> {
  const counts = new Map<string, number>();
  for (let i = 0; i + n <= tokens.length; i++) {
    const key = tokens.slice(i, i + n).join(' ');
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
}

/** n must be a positive integer: n-gram orders come from callers, a typo should not score 0. */
export function checkOrder(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n-gram order must be a positive integer, got ${n}`);
}
