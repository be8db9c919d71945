// Inside the sandbox (the worker's thread): a PAL completion's program run in a QuickJS context,
// with a `console` whose lines come back as plain text. The answer is the value of a global
// `answer`, else the program's last expression. Text is capped inside QuickJS, so a program that
// builds a 30 MB string never copies it into the worker's heap or across to the caller.
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten-core';
import { ANSWER_CHARS, CONSOLE_LINE_CHARS, CONSOLE_LINE_LIMIT } from './limits';
import { errorText } from './errorText';


export interface ProgramJob {
  kind: 'program';
  code: string;
  /** A fenced block, or the whole completion (to be run only if it parses). */
  from: 'block' | 'text';
}

export interface ProgramOutcome {
  console: string[];
  answer?: string;
  error?: string;
}

// Set up inside the sandbox before the program: `console` formats its arguments to one line and
// hands it to the host as a string. The prelude's value is `answerText` (any value as capped text),
// which the host keeps as a handle: the program cannot reach it or the host's `__print`.
const PRELUDE = `(() => {
  const print = globalThis.__print; delete globalThis.__print;
  const cap = (text, limit) => text.length > limit ? text.slice(0, limit) + '… (' + (text.length - limit) + ' more characters)' : text;
  const show = (value) => {
    if (typeof value === 'string') return value;
    if (typeof value === 'function' || typeof value === 'symbol' || typeof value === 'bigint') return String(value);
    try { const json = JSON.stringify(value); return json === undefined ? String(value) : json; } catch { return String(value); }
  };
  const line = (level) => (...args) => { print(level, cap(args.map(show).join(' '), ${CONSOLE_LINE_CHARS})); };
  globalThis.console = { log: line('log'), info: line('log'), debug: line('log'), warn: line('error'), error: line('error') };
  return (value) => cap(show(value), ${ANSWER_CHARS});
})()`;

/** `answer` when the program defined it (a global let/const too); undefined otherwise. */
const ANSWER = "typeof answer !== 'undefined' ? answer : undefined";

/** The same cap outside QuickJS, for a program that replaced `String.prototype.slice` to get past
 * the one inside; room is left for the note the inside one appends. */
const cap = (text: string, limit: number) => (text.length > limit + 40 ? `${text.slice(0, limit)}… (${text.length - limit} more characters)` : text);

/** Runs the program in `vm`, printing into `consoleLines` (kept by the caller even if the
 * WebAssembly aborts half-way). */
export function runProgramIn(vm: QuickJSContext, job: ProgramJob, consoleLines: string[]): { answer?: string; error?: string } {
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
  const answerText = prelude.value;
  try {
    const outcome = answerOf(vm, job, answerText);
    if (dropped > 0) consoleLines.push(`… ${dropped} more console lines not kept`);
    return outcome;
  } finally {
    answerText.dispose();
  }
}

function answerOf(vm: QuickJSContext, job: ProgramJob, answerText: QuickJSHandle): { answer?: string; error?: string } {
  if (job.from === 'text') {
    // Bare text runs only if it is JavaScript: prose that happens to start a program is not run.
    const compiled = vm.evalCode(job.code, 'program.js', { compileOnly: true });
    if (compiled.error) return { error: `the completion has no code block and is not JavaScript (${errorText(vm, compiled.error)})` };
    compiled.value.dispose();
  }
  const result = vm.evalCode(job.code, 'program.js');
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
        const text = vm.callFunction(answerText, vm.undefined, settled);
        if (text.error) return { error: errorText(vm, text.error) };
        const answer = cap(vm.getString(text.value), ANSWER_CHARS);
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
