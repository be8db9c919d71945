// javascript assertions, as promptfoo's (docs: expected-outputs/javascript): a one-line expression,
// or a function body (several lines) over `output` and `context` ({ vars, prompt }), returning a
// boolean, a number (a score: passes above 0, or at the threshold if given) or { pass, score, reason }.
// The code runs ONLY inside a QuickJS sandbox (WebAssembly, in the sandbox's worker thread): it has no
// require, process, fetch or any Node API, a memory limit and a deadline enforced by an interrupt and,
// for a native call that outlasts it, by ending the worker. Where promptfoo runs the code
// in Node, Prompt Lab does not: a dataset is data another person may have written. When the host
// does not allow code (VS Code's Restricted Mode) the assertion is an error that says so.
import type { Assertion, AssertionContext } from '../types';
import { limitReason, SANDBOX_MEMORY_LIMIT, SANDBOX_TIME_LIMIT_MS, type SandboxLimits } from '../../sandbox/limits';
import { runSandboxed } from '../../sandbox/sandbox';
import { failure, verdict, type Verdict } from './verdict';

export { functionSource } from '../../sandbox/assertionJob';

/** Runs the assertion's code in a fresh QuickJS runtime; returns what it returned, as JSON text. */
export async function runInSandbox(code: string, output: string, context: { vars: unknown; prompt?: string }, limits: SandboxLimits = {}): Promise<{ json?: string; error?: string }> {
  return runSandboxed({ kind: 'assertion', code, input: JSON.stringify({ output, context }) }, limits);
}

export async function javascript(context: AssertionContext, assertion: Assertion): Promise<Verdict> {
  if (!context.allowCode) {
    return failure('javascript assertions are not run here: this workspace is not trusted (Restricted Mode), and the assertion is code from the workspace. Trust the workspace to run it.');
  }
  if (typeof assertion.value !== 'string' || assertion.value.trim() === '') return failure('javascript needs code as its value, e.g. `output.length < 100`');
  const { json, error } = await runInSandbox(assertion.value, context.output, { vars: context.vars ?? {}, prompt: context.prompt });
  if (error !== undefined) {
    const limit = limitReason(error);
    const reason = limit === 'time' ? `javascript took longer than ${SANDBOX_TIME_LIMIT_MS} ms and was stopped`
      : limit === 'memory' ? `javascript used more than ${SANDBOX_MEMORY_LIMIT / 1024 / 1024} MB and was stopped` : `javascript threw ${error}`;
    return failure(reason);
  }
  const result: unknown = json === undefined ? undefined : JSON.parse(json);
  if (typeof result === 'boolean') return verdict(result, `javascript returned ${result}`);
  if (typeof result === 'number' && Number.isFinite(result)) {
    // As promptfoo: without a threshold a number passes above 0; with one, at or above it
    // (negated: below it), and the score is the number itself.
    const threshold = assertion.threshold;
    const pass = threshold === undefined ? result > 0 : result >= threshold;
    return { pass, score: Math.max(0, Math.min(1, result)), reason: `javascript returned ${result}${threshold === undefined ? '' : ` (threshold ${threshold})`}` };
  }
  if (typeof result === 'object' && result !== null && typeof (result as { pass?: unknown }).pass === 'boolean') {
    const graded = result as { pass: boolean; score?: unknown; reason?: unknown };
    const score = typeof graded.score === 'number' && Number.isFinite(graded.score) ? Math.max(0, Math.min(1, graded.score)) : graded.pass ? 1 : 0;
    return { pass: graded.pass, score, reason: typeof graded.reason === 'string' ? graded.reason : `javascript returned pass: ${graded.pass}` };
  }
  return failure(`javascript must return a boolean, a number or { pass, score, reason }, but returned ${json ?? 'undefined'}`);
}
