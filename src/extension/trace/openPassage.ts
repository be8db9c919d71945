// The trace view's passage links: `trace/openPassage {file, startLine, endLine}` opens the file in
// the editor with those lines selected. The panel renders untrusted text, so what it sends is
// checked as if a stranger sent it: the path must be plain names below a workspace folder
// (core/patterns/passagePath.ts), and on disk its real path (symbolic links resolved) must be inside
// that folder's real path, as for partials (language/workspaceEnvironment.ts). Elsewhere (virtual
// file systems) a link cannot be resolved, so it is not followed. Only opening: nothing is written,
// so it is fine in Restricted Mode.
import { realpath } from 'node:fs/promises';
import * as vscode from 'vscode';
import { isInsideFolder } from '../../core/folders';
import { passageLines, passageSegments } from '../../core/patterns/passagePath';

export type OpenPassageOutcome =
  | { opened: vscode.Uri; startLine: number; endLine: number }
  | { refused: string };

/** Where the file is, or why it is not opened. */
async function resolve(segments: string[]): Promise<{ uri: vscode.Uri } | { refused: string }> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) return { refused: 'no folder is open, so no passage file can be opened' };
  // Relative to a folder; in a multi-root workspace a path may also start with the folder's name
  // (as vscode.workspace.asRelativePath writes it).
  const candidates = folders.flatMap((folder) => [
    { folder, uri: vscode.Uri.joinPath(folder.uri, ...segments) },
    ...(folders.length > 1 && segments.length > 1 && segments[0] === folder.name ? [{ folder, uri: vscode.Uri.joinPath(folder.uri, ...segments.slice(1)) }] : []),
  ]);
  let outside = false;
  for (const { folder, uri } of candidates) {
    const checked = await vet(uri, folder.uri);
    if (checked === 'file') return { uri };
    if (checked === 'outside') outside = true;
  }
  return { refused: outside ? 'the passage\'s file is outside the workspace (through a symbolic link), so it is not opened' : 'the passage\'s file is not in the workspace (any more)' };
}

/** Whether `uri` is a file inside `folder`, checked on its real path where there is one. */
async function vet(uri: vscode.Uri, folder: vscode.Uri): Promise<'file' | 'outside' | 'missing'> {
  if (uri.scheme === 'file') {
    let real: string;
    let realFolder: string;
    try {
      [real, realFolder] = await Promise.all([realpath(uri.fsPath), realpath(folder.fsPath)]);
    } catch {
      return 'missing';
    }
    if (!isInsideFolder(real, realFolder) || real === realFolder) return 'outside';
  }
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    if (uri.scheme !== 'file' && stat.type & vscode.FileType.SymbolicLink) return 'outside';
    return stat.type & vscode.FileType.File ? 'file' : 'missing';
  } catch {
    return 'missing';
  }
}

/** Opens the passage `request` names (a webview message's payload, unchecked) in `viewColumn`. */
export async function openPassage(request: unknown, viewColumn: vscode.ViewColumn = vscode.ViewColumn.One): Promise<OpenPassageOutcome> {
  const { file, startLine, endLine } = (typeof request === 'object' && request !== null ? request : {}) as Record<string, unknown>;
  const path = passageSegments(file);
  if ('refused' in path) return path;
  const lines = passageLines(startLine, endLine);
  if (!lines) return { refused: 'the passage\'s lines are not line numbers' };
  const found = await resolve(path.segments);
  if ('refused' in found) return found;
  const document = await vscode.workspace.openTextDocument(found.uri);
  // The file may have changed since it was indexed: the lines are kept within it.
  const last = Math.max(document.lineCount, 1);
  const start = Math.min(lines.startLine, last) - 1;
  const end = Math.min(lines.endLine, last) - 1;
  const range = new vscode.Range(start, 0, end, document.lineAt(end).text.length);
  const editor = await vscode.window.showTextDocument(document, { viewColumn, selection: range, preview: true });
  editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  return { opened: found.uri, startLine: start + 1, endLine: end + 1 };
}
