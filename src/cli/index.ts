// The `prompt-lab` executable (package.json `bin`), bundled by esbuild into dist/cli.js.
import { ExitCode } from './io';
import { runCli } from './main';

/** Replaced with package.json's version by esbuild's `define`. */
declare const PROMPT_LAB_VERSION: string;

runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
}, PROMPT_LAB_VERSION).then(
  (code) => { process.exitCode = code; },
  (error: unknown) => {
    process.stderr.write(`prompt-lab: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = ExitCode.internal;
  },
);
