// PAL (`promptlab.execute: javascript`): the program a completion wrote, found and run in the QuickJS
// sandbox. The model's code never runs in Node: it gets a fresh WebAssembly runtime in the sandbox's
// worker thread with a memory limit and a deadline, no require/process/fetch/file system, and a
// `console` whose lines come back as plain text (sandbox/programJob.ts). The answer is the value of
// a global `answer`, else the program's last expression.
import { limitReason, SANDBOX_MEMORY_LIMIT, SANDBOX_TIME_LIMIT_MS, type SandboxLimits } from '../sandbox/limits';
import { runSandboxed } from '../sandbox/sandbox';
import type { ExecutionTrace } from './trace';

export { ANSWER_CHARS, CONSOLE_LINE_CHARS, CONSOLE_LINE_LIMIT } from '../sandbox/limits';

const FENCE = /```[ \t]*([\w+-]*)[^\n]*\n([\s\S]*?)(?:\n?```|$)/g;
const JS_LANGUAGES = new Set(['js', 'javascript', 'mjs', 'node']);

export interface FoundCode {
  code: string;
  /** A fenced block, or the whole completion (to be run only if it parses). */
  from: 'block' | 'text';
}

/** The completion's JavaScript: the first ```js / ```javascript block, else the first unlabelled
 * fence, else the whole text (a prompt that ends in an open fence and stops at ``` gets bare code;
 * run only if it parses).
 * Undefined when the only blocks are another language's: that is not code to run. */
export function findCode(completion: string): FoundCode | undefined {
  // An odd number of fences, the first bare: the prompt's cue opened the block and the completion
  // closes it (a backend that did not stop at the closing fence): the code is what comes before it.
  const fences = [...completion.matchAll(/^[ \t]*```[ \t]*([\w+-]*)/gm)];
  if (fences.length % 2 === 1 && fences[0]![1] === '') {
    const code = completion.slice(0, fences[0]!.index);
    return code.trim() ? { code, from: 'text' } : undefined;
  }
  const blocks = [...completion.matchAll(FENCE)].map((match) => ({ language: match[1]!.toLowerCase(), code: match[2]! }));
  const chosen = blocks.find((block) => JS_LANGUAGES.has(block.language)) ?? blocks.find((block) => block.language === '');
  if (chosen) return chosen.code.trim() ? { code: chosen.code, from: 'block' } : undefined;
  if (blocks.length > 0) return undefined;
  return completion.trim() ? { code: completion, from: 'text' } : undefined;
}

/** Runs the program a completion wrote; what it printed, its answer or why it has none. */
export async function runProgram(completion: string, limits: SandboxLimits = {}): Promise<ExecutionTrace> {
  const started = Date.now();
  const found = findCode(completion);
  if (!found) {
    return { language: 'javascript', console: [], error: 'the completion has no JavaScript code block (```js … ```) to run', durationMs: 0 };
  }
  const outcome = await runSandboxed({ kind: 'program', code: found.code, from: found.from }, limits);
  const trace: ExecutionTrace = { language: 'javascript', code: found.code, console: outcome.console, durationMs: Date.now() - started };
  if (outcome.answer !== undefined) trace.answer = outcome.answer;
  if (outcome.error !== undefined) trace.error = explain(outcome.error, limits);
  else if (trace.answer === undefined) trace.error = 'the program set no `answer` and its last statement has no value';
  return trace;
}

function explain(error: string, limits: SandboxLimits): string {
  switch (limitReason(error)) {
    case 'time': return `the program ran longer than ${limits.timeMs ?? SANDBOX_TIME_LIMIT_MS} ms and was stopped`;
    case 'memory': return `the program used more than ${Math.round((limits.memoryBytes ?? SANDBOX_MEMORY_LIMIT) / 1024 / 1024)} MB and was stopped`;
    default: return error;
  }
}
