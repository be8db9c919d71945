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

/** A command as the list knows it before its module is loaded. Each command's module brings in the
 * engine, the backends and their libraries (Handlebars, YAML, Ajv, openai, tiktoken…): loading
 * only the one that runs keeps `prompt-lab --help` from evaluating them all (issue 15). The summary
 * is the module's own (a unit test holds them equal). */
export interface LazyCliCommand {
  name: string;
  summary: string;
  load(): Promise<CliCommand>;
}

const lazy = (name: string, summary: string, load: () => Promise<CliCommand>): LazyCliCommand => ({ name, summary, load });

export const COMMANDS: readonly LazyCliCommand[] = [
  lazy('check', 'Check .prompt files: YAML, config, schema, template, partials, variables', async () => (await import('./commands/check')).checkCommand),
  lazy('render', 'Render a .prompt file to the messages a model receives, with its parts and tokens', async () => (await import('./commands/render')).renderCommand),
  lazy('tokens', 'Count a rendered prompt\'s tokens, per message and per part', async () => (await import('./commands/tokens')).tokensCommand),
  lazy('next', 'Show the next-token distribution after a prompt, before and after the sampler', async () => (await import('./commands/next')).nextCommand),
  lazy('compare', 'Run a prompt across temperatures (or other settings) and print the completions side by side', async () => (await import('./commands/compare')).compareCommand),
  lazy('eval', 'Run a prompt over its test cases (<name>.tests.yaml) and grade every output with the tests\' assertions', async () => (await import('./commands/eval')).evalCommand),
  lazy('run', 'Run a .prompt file on a model backend and stream the completion', async () => (await import('./commands/run')).runCommand),
  lazy('serve', 'Serve a local GGUF model over the OpenAI API (chat, completions, streaming)', async () => (await import('./commands/serve')).serveCommand),
  lazy('trust', 'Allow a promptlab.config.json to send the API keys it names to its servers', async () => (await import('./commands/trust')).trustCommand),
  lazy('history', 'List, show and export saved runs, comparisons and evals (with their ratings)', async () => (await import('./commands/history')).historyCommand),
  // Prompty and GitHub Models files (issue 13).
  lazy('import', 'Convert a Prompty (.prompty) or GitHub Models (.prompt.yml) file into a .prompt file', async () => (await import('./commands/importExport')).importCommand),
  lazy('export', 'Convert a .prompt file (and its .tests.yaml dataset) into a GitHub Models .prompt.yml file', async () => (await import('./commands/importExport')).exportCommand),
];
