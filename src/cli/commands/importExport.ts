// prompt-lab import / export: Prompty and GitHub Models files ↔ .prompt files (src/core/import/).
// Warnings (what could not be carried over) go to stderr as file:line:column; they are not
// failures: the converted file is written and the exit code is 0. A file that cannot be converted
// at all is a finding (exit 1).
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { ConversionResult, ConversionWarning } from '../../core/import/common';
import { ConversionError } from '../../core/import/common';
import { importPrompty } from '../../core/import/prompty';
import { exportPromptYml, importPromptYml } from '../../core/import/promptYml';
import { datasetFileFor } from '../../core/eval/dataset';
import { parseArgs, single, UsageError } from '../args';
import type { CliCommand } from '../commands';
import { ExitCode, type CliIO } from '../io';

/** `summarize.prompty` → `summarize`; `sample.prompt.yml` → `sample`; `x_prompt.yml` → `x_prompt`. */
export function importedName(file: string): string {
  return path.basename(file).replace(/\.prompty$/i, '').replace(/(\.prompt)?\.ya?ml$/i, '');
}

/** Which converter reads `file`, by its name. */
export function converterFor(file: string): ((text: string, file: string) => ConversionResult) | undefined {
  if (/\.prompty$/i.test(file)) return importPrompty;
  if (/\.ya?ml$/i.test(file)) return importPromptYml;
  return undefined;
}

const formatWarning = (file: string, warning: ConversionWarning): string =>
  `${file}${warning.line ? `:${warning.line}:${warning.column ?? 1}` : ''}: warning: ${warning.message}`;

async function readSource(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
}

async function convert(io: CliIO, command: string, file: string, run: () => ConversionResult | Promise<ConversionResult>): Promise<ConversionResult | number> {
  try {
    return await run();
  } catch (error) {
    if (!(error instanceof ConversionError)) throw error;
    io.stderr(`${error.message.startsWith(':') ? file + error.message : error.message}\n`);
    io.stderr(`prompt-lab ${command}: ${file} was not converted\n`);
    return ExitCode.findings;
  }
}

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'Convert a Prompty (.prompty) or GitHub Models (.prompt.yml) file into a .prompt file',
  usage: `Usage: prompt-lab import <file.prompty | file.prompt.yml> [--out dir] [--force] [--json]

Writes <name>.prompt (and <name>.tests.yaml from testData and evaluators) into --out, else beside
the file. What cannot be carried over is listed on stderr as warnings (file:line:column).
  --out <dir>   The folder to write into (created if missing)
  --force       Overwrite files that exist
  --json        {"prompt", "dataset", "warnings": [{line, column, message}]} on stdout`,
  async run(args, io) {
    const parsed = parseArgs(args, { out: { value: true }, force: {}, json: {} });
    if (parsed.positionals.length !== 1) throw new UsageError('give one file to import');
    const file = parsed.positionals[0]!;
    const converter = converterFor(file);
    if (!converter) throw new UsageError(`${file} is neither a .prompty nor a .prompt.yml file`);
    const text = await readSource(file);
    const result = await convert(io, 'import', file, () => converter(text, file));
    if (typeof result === 'number') return result;
    const folder = single(parsed, 'out') ?? path.dirname(file);
    const promptFile = path.join(folder, `${importedName(file)}.prompt`);
    const datasetFile = result.dataset !== undefined ? datasetFileFor(promptFile) : undefined;
    for (const target of [promptFile, datasetFile]) {
      if (target && existsSync(target) && !parsed.flags.has('force')) throw new UsageError(`${target} exists: give --force to overwrite it, or --out another folder`);
    }
    await mkdir(folder, { recursive: true });
    await writeFile(promptFile, result.text);
    if (datasetFile) await writeFile(datasetFile, result.dataset!);
    for (const warning of result.warnings) io.stderr(`${formatWarning(file, warning)}\n`);
    if (parsed.flags.has('json')) io.stdout(`${JSON.stringify({ prompt: promptFile, dataset: datasetFile ?? null, warnings: result.warnings }, null, 2)}\n`);
    else io.stdout(`${[promptFile, datasetFile].filter(Boolean).join('\n')}\n`);
    if (result.warnings.length > 0) io.stderr(`prompt-lab import: ${result.warnings.length} thing${result.warnings.length === 1 ? '' : 's'} not carried over exactly (above)\n`);
    return ExitCode.ok;
  },
};

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'Convert a .prompt file (and its .tests.yaml dataset) into a GitHub Models .prompt.yml file',
  usage: `Usage: prompt-lab export <file.prompt> --to prompt.yml [--out file] [--force]

Writes <name>.prompt.yml beside the file (or --out), with testData and evaluators from the
dataset <name>.tests.yaml when there is one. What cannot be carried over is listed on stderr.
  --to prompt.yml   The format to write (the only one so far)
  --out <file>      Where to write (- for stdout)
  --force           Overwrite a file that exists`,
  async run(args, io) {
    const parsed = parseArgs(args, { to: { value: true }, out: { value: true }, force: {} });
    if (parsed.positionals.length !== 1) throw new UsageError('give one .prompt file to export');
    const to = single(parsed, 'to');
    if (to === undefined) throw new UsageError('say the format with --to prompt.yml');
    if (to !== 'prompt.yml') throw new UsageError(`--to ${to}: the formats are prompt.yml`);
    const file = parsed.positionals[0]!;
    if (!/\.prompt$/i.test(file)) throw new UsageError(`${file} is not a .prompt file`);
    const text = await readSource(file);
    const datasetFile = datasetFileFor(file);
    const dataset = existsSync(datasetFile) ? { text: await readFile(datasetFile, 'utf8'), file: datasetFile } : undefined;
    const result = await convert(io, 'export', file, () => exportPromptYml(text, file, dataset));
    if (typeof result === 'number') return result;
    const out = single(parsed, 'out') ?? file.replace(/\.prompt$/i, '.prompt.yml');
    for (const warning of result.warnings) io.stderr(`${formatWarning(file, warning)}\n`);
    if (out === '-') io.stdout(result.text);
    else {
      if (existsSync(out) && !parsed.flags.has('force')) throw new UsageError(`${out} exists: give --force to overwrite it, or --out another file`);
      await writeFile(out, result.text);
      io.stdout(`${out}\n`);
    }
    return ExitCode.ok;
  },
};
