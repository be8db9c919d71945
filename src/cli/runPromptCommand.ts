// Shared by `render` and `tokens`: analyze the prompt, and turn the engine's errors into output
// that says where (file:line:column) and an exit code.
import { analyzePrompt, type AnalyzedPrompt } from '../core/analyzePrompt';
import { InputError, PromptError } from '../core/render';
import { all, type ParsedArgs } from './args';
import { formatDiagnostic, toFileDiagnostic } from './diagnosticsOutput';
import { fileEnvironment } from './fileEnvironment';
import { ExitCode, type CliIO } from './io';
import { readPromptFile } from './promptFiles';
import { checkOptionsFor, promptPath, renderRequest } from './renderOptions';

export function analyzeForCli(parsed: ParsedArgs, io: CliIO): Promise<{ file: string; analyzed: AnalyzedPrompt } | number> {
  return analyzeFileForCli(promptPath(parsed), parsed, io);
}

/** `file` (not the positional: a variant of it, say) with the inputs and options `parsed` gives. */
export async function analyzeFileForCli(file: string, parsed: ParsedArgs, io: CliIO): Promise<{ file: string; analyzed: AnalyzedPrompt } | number> {
  const text = await readPromptFile(file);
  const request = await renderRequest(parsed);
  try {
    return { file, analyzed: await analyzePrompt(text, fileEnvironment(file, all(parsed, 'prompts-dir')), request, checkOptionsFor(file)) };
  } catch (error) {
    if (error instanceof PromptError) {
      for (const diagnostic of error.diagnostics) io.stderr(`${formatDiagnostic(toFileDiagnostic(file, diagnostic))}\n`);
      return ExitCode.findings;
    }
    if (error instanceof InputError) {
      for (const problem of error.problems) io.stderr(`${file}: input: ${problem.message}\n`);
      return ExitCode.findings;
    }
    io.stderr(`${file}: ${(error as Error).message}\n`);
    return ExitCode.findings;
  }
}
