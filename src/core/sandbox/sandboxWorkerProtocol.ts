// The messages between the sandbox's host side (sandbox.ts) and its worker (sandboxWorker.ts).
import type { SandboxJob, SandboxOutcome } from './jobs';
import type { SandboxLimits } from './limits';

export interface JobRequest {
  id: number;
  job: SandboxJob;
  limits: SandboxLimits;
}

/** `started` when the job is about to run (its QuickJS module is loaded): the host's hard deadline
 * counts from then. Then the outcome. */
export type JobReply = { id: number; started: true } | { id: number; outcome: SandboxOutcome };
