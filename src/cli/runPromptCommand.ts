// Shared by `render` and `tokens`: analyze the prompt, and turn the engine's errors into output
// that says where (file:line:column) and an exit code.
import { analyzePrompt, type AnalyzedPrompt } from '../core/analyzePrompt';
import { checkPrompt } from '../core/check/checkPrompt';
import type { DiagnosticCode } from '../core/diagnostics';
import { InputError, PromptError, renderChecked } from '../core/render';
import { promptParts } from '../core/structure';
import { all, single, type ParsedArgs } from './args';
import { formatDiagnostic, inputProblemLines, toFileDiagnostic } from './diagnosticsOutput';
import { fileEnvironment } from './fileEnvironment';
import { ExitCode, type CliIO } from './io';
import { readPromptFile } from './promptFiles';
import { checkOptionsFor, promptPath, renderRequest } from './renderOptions';

export interface AnalyzeOptions {
  /** Render what Dotprompt renders (`render`): the check's findings are warnings on stderr, and only
   * what stops rendering (or makes it unsafe) stops it. */
  loose?: boolean;
}

/** Errors that stop even a loose render: Dotprompt cannot render the file (its YAML or template is
 * broken, a partial is missing), or rendering it would be unsafe (a prototype key, a partial cycle,
 * a file too large to render). Others (a config value out of a backend's range, an unknown key)
 * belong to check and run. */
const BLOCKS_RENDERING: ReadonlySet<DiagnosticCode> = new Set<DiagnosticCode>([
  'yaml-syntax', 'frontmatter-unclosed', 'template-syntax', 'partial-not-found', 'partial-cycle', 'file-too-large', 'unsafe-key',
]);

export function analyzeForCli(parsed: ParsedArgs, io: CliIO, options: AnalyzeOptions = {}): Promise<{ file: string; analyzed: AnalyzedPrompt } | number> {
  return analyzeFileForCli(promptPath(parsed), parsed, io, options);
}

/** A loose analysis: the check's findings printed as warnings, then rendered unless one blocks it. */
async function analyzeLoosely(file: string, text: string, parsed: ParsedArgs, io: CliIO, request: Awaited<ReturnType<typeof renderRequest>>): Promise<AnalyzedPrompt | number> {
  const checked = await checkPrompt(text, fileEnvironment(file, all(parsed, 'prompts-dir')), checkOptionsFor(file));
  const blocking = checked.diagnostics.filter((d) => d.severity === 'error' && BLOCKS_RENDERING.has(d.code));
  if (blocking.length > 0) throw new PromptError(checked.diagnostics);
  for (const diagnostic of checked.diagnostics) io.stderr(`${formatDiagnostic({ ...toFileDiagnostic(file, diagnostic), severity: 'warning' })}\n`);
  const usable = checked.ok ? checked : { ...checked, ok: true };
  try {
    const result = await renderChecked(usable, request);
    const parts = await promptParts(usable, result, (shots) => renderChecked(usable, { ...request, shots }));
    return { checked: usable, result, parts };
  } catch (error) {
    // Dotprompt could not render it either: the findings were the reason.
    if (error instanceof InputError || checked.ok) throw error;
    throw new PromptError(checked.diagnostics);
  }
}

/** `file` (not the positional: a variant of it, say) with the inputs and options `parsed` gives. */
export async function analyzeFileForCli(file: string, parsed: ParsedArgs, io: CliIO, options: AnalyzeOptions = {}): Promise<{ file: string; analyzed: AnalyzedPrompt } | number> {
  const text = await readPromptFile(file);
  const request = await renderRequest(parsed);
  try {
    if (options.loose) {
      const analyzed = await analyzeLoosely(file, text, parsed, io, request);
      return typeof analyzed === 'number' ? analyzed : { file, analyzed };
    }
    return { file, analyzed: await analyzePrompt(text, fileEnvironment(file, all(parsed, 'prompts-dir')), request, checkOptionsFor(file)) };
  } catch (error) {
    if (error instanceof PromptError) {
      for (const diagnostic of error.diagnostics) io.stderr(`${formatDiagnostic(toFileDiagnostic(file, diagnostic))}\n`);
      return ExitCode.findings;
    }
    if (error instanceof InputError) {
      for (const line of inputProblemLines(file, error.problems, single(parsed, 'input-file'))) io.stderr(`${line}\n`);
      return ExitCode.findings;
    }
    io.stderr(`${file}: ${(error as Error).message}\n`);
    return ExitCode.findings;
  }
}
