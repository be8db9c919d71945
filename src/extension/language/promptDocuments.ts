// Which documents the language features serve, and the helpers they share to tell.
import * as vscode from 'vscode';
import { DOTPROMPT_LANGUAGE_ID } from '../../core/promptFiles';

export const DOTPROMPT_SELECTOR: vscode.DocumentSelector = { language: DOTPROMPT_LANGUAGE_ID };

/** Schemes whose documents are views of other versions (diffs, SCM, output): no diagnostics for
 * them, or the Problems panel would list the same file twice. */
const VIEW_ONLY_SCHEMES = new Set(['git', 'gitfs', 'output', 'vscode-scm', 'review', 'pr']);

export function isPromptDocument(document: vscode.TextDocument): boolean {
  return document.languageId === DOTPROMPT_LANGUAGE_ID && !VIEW_ONLY_SCHEMES.has(document.uri.scheme);
}

/** The file name at the end of a URI's path. */
export const baseName = (uri: vscode.Uri): string => uri.path.slice(uri.path.lastIndexOf('/') + 1);
