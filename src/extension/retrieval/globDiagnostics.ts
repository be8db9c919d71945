// The editor's "this glob matches no file" warning for `promptlab.retrieve` (core's
// unmatchedGlobDiagnostics, answered by findFiles in the prompt's workspace folder). Asynchronous:
// it is added to the other diagnostics of the same check when the search has answered.
import * as vscode from 'vscode';
import type { CheckedPrompt } from '../../core/check/checkPrompt';
import { unmatchedGlobDiagnostics } from '../../core/patterns/retrieval/globDiagnostics';
import type { PromptDiagnostic } from '../../core/diagnostics';
import { retrievalFolder } from './workspaceSource';

export async function retrievalGlobDiagnostics(document: vscode.TextDocument, checked: CheckedPrompt): Promise<PromptDiagnostic[]> {
  if (!checked.frontmatter.retrieveFrom?.length) return [];
  const folder = retrievalFolder(document.uri);
  // Without a folder a run fails with its own message (RetrievalError); nothing to list here.
  if (!folder) return [];
  return unmatchedGlobDiagnostics(checked, `the workspace folder '${folder.name}'`,
    async (glob) => (await vscode.workspace.findFiles(new vscode.RelativePattern(folder, glob), undefined, 1)).length > 0);
}
