// The sandbox's limits, and which one stopped a run: what callers in the host thread need, kept
// apart from quickjs.ts so that the extension's and the CLI's bundles never load QuickJS (only
// dist/sandboxWorker.js does).

export const SANDBOX_MEMORY_LIMIT = 32 * 1024 * 1024;
/** QuickJS's own stack check: deeper recursion is a catchable `stack overflow`. At 1 MB the WebAssembly
 * stack runs out first and the host sees a RangeError instead. */
export const SANDBOX_STACK_LIMIT = 256 * 1024;
export const SANDBOX_TIME_LIMIT_MS = 1000;

export interface SandboxLimits {
  memoryBytes?: number;
  timeMs?: number;
}

/** Console lines kept, and characters per line and for the answer: a program that prints in a loop
 * must not fill the panel or the history. */
export const CONSOLE_LINE_LIMIT = 100;
export const CONSOLE_LINE_CHARS = 1000;
export const ANSWER_CHARS = 4000;

/** Which limit stopped the code, when one did: QuickJS reports the deadline as `interrupted`, the
 * worker's host as `out of time` (it ended a worker stuck in a native call, sandbox.ts). */
export function limitReason(error: string): 'time' | 'memory' | undefined {
  if (/interrupted|out of time/i.test(error)) return 'time';
  if (/out of memory/i.test(error)) return 'memory';
  return undefined;
}
