import type * as vscode from 'vscode';
import { PROMPT_PREVIEW_LIMIT, type PromptSnapshot } from '../../shared/protocol';

/** What the panel is told about a document; text is cut so a huge file cannot flood the webview. */
export function snapshotOf(document: vscode.TextDocument): PromptSnapshot {
  const text = document.getText();
  const truncated = text.length > PROMPT_PREVIEW_LIMIT;
  const path = document.uri.path;
  return {
    uri: document.uri.toString(),
    fileName: path.slice(path.lastIndexOf('/') + 1),
    languageId: document.languageId,
    lineCount: document.lineCount,
    text: truncated ? text.slice(0, PROMPT_PREVIEW_LIMIT) : text,
    truncated,
  };
}
