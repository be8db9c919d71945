import type { CliIO } from './io';

/** A `prompt-lab <name>` subcommand. Later issues add theirs to `COMMANDS`. */
export interface CliCommand {
  name: string;
  /** One line for `prompt-lab --help`. */
  summary: string;
  /** `prompt-lab <name> --help`. */
  usage: string;
  /** Returns the process exit code (see `ExitCode`). */
  run(args: string[], io: CliIO): Promise<number>;
}

import { checkCommand } from './commands/check';
import { compareCommand } from './commands/compare';
import { nextCommand } from './commands/next';
import { renderCommand } from './commands/render';
import { runCommand } from './commands/run';
import { serveCommand } from './commands/serve';
import { tokensCommand } from './commands/tokens';
import { trustCommand } from './commands/trust';

export const COMMANDS: readonly CliCommand[] = [checkCommand, renderCommand, tokensCommand, nextCommand, compareCommand, runCommand, serveCommand, trustCommand];
