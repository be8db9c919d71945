// The engine's PromptEnvironment for the editor: `{{> name}}` is `_name.prompt` beside the prompt,
// then in the workspace's prompts folder (setting `promptLab.promptsFolder`). An open document's
// unsaved text wins over the file on disk, and files are read through `vscode.workspace.fs`, so
// virtual workspaces work too. Reading only: fine in Restricted Mode.
//
// A partial's text goes to a model, so only files inside the partial folders are read, also
// through symbolic links (`_pw.prompt -> /etc/passwd` in a cloned repository): on disk (file: URIs;
// the extension host is Node) the partial's real path must be inside a folder's real path, so a
// link within the folders still works; elsewhere (virtual file systems) links are not followed.
import { realpath } from 'node:fs/promises';
import * as vscode from 'vscode';
import { isInsideFolder } from '../../core/folders';
import { OUTSIDE_FOLDERS, type PartialFile, type PromptEnvironment, type RefusedPartial } from '../../core/promptEnvironment';
import { PROMPT_FILE_EXTENSION } from '../../core/promptFiles';

/** A partial name is a name, not a path: `{{> ../../secrets}}` must not read outside the folders. */
export function isSafePartialName(name: string): boolean {
  return /^[\w-][\w.-]*$/.test(name) && !name.includes('..');
}

/** Where partials of the prompt at `documentUri` are looked for, in order. */
export function partialFolders(documentUri: vscode.Uri, promptsFolder: string): vscode.Uri[] {
  const folders: vscode.Uri[] = [];
  // An untitled document has no folder of its own.
  if (documentUri.scheme !== 'untitled') folders.push(vscode.Uri.joinPath(documentUri, '..'));
  const workspaceFolder = vscode.workspace.getWorkspaceFolder(documentUri) ?? vscode.workspace.workspaceFolders?.[0];
  if (workspaceFolder && promptsFolder !== '') folders.push(vscode.Uri.joinPath(workspaceFolder.uri, promptsFolder));
  const seen = new Set<string>();
  return folders.filter((folder) => !seen.has(folder.toString()) && seen.add(folder.toString()));
}

export const partialFileName = (name: string): string => `_${name}${PROMPT_FILE_EXTENSION}`;

export function workspaceEnvironment(folders: readonly vscode.Uri[]): PromptEnvironment {
  // One environment serves one check: a partial included twice is read once.
  const cache = new Map<string, Promise<PartialFile | RefusedPartial | undefined>>();
  let realFolders: Promise<string[]> | undefined;
  const diskFolders = () => realFolders ??= Promise.all(folders.filter((folder) => folder.scheme === 'file')
    .map((folder) => realpath(folder.fsPath).catch(() => undefined)))
    .then((found) => found.filter((folder): folder is string => folder !== undefined));
  const find = async (name: string): Promise<PartialFile | RefusedPartial | undefined> => {
    if (!isSafePartialName(name)) return undefined;
    for (const folder of folders) {
      const uri = vscode.Uri.joinPath(folder, partialFileName(name));
      const vetted = await vet(uri, diskFolders);
      if ('refused' in vetted) return { name, location: locationOf(uri), refused: vetted.refused };
      const text = await readText(uri, vetted.readFrom);
      if (text !== undefined) return { name, location: locationOf(uri), text };
    }
    return undefined;
  };
  return {
    readPartial: (name) => {
      if (!cache.has(name)) cache.set(name, find(name));
      return cache.get(name)!;
    },
  };
}

/** The partials (`_name.prompt`) in `folders`, the first folder's winning, for completions. */
export async function listPartials(folders: readonly vscode.Uri[]): Promise<Map<string, vscode.Uri>> {
  const found = new Map<string, vscode.Uri>();
  for (const folder of folders) {
    let entries: [string, vscode.FileType][];
    try {
      entries = await vscode.workspace.fs.readDirectory(folder);
    } catch {
      continue; // no such folder
    }
    for (const [fileName, type] of entries.sort(([a], [b]) => a.localeCompare(b))) {
      const match = /^_(.+)\.prompt$/.exec(fileName);
      if (match && (type & vscode.FileType.File) && isSafePartialName(match[1]!) && !found.has(match[1]!)) {
        found.set(match[1]!, vscode.Uri.joinPath(folder, fileName));
      }
    }
  }
  return found;
}

/** Where the partial at `uri` may be read from (its real path on disk), or why it may not. */
async function vet(uri: vscode.Uri, diskFolders: () => Promise<string[]>): Promise<{ readFrom: vscode.Uri } | { refused: string }> {
  if (uri.scheme === 'file') {
    let real: string;
    try {
      real = await realpath(uri.fsPath);
    } catch {
      return { readFrom: uri }; // not on disk (a link to nothing, a deleted file): only an open document can answer
    }
    return (await diskFolders()).some((folder) => isInsideFolder(real, folder)) ? { readFrom: vscode.Uri.file(real) } : { refused: OUTSIDE_FOLDERS };
  }
  try {
    const stat = await vscode.workspace.fs.stat(uri);
    // Where a link's target cannot be resolved, it cannot be checked either: not followed.
    if (stat.type & vscode.FileType.SymbolicLink) return { refused: 'is a symbolic link, which is not followed outside the local file system' };
  } catch {
    // not there: only an open document can answer
  }
  return { readFrom: uri };
}

/** The open document's text if it is open (unsaved edits count), else the file's (read from
 * `readFrom`, its checked real path); undefined if neither. */
async function readText(uri: vscode.Uri, readFrom: vscode.Uri = uri): Promise<string | undefined> {
  const key = uri.toString();
  const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === key);
  if (open) return open.getText();
  try {
    const text = new TextDecoder('utf-8').decode(await vscode.workspace.fs.readFile(readFrom));
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    return undefined;
  }
}

/** A path for messages: workspace-relative where possible. */
function locationOf(uri: vscode.Uri): string {
  return vscode.workspace.asRelativePath(uri, false);
}
