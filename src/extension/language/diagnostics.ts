// Squiggles and the Problems panel: core's checkPrompt for every open prompt, on open and after
// each pause in typing. A result is applied only if it answers the newest request for its document
// (results can finish out of order: partials are read asynchronously), so a stale check never
// overwrites a newer one.
import * as vscode from 'vscode';
import type { CheckedPrompt } from '../../core/check/checkPrompt';
import type { PromptDiagnostic, Range, Severity } from '../../core/diagnostics';
import { DisposableStore } from '../disposables';
import { retrievalGlobDiagnostics } from '../retrieval/globDiagnostics';
import { KeyedDebouncer } from './debouncer';
import type { PromptChecks } from './promptChecks';
import { isPromptDocument } from './promptDocuments';

export const DIAGNOSTIC_SOURCE = 'Prompt Lab';
/** Long enough to skip most keystrokes while typing, short enough to feel immediate. */
export const DIAGNOSTICS_DELAY_MS = 250;

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

export class PromptDiagnostics implements vscode.Disposable {
  private readonly store = new DisposableStore();
  private readonly collection = this.store.add(vscode.languages.createDiagnosticCollection('promptLab'));
  private readonly debouncer = this.store.add(new KeyedDebouncer());
  /** The number of the newest check started for each document. */
  private readonly newest = new Map<string, number>();
  private requests = 0;

  constructor(private readonly checks: PromptChecks, private readonly extra?: ExtraDiagnostics) {
    this.store.add(vscode.workspace.onDidOpenTextDocument((document) => this.schedule(document, 0)));
    this.store.add(vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.contentChanges.length > 0) this.schedule(event.document, DIAGNOSTICS_DELAY_MS);
    }));
    // Also fires when a document's language changes away from dotprompt (close, then open).
    this.store.add(vscode.workspace.onDidCloseTextDocument((document) => this.clear(document.uri)));
    this.store.add(checks.onDidInvalidate(() => {
      for (const document of vscode.workspace.textDocuments) this.schedule(document, 0);
    }));
    for (const document of vscode.workspace.textDocuments) this.schedule(document, 0);
  }

  private schedule(document: vscode.TextDocument, delayMs: number): void {
    if (!isPromptDocument(document)) return;
    this.debouncer.schedule(document.uri.toString(), delayMs, () => void this.update(document));
  }

  private async update(document: vscode.TextDocument): Promise<void> {
    const key = document.uri.toString();
    const request = ++this.requests;
    this.newest.set(key, request);
    const version = document.version;
    let diagnostics: vscode.Diagnostic[];
    try {
      const checked = await this.checks.check(document);
      const unmatched = await retrievalGlobDiagnostics(document, checked);
      diagnostics = [...checked.diagnostics, ...unmatched].map(toVscodeDiagnostic).concat(this.extra?.(document, checked) ?? []);
    } catch (error) {
      // checkPrompt turns bad files into diagnostics; an exception is a bug, not the user's.
      console.error(`Prompt Lab: checking ${key} failed`, error);
      return;
    }
    if (this.newest.get(key) !== request || document.isClosed || document.version !== version) return;
    this.collection.set(document.uri, diagnostics);
  }

  private clear(uri: vscode.Uri): void {
    const key = uri.toString();
    this.debouncer.cancel(key);
    this.newest.delete(key);
    this.collection.delete(uri);
  }

  dispose(): void {
    this.store.dispose();
  }
}
