// Diagnostics with exact positions, shared by the editor (squiggles, Problems panel) and the CLI
// (`file:line:column`). Positions are 0-based here, as in VS Code; the CLI adds 1 when it prints.

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export type Severity = 'error' | 'warning' | 'info';

/** Stable codes: the CLI's JSON and the editor show them, and tests pin them. */
export type DiagnosticCode =
  | 'bom'
  | 'frontmatter-unclosed'
  | 'frontmatter-empty'
  | 'yaml-syntax'
  | 'frontmatter-type'
  | 'unknown-key'
  | 'config-range'
  | 'extension-key'
  | 'picoschema'
  | 'template-syntax'
  | 'unknown-helper'
  | 'unknown-role'
  | 'partial-not-found'
  | 'partial-cycle'
  | 'undeclared-variable'
  | 'file-too-large'
  | 'unsafe-key'
  | 'empty-prompt'
  | 'retrieve-no-match';

export interface PromptDiagnostic {
  range: Range;
  severity: Severity;
  message: string;
  code: DiagnosticCode;
}

export const hasErrors = (diagnostics: readonly PromptDiagnostic[]): boolean =>
  diagnostics.some((diagnostic) => diagnostic.severity === 'error');
