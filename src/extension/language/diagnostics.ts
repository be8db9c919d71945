// Squiggles and the Problems panel for open prompts (published by DocumentDiagnostics), and the
// conversion of core's positioned diagnostics to VS Code's.
import * as vscode from 'vscode';
import type { CheckedPrompt } from '../../core/check/checkPrompt';
import type { PromptDiagnostic, Range, Severity } from '../../core/diagnostics';
import { retrievalGlobDiagnostics } from '../retrieval/globDiagnostics';
import { DocumentDiagnostics } from './documentDiagnostics';
import type { PromptChecks } from './promptChecks';
import { isPromptDocument } from './promptDocuments';

export const DIAGNOSTIC_SOURCE = 'Prompt Lab';

export function toVscodeRange(range: Range): vscode.Range {
  return new vscode.Range(range.start.line, range.start.character, range.end.line, range.end.character);
}

const SEVERITIES: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

export function toVscodeDiagnostic(diagnostic: PromptDiagnostic): vscode.Diagnostic {
  const result = new vscode.Diagnostic(toVscodeRange(diagnostic.range), diagnostic.message, SEVERITIES[diagnostic.severity]);
  result.code = diagnostic.code;
  result.source = DIAGNOSTIC_SOURCE;
  return result;
}

/** Diagnostics that need more than the file (the configured backends): added to core's. */
export type ExtraDiagnostics = (document: vscode.TextDocument, checked: CheckedPrompt) => vscode.Diagnostic[];

/** Diagnostics of open prompts: core's checkPrompt, the retrieval globs that match nothing, and
 * what needs the configured backends. */
export function promptDiagnostics(checks: PromptChecks, extra?: ExtraDiagnostics): DocumentDiagnostics {
  return new DocumentDiagnostics({
    name: 'promptLab',
    accepts: isPromptDocument,
    onDidInvalidate: checks.onDidInvalidate,
    async compute(document) {
      const checked = await checks.check(document);
      const unmatched = await retrievalGlobDiagnostics(document, checked);
      return [...checked.diagnostics, ...unmatched].map(toVscodeDiagnostic).concat(extra?.(document, checked) ?? []);
    },
  });
}
