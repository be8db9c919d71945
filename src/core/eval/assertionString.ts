// An assertion written as one string, as promptfoo reads the `__expected` columns of a CSV dataset
// (promptfoo src/csv.ts, assertionFromString): `contains: Paris`, `not-icontains: error`,
// `contains-any: a, b`, `levenshtein(3): hello`, `javascript: output.length < 10`, `grade: …`
// (llm-rubric); anything else is `equals` the whole text.
// Differences from promptfoo: the value after `type:` loses its leading spaces (`contains: Paris`
// means "Paris", which is what people who write it mean), and a type given no `(threshold)` keeps
// its own default instead of promptfoo's blanket 0.75 (which would make `levenshtein` exact).
import type { Assertion } from './types';
import { ASSERTION_TYPES } from './assertions/registry';

const PATTERN = new RegExp(`^(not-)?(${[...ASSERTION_TYPES].sort((a, b) => b.length - a.length).join('|')})(?:\\((\\d+(?:\\.\\d+)?)\\))?(?::([\\s\\S]*))?$`);
const LIST_TYPES = new Set(['contains-any', 'contains-all', 'icontains-any', 'icontains-all']);

export function assertionFromString(expected: string): Assertion {
  for (const prefix of ['javascript:', 'fn:', 'eval:']) {
    if (expected.startsWith(prefix)) return { type: 'javascript', value: expected.slice(prefix.length).trim() };
  }
  for (const prefix of ['grade:', 'llm-rubric:']) {
    if (expected.startsWith(prefix)) return { type: 'llm-rubric', value: expected.slice(prefix.length).trim() };
  }
  const match = PATTERN.exec(expected);
  if (!match) return { type: 'equals', value: expected };
  const [, not, type, threshold, rawValue] = match;
  const assertion: Assertion = { type: `${not ?? ''}${type!}` };
  const value = rawValue?.replace(/^\s+/, '');
  if (value !== undefined && value !== '') {
    assertion.value = LIST_TYPES.has(type!) ? value.split(',').map((item) => item.trim()) : value;
  }
  if (threshold !== undefined) assertion.threshold = Number.parseFloat(threshold);
  return assertion;
}
