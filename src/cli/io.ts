/** Where a CLI command writes; injected so tests can run commands in-process. */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** Exit codes shared by every subcommand (DESIGN.md, The command line). */
export const ExitCode = {
  ok: 0,
  /** Findings, or a check that failed. */
  findings: 1,
  /** Bad usage: an unknown command or flag, a missing argument. */
  usage: 2,
  /** A bug in prompt-lab itself (sysexits' EX_SOFTWARE), never mistaken for findings. */
  internal: 70,
} as const;

/** `1 run`, `3 runs`: a count and its noun, plural when it is not one. */
export const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;
