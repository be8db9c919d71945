// Runs a test's assertions on one output: each handler gives a verdict, `not-` negates it (pass
// flipped, score 1 − score, as promptfoo's handlers do), and the assertion's weight and metric are
// attached. An assertion that cannot be evaluated is an error, and stays one under `not-`.
import type { Assertion, AssertionContext, AssertionResult } from '../types';
import { containsJson, isJson } from './json';
import { javascript } from './javascript';
import { cost, latency, overlap, perplexity } from './measures';
import { modelGraded } from './modelGraded';
import { parseAssertionType, type AssertionType } from './registry';
import { contains, containsList, equals, levenshtein, regex, startsWith, wordCount } from './text';
import { failure, type Verdict } from './verdict';

async function evaluate(type: AssertionType, assertion: Assertion, context: AssertionContext): Promise<Verdict> {
  const { output } = context;
  switch (type) {
    case 'equals': return equals(output, assertion);
    case 'contains': return contains(output, assertion, false);
    case 'icontains': return contains(output, assertion, true);
    case 'contains-any': return containsList(output, assertion, 'any', false);
    case 'contains-all': return containsList(output, assertion, 'all', false);
    case 'icontains-any': return containsList(output, assertion, 'any', true);
    case 'icontains-all': return containsList(output, assertion, 'all', true);
    case 'starts-with': return startsWith(output, assertion);
    case 'regex': return regex(output, assertion);
    case 'is-json': return isJson(output, assertion);
    case 'contains-json': return containsJson(output, assertion);
    case 'levenshtein': return levenshtein(output, assertion);
    case 'rouge-n': case 'rouge-l': case 'bleu': return overlap(output, assertion, type);
    case 'word-count': return wordCount(output, assertion);
    case 'latency': return latency(context, assertion);
    case 'cost': return cost(context, assertion);
    case 'perplexity': return perplexity(context, assertion, false);
    case 'perplexity-score': return perplexity(context, assertion, true);
    case 'javascript': return javascript(context, assertion);
    case 'llm-rubric': case 'factuality': case 'answer-relevance': case 'g-eval': return modelGraded(type, context, assertion);
  }
}

export async function runAssertion(assertion: Assertion, context: AssertionContext): Promise<AssertionResult> {
  const { base, negated } = parseAssertionType(assertion.type);
  let outcome: Verdict;
  if (!base) outcome = failure(`Unknown assertion type \`${assertion.type}\``);
  else {
    try {
      outcome = await evaluate(base, assertion, context);
    } catch (error) {
      outcome = failure(`${assertion.type} failed: ${(error as Error).message}`);
    }
  }
  if (negated && !outcome.error) outcome = { ...outcome, pass: !outcome.pass, score: 1 - outcome.score };
  const result: AssertionResult = { type: assertion.type, pass: outcome.error ? false : outcome.pass, score: outcome.error ? 0 : outcome.score, reason: outcome.reason, weight: assertion.weight ?? 1 };
  if (assertion.metric !== undefined) result.metric = assertion.metric;
  if (outcome.error) result.error = true;
  if (outcome.judge) result.judge = outcome.judge;
  return result;
}

/** Runs every assertion, one after another (model-graded ones call the judge; order is kept). */
export async function runAssertions(asserts: readonly Assertion[], context: AssertionContext): Promise<AssertionResult[]> {
  const results: AssertionResult[] = [];
  for (const assertion of asserts) results.push(await runAssertion(assertion, context));
  return results;
}
