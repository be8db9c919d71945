import type { CliIO } from './io';

/** A `prompt-lab <name>` subcommand. Later issues add theirs to `COMMANDS`. */
export interface CliCommand {
  name: string;
  /** One line for `prompt-lab --help`. */
  summary: string;
  /** Returns the process exit code (see `ExitCode`). */
  run(args: string[], io: CliIO): Promise<number>;
}

export const COMMANDS: readonly CliCommand[] = [];
