// What the sandbox runs, as plain data that crosses to the worker thread (structured clone). Types
// only, and no QuickJS: the host side imports this (runJob.ts runs a job, in the worker).
import type { AssertionJob, AssertionOutcome } from './assertionJob';
import type { ProgramJob, ProgramOutcome } from './programJob';

export type { AssertionJob, AssertionOutcome } from './assertionJob';
export type { ProgramJob, ProgramOutcome } from './programJob';

export type SandboxJob = ProgramJob | AssertionJob;
export type OutcomeOf<J extends SandboxJob> = J extends ProgramJob ? ProgramOutcome : AssertionOutcome;
export type SandboxOutcome = ProgramOutcome | AssertionOutcome;

/** The outcome of a job that never finished (its worker was ended or died). */
export function failedOutcome<J extends SandboxJob>(job: J, error: string): OutcomeOf<J> {
  return (job.kind === 'program' ? { console: [], error } : { error }) as OutcomeOf<J>;
}
