// Light on purpose: `prompt-lab --help` evaluates this file, commands.ts and the few small modules
// below, never a command's own module (see LazyCliCommand).
import { COMMANDS, type CliCommand, type LazyCliCommand } from './commands';
import { UsageError } from './args';
import { ConfigError } from './configError';
import { ExitCode, type CliIO } from './io';
import { FileError, fileSystemMessage, isFileSystemError } from './fileErrors';

type AnyCommand = CliCommand | LazyCliCommand;

function usage(commands: readonly AnyCommand[]): string {
  const width = Math.max(8, ...commands.map((command) => command.name.length));
  const list = commands.length > 0
    ? commands.map((command) => `  ${command.name.padEnd(width)}  ${command.summary}`).join('\n')
    : '  (none in this build)';
  return `Usage: prompt-lab <command> [options]

Runs Dotprompt .prompt files from the command line, with the same engine as the Prompt Lab
extension for VS Code. Exit codes: 0 success; 1 findings, a failed check or run; 2 bad usage
(an unknown flag, a value out of range, a file that cannot be read); 70 a bug in Prompt Lab.

Commands:
${list}

Run 'prompt-lab <command> --help' for a command's options.

Options:
  -h, --help     Show this help
  -v, --version  Show the version
`;
}

/** Runs the CLI on `argv` (without `node` and the script) and returns the exit code. */
export async function runCli(
  argv: readonly string[],
  io: CliIO,
  version: string,
  commands: readonly AnyCommand[] = COMMANDS,
): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    io.stdout(usage(commands));
    return ExitCode.ok;
  }
  if (first === '-v' || first === '--version') {
    io.stdout(`${version}\n`);
    return ExitCode.ok;
  }
  const listed = commands.find((candidate) => candidate.name === first);
  if (!listed) {
    const what = first.startsWith('-') ? `unknown option '${first}'` : `unknown command '${first}'`;
    io.stderr(`prompt-lab: ${what}. Run 'prompt-lab --help' for the list of commands.\n`);
    return ExitCode.usage;
  }
  const command = 'load' in listed ? await listed.load() : listed;
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(`${command.usage}\n`);
    return ExitCode.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    // A config file that cannot be used (or may not send a key) is bad usage too, but the
    // command's usage would not help: its message says what to do.
    if (error instanceof ConfigError) {
      io.stderr(`prompt-lab ${command.name}: ${error.message}\n`);
      return ExitCode.usage;
    }
    // A path the user gave that cannot be used (an output file in a missing folder, a file where a
    // folder belongs) is their mistake, not a bug: said in words, exit 2.
    if (isFileSystemError(error)) {
      io.stderr(`prompt-lab ${command.name}: ${fileSystemMessage(error)}\n`);
      return ExitCode.usage;
    }
    if (!(error instanceof UsageError)) throw error;
    if (!error.showUsage) {
      // A file that cannot be read is named on its own line, whichever command read it.
      io.stderr(`${error instanceof FileError ? 'prompt-lab' : `prompt-lab ${command.name}`}: ${error.message}\n`);
      return ExitCode.usage;
    }
    io.stderr(`prompt-lab ${command.name}: ${error.message}\n${command.usage}\n`);
    return ExitCode.usage;
  }
}
