// Its own file so that the CLI's entry (main.ts) can tell this error apart without loading the
// workspace config's module, which brings in every backend (lazy commands, issue 15).

/** A config file that cannot be used: bad usage (exit 2), with the path of the bad field. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}
