// The assertion types Prompt Lab evaluates, by promptfoo's names (any of them may be prefixed
// `not-`), and what a type's threshold means, for checking datasets before anything runs.

export const ASSERTION_TYPES = [
  'equals', 'contains', 'icontains', 'contains-any', 'contains-all', 'icontains-any', 'icontains-all',
  'starts-with', 'regex', 'is-json', 'contains-json', 'levenshtein', 'rouge-n', 'rouge-l', 'bleu',
  'word-count', 'latency', 'cost', 'perplexity', 'perplexity-score', 'javascript',
  'llm-rubric', 'factuality', 'answer-relevance', 'g-eval',
] as const;

export type AssertionType = (typeof ASSERTION_TYPES)[number];

/** Types whose threshold is a score between 0 and 1. */
export const SCORE_THRESHOLD_TYPES: ReadonlySet<string> = new Set([
  'rouge-n', 'rouge-l', 'bleu', 'perplexity-score', 'llm-rubric', 'answer-relevance', 'g-eval',
]);

/** Types that need a threshold to mean anything (promptfoo refuses them without one). */
export const THRESHOLD_REQUIRED_TYPES: ReadonlySet<string> = new Set(['latency', 'cost']);

const KNOWN: ReadonlySet<string> = new Set(ASSERTION_TYPES);

/** `not-contains` → `{ base: 'contains', negated: true }`; base is undefined when the type is unknown. */
export function parseAssertionType(type: string): { base?: AssertionType; negated: boolean } {
  const negated = type.startsWith('not-');
  const base = negated ? type.slice(4) : type;
  return { base: KNOWN.has(base) ? (base as AssertionType) : undefined, negated };
}
