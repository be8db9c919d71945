// A job run in a fresh QuickJS runtime in the thread that calls runJob: the sandbox worker's (and
// the bench's in-thread baseline).
import { runAssertionIn } from './assertionJob';
import type { OutcomeOf, SandboxJob } from './jobs';
import type { SandboxLimits } from './limits';
import { runProgramIn } from './programJob';
import { withSandbox } from './quickjs';

/** Runs `job` under `limits` in this thread; every failure is an `{ error }` outcome. */
export async function runJob<J extends SandboxJob>(job: J, limits: SandboxLimits): Promise<OutcomeOf<J>> {
  if (job.kind === 'program') {
    // Lines printed before a WebAssembly abort are still the program's output.
    const consoleLines: string[] = [];
    const outcome = await withSandbox(limits, (vm) => runProgramIn(vm, job, consoleLines));
    return { ...outcome, console: consoleLines } as OutcomeOf<J>;
  }
  return (await withSandbox(limits, (vm) => runAssertionIn(vm, job))) as OutcomeOf<J>;
}
