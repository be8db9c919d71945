import type { DiagnosticCode, PromptDiagnostic, Severity } from '../diagnostics';
import type { LineIndex } from '../lineIndex';

/** Where checks report problems, with offsets relative to the part of the file they check. */
export interface Report {
  report(severity: Severity, code: DiagnosticCode, message: string, start: number, end?: number): void;
  error(code: DiagnosticCode, message: string, start: number, end?: number): void;
  warning(code: DiagnosticCode, message: string, start: number, end?: number): void;
}

export interface RecordedProblem { severity: Severity; code: DiagnosticCode; message: string; start: number; end: number }

/** Keeps problems as reported, to replay them later onto a Reporter (see frontmatterCache.ts). */
export class Recorder implements Report {
  readonly problems: RecordedProblem[] = [];

  report(severity: Severity, code: DiagnosticCode, message: string, start: number, end = start): void {
    this.problems.push({ severity, code, message, start, end });
  }

  error(code: DiagnosticCode, message: string, start: number, end?: number): void {
    this.report('error', code, message, start, end);
  }

  warning(code: DiagnosticCode, message: string, start: number, end?: number): void {
    this.report('warning', code, message, start, end);
  }
}

/** Collects diagnostics from offsets relative to a part of the file (the frontmatter, the body). */
export class Reporter implements Report {
  readonly diagnostics: PromptDiagnostic[] = [];

  constructor(private readonly lines: LineIndex, private readonly base: number) {}

  /** A reporter for a part of the same file that starts `offset` further on. */
  at(offset: number): Reporter {
    const child = new Reporter(this.lines, this.base + offset);
    (child as { diagnostics: PromptDiagnostic[] }).diagnostics = this.diagnostics;
    return child;
  }

  report(severity: Severity, code: DiagnosticCode, message: string, start: number, end = start): void {
    this.diagnostics.push({ range: this.lines.range(this.base + start, this.base + end), severity, code, message });
  }

  error(code: DiagnosticCode, message: string, start: number, end?: number): void {
    this.report('error', code, message, start, end);
  }

  warning(code: DiagnosticCode, message: string, start: number, end?: number): void {
    this.report('warning', code, message, start, end);
  }
}
