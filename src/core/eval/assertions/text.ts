// Deterministic text assertions, following promptfoo's reference
// (https://www.promptfoo.dev/docs/configuration/expected-outputs/deterministic/). Each handler states
// the fact it found ("Output contains …" / "does not contain …"), so a negated assertion's reason reads right too.
import { isDeepStrictEqual } from 'node:util';
import { distance } from 'fastest-levenshtein';
import type { Assertion } from '../types';
import { failure, quote, verdict, type Verdict } from './verdict';

function expectText(assertion: Assertion, type: string): string | Verdict {
  const { value } = assertion;
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return failure(`${type} needs a text value${value === undefined ? '' : `, not ${quote(value)}`}`);
}

function expectList(assertion: Assertion, type: string): string[] | Verdict {
  const { value } = assertion;
  // A string is a comma-separated list, as promptfoo reads it.
  if (typeof value === 'string') return value.split(',').map((item) => item.trim()).filter((item) => item !== '');
  if (Array.isArray(value) && value.every((item) => ['string', 'number', 'boolean'].includes(typeof item))) return value.map(String);
  return failure(`${type} needs a list of texts${value === undefined ? '' : `, not ${quote(value)}`}`);
}

/** equals: the output is the value exactly; an object or list value is compared with the output read as JSON. */
export function equals(output: string, assertion: Assertion): Verdict {
  if (typeof assertion.value === 'object' && assertion.value !== null) {
    let parsed: unknown;
    try { parsed = JSON.parse(output); } catch { return verdict(false, 'Output is not JSON, so it does not equal the expected value'); }
    const same = isDeepStrictEqual(parsed, assertion.value);
    return verdict(same, same ? 'Output equals the expected JSON' : `Output ${quote(output)} differs from the expected JSON ${quote(assertion.value)}`);
  }
  const expected = expectText(assertion, 'equals');
  if (typeof expected !== 'string') return expected;
  const same = output === expected;
  return verdict(same, same ? `Output equals ${quote(expected)}` : `Output ${quote(output)} does not equal ${quote(expected)}`);
}

export function contains(output: string, assertion: Assertion, ignoreCase: boolean): Verdict {
  const type = ignoreCase ? 'icontains' : 'contains';
  const expected = expectText(assertion, type);
  if (typeof expected !== 'string') return expected;
  const found = ignoreCase ? output.toLowerCase().includes(expected.toLowerCase()) : output.includes(expected);
  return verdict(found, `Output ${found ? 'contains' : 'does not contain'} ${quote(expected)}${ignoreCase ? ' (ignoring case)' : ''}`);
}

export function containsList(output: string, assertion: Assertion, mode: 'any' | 'all', ignoreCase: boolean): Verdict {
  const type = `${ignoreCase ? 'i' : ''}contains-${mode}`;
  const list = expectList(assertion, type);
  if (!Array.isArray(list)) return list;
  const haystack = ignoreCase ? output.toLowerCase() : output;
  const found = list.filter((item) => haystack.includes(ignoreCase ? item.toLowerCase() : item));
  const missing = list.filter((item) => !found.includes(item));
  if (mode === 'any') {
    const pass = found.length > 0;
    return verdict(pass, pass ? `Output contains ${quote(found[0])}` : `Output contains none of ${list.map(quote).join(', ')}`);
  }
  const pass = missing.length === 0;
  return verdict(pass, pass ? `Output contains all of ${list.map(quote).join(', ')}` : `Output does not contain ${missing.map(quote).join(', ')}`);
}

export function startsWith(output: string, assertion: Assertion): Verdict {
  const expected = expectText(assertion, 'starts-with');
  if (typeof expected !== 'string') return expected;
  const pass = output.startsWith(expected);
  return verdict(pass, `Output ${pass ? 'starts' : 'does not start'} with ${quote(expected)}`);
}

export function regex(output: string, assertion: Assertion): Verdict {
  const pattern = expectText(assertion, 'regex');
  if (typeof pattern !== 'string') return pattern;
  let expression: RegExp;
  try { expression = new RegExp(pattern); } catch (error) { return failure(`regex ${quote(pattern)} is not a valid regular expression: ${(error as Error).message}`); }
  const pass = expression.test(output);
  return verdict(pass, `Output ${pass ? 'matches' : 'does not match'} /${pattern}/`);
}

/** word-count: words are runs of non-space; value is an exact count or `{ min, max }`. */
export function wordCount(output: string, assertion: Assertion): Verdict {
  const count = output.trim() === '' ? 0 : output.trim().split(/\s+/).length;
  const { value } = assertion;
  if (typeof value === 'number') return verdict(count === value, `Output has ${count} words (expected exactly ${value})`);
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const { min, max } = value as { min?: unknown; max?: unknown };
    if ((min !== undefined && typeof min !== 'number') || (max !== undefined && typeof max !== 'number') || (min === undefined && max === undefined)) {
      return failure('word-count needs a number, or { min, max } with numbers');
    }
    if (min !== undefined && max !== undefined && min > max) return failure(`word-count: min (${min}) is more than max (${max})`);
    const pass = (min === undefined || count >= min) && (max === undefined || count <= max);
    const range = min !== undefined && max !== undefined ? `between ${min} and ${max}` : min !== undefined ? `at least ${min}` : `at most ${max}`;
    return verdict(pass, `Output has ${count} words (expected ${range})`);
  }
  return failure('word-count needs a number, or { min, max }');
}

/** levenshtein: the edit distance to the value is at most the threshold (default 5); score 1 or 0, as promptfoo. */
export function levenshtein(output: string, assertion: Assertion): Verdict {
  const expected = expectText(assertion, 'levenshtein');
  if (typeof expected !== 'string') return expected;
  const threshold = assertion.threshold ?? 5;
  const edits = distance(output, expected);
  return verdict(edits <= threshold, `Levenshtein distance ${edits} ${edits <= threshold ? '≤' : '>'} threshold ${threshold}`);
}
