// What the sandbox runs, as plain data that crosses to the worker thread (structured clone), and
// how a job runs in a fresh QuickJS runtime in the thread that calls runJob: the worker's.
import { runAssertionIn, type AssertionJob, type AssertionOutcome } from './assertionJob';
import { runProgramIn, type ProgramJob, type ProgramOutcome } from './programJob';
import { withSandbox, type SandboxLimits } from './quickjs';

export type { AssertionJob, AssertionOutcome } from './assertionJob';
export type { ProgramJob, ProgramOutcome } from './programJob';

export type SandboxJob = ProgramJob | AssertionJob;
export type OutcomeOf<J extends SandboxJob> = J extends ProgramJob ? ProgramOutcome : AssertionOutcome;
export type SandboxOutcome = ProgramOutcome | AssertionOutcome;

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

/** The outcome of a job that never finished (its worker was ended or died). */
export function failedOutcome<J extends SandboxJob>(job: J, error: string): OutcomeOf<J> {
  return (job.kind === 'program' ? { console: [], error } : { error }) as OutcomeOf<J>;
}
