// The QuickJS sandbox (WebAssembly) that every piece of untrusted code runs in: a dataset's
// `javascript` assertions and a PAL completion's program. Each run gets a fresh runtime with a
// memory limit, a stack limit and a deadline enforced by an interrupt; the code sees no require,
// process, fetch, file system or any other Node API, only what a caller puts in as plain strings.
// This runs in the calling thread: only the sandbox worker (sandboxWorker.ts, through runJob.ts)
// and the bench's baseline call it. Callers use sandbox.ts, which runs it in a worker with a hard deadline too: an
// interrupt fires only between bytecodes, so one long native call (`Array(1e9).fill(0)`) would
// block this thread past the deadline.
import RELEASE_SYNC from '@jitl/quickjs-wasmfile-release-sync';
import { newQuickJSWASMModuleFromVariant, shouldInterruptAfterDeadline, type QuickJSContext, type QuickJSWASMModule } from 'quickjs-emscripten-core';
import { SANDBOX_MEMORY_LIMIT, SANDBOX_STACK_LIMIT, SANDBOX_TIME_LIMIT_MS, type SandboxLimits } from './limits';

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
