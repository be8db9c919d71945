// A small, strict argument parser: `--name value`, `--name=value`, repeatable options, boolean
// flags and positionals. Anything unknown is bad usage (exit 2), never silently ignored.

export interface OptionSpec {
  /** Takes a value (`--input k=v`); otherwise a boolean flag (`--json`). */
  value?: boolean;
  /** May be given more than once; values are collected in order. */
  repeat?: boolean;
}

export interface ParsedArgs {
  positionals: string[];
  flags: Set<string>;
  values: Map<string, string[]>;
}

export class UsageError extends Error {
  /** Print the command's usage after the message (not for a file that cannot be read, say). */
  readonly showUsage: boolean;
  constructor(message: string, options: { showUsage?: boolean } = {}) {
    super(message);
    this.name = 'UsageError';
    this.showUsage = options.showUsage ?? true;
  }
}

export function parseArgs(args: readonly string[], spec: Record<string, OptionSpec>): ParsedArgs {
  const parsed: ParsedArgs = { positionals: [], flags: new Set(), values: new Map() };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === '--') {
      parsed.positionals.push(...args.slice(i + 1));
      break;
    }
    if (!arg.startsWith('--') || arg === '-') {
      if (arg.startsWith('-') && arg !== '-') throw new UsageError(`unknown option '${arg}'`);
      parsed.positionals.push(arg);
      continue;
    }
    const equals = arg.indexOf('=');
    const name = arg.slice(2, equals === -1 ? undefined : equals);
    const option = spec[name];
    if (!option) throw new UsageError(`unknown option '--${name}'`);
    if (!option.value) {
      if (equals !== -1) throw new UsageError(`--${name} takes no value`);
      parsed.flags.add(name);
      continue;
    }
    const value = equals !== -1 ? arg.slice(equals + 1) : args[++i];
    if (value === undefined) throw new UsageError(`--${name} needs a value`);
    const values = parsed.values.get(name) ?? [];
    if (values.length > 0 && !option.repeat) throw new UsageError(`--${name} given twice`);
    parsed.values.set(name, [...values, value]);
  }
  return parsed;
}

export const single = (parsed: ParsedArgs, name: string): string | undefined => parsed.values.get(name)?.[0];
export const all = (parsed: ParsedArgs, name: string): string[] => parsed.values.get(name) ?? [];
