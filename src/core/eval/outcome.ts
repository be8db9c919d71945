// A test's outcome from its assertions' results, as promptfoo's AssertionsResult: the score is the
// weighted mean (weight 0 = reported, not counted); the test passes when every counted assertion
// passes, or, given a test threshold, when the score reaches it. An error fails the test either way:
// something that could not be checked is not a pass.
import type { AssertionResult, TestOutcome } from './types';

export interface OutcomeOptions {
  /** The test's threshold (`threshold:` or `options.threshold`). */
  threshold?: number;
}

export function testOutcome(results: readonly AssertionResult[], options: OutcomeOptions = {}): TestOutcome {
  let total = 0;
  let weights = 0;
  const named: Record<string, { sum: number; weight: number }> = Object.create(null);
  let failed: AssertionResult | undefined;
  for (const result of results) {
    total += result.score * result.weight;
    weights += result.weight;
    if (result.metric !== undefined) {
      const entry = (named[result.metric] ??= { sum: 0, weight: 0 });
      // A weight-0 assertion still gives its metric a value.
      const weight = result.weight || 1;
      entry.sum += result.score * weight;
      entry.weight += weight;
    }
    if (!result.pass && result.weight > 0) failed ??= result;
  }
  const errored = results.find((result) => result.error);
  const score = results.length === 0 ? 1 : weights > 0 ? total / weights : 0;
  const namedScores: Record<string, number> = {};
  for (const [metric, { sum, weight }] of Object.entries(named)) namedScores[metric] = weight > 0 ? sum / weight : 0;
  let pass = !failed;
  let reason = failed ? `${failed.type}: ${failed.reason}` : results.length === 0 ? 'No assertions' : 'All assertions passed';
  if (options.threshold !== undefined && Number.isFinite(options.threshold)) {
    pass = score >= options.threshold;
    reason = `Score ${score.toFixed(2)} ${pass ? '≥' : '<'} threshold ${options.threshold}`;
  }
  if (errored) {
    pass = false;
    reason = `${errored.type} could not be evaluated: ${errored.reason}`;
  }
  return { pass, score, reason, namedScores, error: Boolean(errored) };
}
