// One diagnostics publisher for a kind of document (prompts, eval datasets): checked on open, after
// each pause in typing and when the checks' inputs change (partials, settings). A result is applied
// only if it answers the newest request for its document and the document has not changed since
// (checks are asynchronous and can finish out of order), so a stale check never overwrites a newer one.
import * as vscode from 'vscode';
import { DisposableStore } from '../disposables';
import { KeyedDebouncer } from './debouncer';

/** Long enough to skip most keystrokes while typing, short enough to feel immediate. */
export const DIAGNOSTICS_DELAY_MS = 250;

export interface DocumentDiagnosticsOptions {
  /** The diagnostic collection's name. */
  name: string;
  /** Whether this publisher checks the document. */
  accepts(document: vscode.TextDocument): boolean;
  /** The document's diagnostics. An exception is a bug (checks turn bad files into diagnostics):
   * logged, and the document keeps its previous diagnostics. */
  compute(document: vscode.TextDocument): Promise<vscode.Diagnostic[]>;
  /** Fires when every open document must be checked again. */
  onDidInvalidate: vscode.Event<unknown>;
  /** Other open documents whose diagnostics depend on this one's text (a prompt's datasets). */
  dependents?(document: vscode.TextDocument): vscode.TextDocument[];
}

export class DocumentDiagnostics implements vscode.Disposable {
  private readonly store = new DisposableStore();
  private readonly collection: vscode.DiagnosticCollection;
  private readonly debouncer = this.store.add(new KeyedDebouncer());
  /** The number of the newest check started for each document. */
  private readonly newest = new Map<string, number>();
  private requests = 0;

  constructor(private readonly options: DocumentDiagnosticsOptions) {
    this.collection = this.store.add(vscode.languages.createDiagnosticCollection(options.name));
    this.store.add(vscode.workspace.onDidOpenTextDocument((document) => this.schedule(document, 0)));
    this.store.add(vscode.workspace.onDidChangeTextDocument((event) => {
      if (event.contentChanges.length === 0) return;
      this.schedule(event.document, DIAGNOSTICS_DELAY_MS);
      for (const dependent of options.dependents?.(event.document) ?? []) this.schedule(dependent, DIAGNOSTICS_DELAY_MS);
    }));
    // Also fires when a document's language changes away from ours (close, then open).
    this.store.add(vscode.workspace.onDidCloseTextDocument((document) => this.clear(document.uri)));
    this.store.add(options.onDidInvalidate(() => {
      for (const document of vscode.workspace.textDocuments) this.schedule(document, 0);
    }));
    for (const document of vscode.workspace.textDocuments) this.schedule(document, 0);
  }

  private schedule(document: vscode.TextDocument, delayMs: number): void {
    if (!this.options.accepts(document)) return;
    this.debouncer.schedule(document.uri.toString(), delayMs, () => void this.update(document));
  }

  private async update(document: vscode.TextDocument): Promise<void> {
    const key = document.uri.toString();
    const request = ++this.requests;
    this.newest.set(key, request);
    const version = document.version;
    let diagnostics: vscode.Diagnostic[];
    try {
      diagnostics = await this.options.compute(document);
    } catch (error) {
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
