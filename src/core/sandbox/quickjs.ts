// The QuickJS sandbox (WebAssembly) that every piece of untrusted code runs in: a dataset's
// `javascript` assertions and a PAL completion's program. Each run gets a fresh runtime with a
// memory limit, a stack limit and a deadline enforced by an interrupt; the code sees no require,
// process, fetch, file system or any other Node API, only what a caller puts in as plain strings.
// This runs in the calling thread: only the sandbox worker (sandboxWorker.ts) and the bench's
// baseline call it. Callers use sandbox.ts, which runs it in a worker with a hard deadline too: an
// interrupt fires only between bytecodes, so one long native call (`Array(1e9).fill(0)`) would
// block this thread past the deadline.
import RELEASE_SYNC from '@jitl/quickjs-wasmfile-release-sync';
import { newQuickJSWASMModuleFromVariant, shouldInterruptAfterDeadline, type QuickJSContext, type QuickJSHandle, type QuickJSWASMModule } from 'quickjs-emscripten-core';

export const SANDBOX_MEMORY_LIMIT = 32 * 1024 * 1024;
/** QuickJS's own stack check: deeper recursion is a catchable `stack overflow`. At 1 MB the WebAssembly
 * stack runs out first and the host sees a RangeError instead. */
export const SANDBOX_STACK_LIMIT = 256 * 1024;
export const SANDBOX_TIME_LIMIT_MS = 1000;

export interface SandboxLimits {
  memoryBytes?: number;
  timeMs?: number;
}

let quickjs: Promise<QuickJSWASMModule> | undefined;

/** This thread's QuickJS module, compiled on first use (the worker starts it before its first job,
 * so that the job's deadline does not pay for it). */
export function loadQuickJS(): Promise<QuickJSWASMModule> {
  // One variant only (release, synchronous): the .vsix ships just its WebAssembly file.
  quickjs ??= newQuickJSWASMModuleFromVariant(RELEASE_SYNC);
  return quickjs;
}

/** Runs `body` with a fresh context under `limits`; a WebAssembly abort becomes `{ error }` and the
 * next run gets a fresh module (an aborted one cannot be used again). */
export async function withSandbox<T extends { error?: string }>(limits: SandboxLimits, body: (vm: QuickJSContext) => T): Promise<T | { error: string }> {
  const module = loadQuickJS();
  try {
    const runtime = (await module).newRuntime();
    try {
      runtime.setMemoryLimit(limits.memoryBytes ?? SANDBOX_MEMORY_LIMIT);
      runtime.setMaxStackSize(SANDBOX_STACK_LIMIT);
      runtime.setInterruptHandler(shouldInterruptAfterDeadline(Date.now() + (limits.timeMs ?? SANDBOX_TIME_LIMIT_MS)));
      const vm = runtime.newContext();
      try {
        return body(vm);
      } finally {
        vm.dispose();
      }
    } finally {
      runtime.dispose();
    }
  } catch (error) {
    if (quickjs === module) quickjs = undefined;
    return { error: `the sandbox failed: ${(error as Error).message}` };
  }
}

/** A thrown value inside the sandbox as `Name: message` text (disposes the handle). */
export function errorText(vm: QuickJSContext, handle: QuickJSHandle): string {
  const error = vm.dump(handle) as { name?: string; message?: string } | string;
  handle.dispose();
  return typeof error === 'object' && error !== null ? `${error.name ?? 'Error'}: ${error.message ?? ''}` : String(error);
}

/** Which limit stopped the code, when one did: QuickJS reports the deadline as `interrupted`, the
 * worker's host as `out of time` (it ended a worker stuck in a native call, sandbox.ts). */
export function limitReason(error: string): 'time' | 'memory' | undefined {
  if (/interrupted|out of time/i.test(error)) return 'time';
  if (/out of memory/i.test(error)) return 'memory';
  return undefined;
}
