// How the CLI prints diagnostics: `file:line:column: severity: message [code]` (1-based, as
// compilers print them, so terminals and CI annotate them), or as JSON records.
import type { PromptDiagnostic } from '../core/diagnostics';

export interface FileDiagnostic {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: PromptDiagnostic['severity'];
  message: string;
  code: string;
}

export function toFileDiagnostic(file: string, diagnostic: PromptDiagnostic): FileDiagnostic {
  const { start, end } = diagnostic.range;
  return {
    file, line: start.line + 1, column: start.character + 1, endLine: end.line + 1, endColumn: end.character + 1,
    severity: diagnostic.severity, message: diagnostic.message, code: diagnostic.code,
  };
}

export const formatDiagnostic = (d: FileDiagnostic): string => `${d.file}:${d.line}:${d.column}: ${d.severity}: ${d.message} [${d.code}]`;

export function summary(files: number, diagnostics: readonly FileDiagnostic[]): string {
  const count = (severity: string) => diagnostics.filter((d) => d.severity === severity).length;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;
  return `${plural(files, 'file')} checked: ${plural(count('error'), 'error')}, ${plural(count('warning'), 'warning')}`;
}

/** Input problems printed before the rest are only counted: an input with 200,000 undeclared keys
 * has 200,000 of them. */
const MAX_INPUT_PROBLEMS = 20;

/** `file: input (data.json): message` lines for inputs that do not fit the prompt's schema. */
export function inputProblemLines(file: string, problems: readonly { message: string }[], inputFile?: string): string[] {
  const label = inputFile === undefined ? 'input' : `input (${inputFile})`;
  const lines = problems.slice(0, MAX_INPUT_PROBLEMS).map((problem) => `${file}: ${label}: ${problem.message}`);
  if (problems.length > MAX_INPUT_PROBLEMS) lines.push(`${file}: ${label}: and ${problems.length - MAX_INPUT_PROBLEMS} more problems like these`);
  return lines;
}
