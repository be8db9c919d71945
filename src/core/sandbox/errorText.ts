// A value thrown inside QuickJS as text (types only from QuickJS: no module is loaded by this file).
import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten-core';

/** A thrown value inside the sandbox as `Name: message` text (disposes the handle). */
export function errorText(vm: QuickJSContext, handle: QuickJSHandle): string {
  const error = vm.dump(handle) as { name?: string; message?: string } | string;
  handle.dispose();
  return typeof error === 'object' && error !== null ? `${error.name ?? 'Error'}: ${error.message ?? ''}` : String(error);
}
