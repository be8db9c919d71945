// PAL (`promptlab.execute: javascript`): the program a completion wrote, found and run in the QuickJS
// sandbox. The model's code never runs in Node: it gets a fresh WebAssembly runtime with a memory
// limit and a deadline, no require/process/fetch/file system, and a `console` whose lines come back
// as plain text. The answer is the value of a global `answer`, else the program's last expression.
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten-core';
import { errorText, limitReason, SANDBOX_MEMORY_LIMIT, SANDBOX_TIME_LIMIT_MS, withSandbox, type SandboxLimits } from '../sandbox/quickjs';
import type { ExecutionTrace } from './trace';

/** Console lines kept, and characters per line and for the answer: a program that prints in a loop
 * must not fill the panel or the history. */
export const CONSOLE_LINE_LIMIT = 100;
export const CONSOLE_LINE_CHARS = 1000;
export const ANSWER_CHARS = 4000;

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

// Set up inside the sandbox before the program: `console` formats its arguments to one line and
// hands it to the host as a string. The prelude's value is `show` (any value as text), which the host
// keeps as a handle: the program cannot reach it or the host's `__print`.
const PRELUDE = `(() => {
  const print = globalThis.__print; delete globalThis.__print;
  const show = (value) => {
    if (typeof value === 'string') return value;
    if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') return String(value);
    try { const json = JSON.stringify(value); return json === undefined ? String(value) : json; } catch { return String(value); }
  };
  const line = (level) => (...args) => { print(level, args.map(show).join(' ')); };
  globalThis.console = { log: line('log'), info: line('log'), debug: line('log'), warn: line('error'), error: line('error') };
  return show;
})()`;

/** `answer` when the program defined it (a global let/const too); undefined otherwise. */
const ANSWER = "typeof answer !== 'undefined' ? answer : undefined";

const cap = (text: string, limit: number) => (text.length > limit ? `${text.slice(0, limit)}… (${text.length - limit} more characters)` : text);

/** Runs the program a completion wrote; what it printed, its answer or why it has none. */
export async function runProgram(completion: string, limits: SandboxLimits = {}): Promise<ExecutionTrace> {
  const started = Date.now();
  const found = findCode(completion);
  if (!found) {
    return { language: 'javascript', console: [], error: 'the completion has no JavaScript code block (```js … ```) to run', durationMs: 0 };
  }
  const consoleLines: string[] = [];
  const outcome = await withSandbox(limits, (vm) => execute(vm, found, consoleLines));
  const trace: ExecutionTrace = { language: 'javascript', code: found.code, console: consoleLines, durationMs: Date.now() - started };
  if ('answer' in outcome && outcome.answer !== undefined) trace.answer = cap(outcome.answer, ANSWER_CHARS);
  if (outcome.error !== undefined) trace.error = explain(outcome.error, limits);
  else if (trace.answer === undefined) trace.error = 'the program set no `answer` and its last statement has no value';
  return trace;
}

function execute(vm: QuickJSContext, found: FoundCode, consoleLines: string[]): { answer?: string; error?: string } {
  let dropped = 0;
  const print = vm.newFunction('__print', (level, text) => {
    if (consoleLines.length >= CONSOLE_LINE_LIMIT) { dropped++; return; }
    const line = cap(vm.getString(text), CONSOLE_LINE_CHARS);
    consoleLines.push(vm.getString(level) === 'error' ? `error: ${line}` : line);
  });
  vm.setProp(vm.global, '__print', print);
  print.dispose();
  const prelude = vm.evalCode(PRELUDE, 'prelude.js');
  if (prelude.error) return { error: errorText(vm, prelude.error) };
  const show = prelude.value;
  try {
    const outcome = answerOf(vm, found, show);
    if (dropped > 0) consoleLines.push(`… ${dropped} more console lines not kept`);
    return outcome;
  } finally {
    show.dispose();
  }
}

function answerOf(vm: QuickJSContext, found: FoundCode, show: QuickJSHandle): { answer?: string; error?: string } {
  if (found.from === 'text') {
    // Bare text runs only if it is JavaScript: prose that happens to start a program is not run.
    const compiled = vm.evalCode(found.code, 'program.js', { compileOnly: true });
    if (compiled.error) return { error: `the completion has no code block and is not JavaScript (${errorText(vm, compiled.error)})` };
    compiled.value.dispose();
  }
  const result = vm.evalCode(found.code, 'program.js');
  if (result.error) return { error: errorText(vm, result.error) };
  const last = result.value;
  try {
    // Promise callbacks the program queued run first (there are no timers: nothing waits on the host).
    const jobs = vm.runtime.executePendingJobs();
    if (jobs.error) return { error: errorText(vm, jobs.error) };
    const named = vm.evalCode(ANSWER, 'answer.js');
    if (named.error) return { error: errorText(vm, named.error) };
    const value = vm.typeof(named.value) === 'undefined' ? (named.value.dispose(), last.dup()) : named.value;
    try {
      const state = vm.getPromiseState(value);
      if (state.type === 'pending') return { error: 'the program\'s answer is a promise that never settled' };
      if (state.type === 'rejected') return { error: errorText(vm, state.error) };
      const settled = state.value;
      try {
        if (vm.typeof(settled) === 'undefined') return {};
        const text = vm.callFunction(show, vm.undefined, settled);
        if (text.error) return { error: errorText(vm, text.error) };
        const answer = vm.getString(text.value);
        text.value.dispose();
        return { answer };
      } finally {
        if (!state.notAPromise) settled.dispose();
      }
    } finally {
      value.dispose();
    }
  } finally {
    last.dispose();
  }
}

function explain(error: string, limits: SandboxLimits): string {
  switch (limitReason(error)) {
    case 'time': return `the program ran longer than ${limits.timeMs ?? SANDBOX_TIME_LIMIT_MS} ms and was stopped`;
    case 'memory': return `the program used more than ${Math.round((limits.memoryBytes ?? SANDBOX_MEMORY_LIMIT) / 1024 / 1024)} MB and was stopped`;
    default: return error;
  }
}
