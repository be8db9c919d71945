// Inside the sandbox (the worker's thread): a dataset's `javascript` assertion, as promptfoo reads
// it, called on the output and context in a QuickJS context; what it returned comes back as JSON.
import type { QuickJSContext } from 'quickjs-emscripten-core';
import { errorText } from './errorText';

export interface AssertionJob {
  kind: 'assertion';
  code: string;
  /** `{ output, context }` as JSON text: data goes in as text and is parsed inside, so no host
   * object is ever visible to the code. */
  input: string;
}

export interface AssertionOutcome {
  /** What the code returned, as JSON; absent when it returned undefined. */
  json?: string;
  error?: string;
}

/** The code as promptfoo reads it: several lines are a function body, one line is an expression. */
export function functionSource(code: string): string {
  const body = code.includes('\n') ? code : `return ${code}`;
  return `(function (output, context) {\n${body}\n})`;
}

export function runAssertionIn(vm: QuickJSContext, job: AssertionJob): AssertionOutcome {
  const input = vm.newString(job.input);
  vm.setProp(vm.global, '__input', input);
  input.dispose();
  const program = `(() => { const { output, context } = JSON.parse(__input); delete globalThis.__input;\n` +
    `const result = ${functionSource(job.code)}(output, context);\n` +
    `return result === undefined ? undefined : JSON.stringify(result); })()`;
  const result = vm.evalCode(program, 'assertion.js');
  if (result.error) return { error: errorText(vm, result.error) };
  const value = vm.dump(result.value) as unknown;
  result.value.dispose();
  return typeof value === 'string' ? { json: value } : {};
}
