// Retrieval's files in VS Code: a RetrievalSource over the prompt's workspace folder, listed with
// findFiles (so files.exclude and search.exclude apply, as in the editor's own search) and read
// through workspace.fs (virtual workspaces too). A FileSystemWatcher per folder bumps a counter
// for each file it sees change, which is that file's stamp: an unchanged folder is not listed
// again, and after an edit only the edited file is read again.
//
// Reading only, inside the workspace: fine in Restricted Mode. On disk, a file's real path must be
// inside the folder's real path (a cloned repository's `docs/key.md -> ~/.ssh/id_rsa` is skipped).
import { realpath } from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { isInsideFolder } from '../../core/folders';
import { decodeText, MAX_FILE_BYTES, MAX_FILES, type RetrievalSource, type SourceFile } from '../../core/patterns/retrieval/source';

class WorkspaceFolderSource implements RetrievalSource, vscode.Disposable {
  readonly root: string;
  private changes = 0;
  /** Changes seen per file (relative path): the file's stamp. */
  private readonly edits = new Map<string, number>();
  private readonly watcher: vscode.FileSystemWatcher;
  private realRoot: Promise<string | undefined> | undefined;

  constructor(private readonly folder: vscode.WorkspaceFolder) {
    this.root = folder.uri.scheme === 'file' ? folder.uri.fsPath : folder.uri.toString();
    this.watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(folder, '**/*'));
    const changed = (uri: vscode.Uri) => {
      const relative = this.relative(uri);
      if (relative !== undefined) this.edits.set(relative, (this.edits.get(relative) ?? 0) + 1);
      this.changes++;
    };
    this.watcher.onDidChange(changed);
    this.watcher.onDidCreate(changed);
    this.watcher.onDidDelete(changed);
  }

  generation(): number {
    return this.changes;
  }

  async list(glob: string): Promise<SourceFile[]> {
    const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(this.folder, glob), undefined, MAX_FILES);
    const files: SourceFile[] = [];
    for (const uri of uris) {
      const relative = this.relative(uri);
      if (relative !== undefined) files.push({ path: relative, stamp: String(this.edits.get(relative) ?? 0) });
    }
    return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  async read(relative: string): Promise<string | undefined> {
    let uri = vscode.Uri.joinPath(this.folder.uri, ...relative.split('/'));
    try {
      if (uri.scheme === 'file') {
        const root = await (this.realRoot ??= realpath(this.folder.uri.fsPath).catch(() => undefined));
        const real = await realpath(uri.fsPath);
        if (!root || !isInsideFolder(real, root)) return undefined; // a link out of the folder: skipped
        uri = vscode.Uri.file(real);
      } else if ((await vscode.workspace.fs.stat(uri)).type & vscode.FileType.SymbolicLink) {
        return undefined; // where a link's target cannot be resolved, it cannot be checked: not followed
      }
      if ((await vscode.workspace.fs.stat(uri)).size > MAX_FILE_BYTES) return undefined;
      return decodeText(await vscode.workspace.fs.readFile(uri));
    } catch {
      return undefined; // vanished since it was listed
    }
  }

  /** `uri` relative to the folder with `/` separators; undefined when it is not inside it. */
  private relative(uri: vscode.Uri): string | undefined {
    if (uri.scheme !== this.folder.uri.scheme || uri.authority !== this.folder.uri.authority) return undefined;
    const relative = path.posix.relative(this.folder.uri.path, uri.path);
    return relative === '' || relative === '..' || relative.startsWith('../') ? undefined : relative;
  }

  dispose(): void {
    this.watcher.dispose();
  }
}

/** The workspace folder a prompt's retrieval searches: its own; an untitled prompt's, the first. */
export function retrievalFolder(promptUri: vscode.Uri): vscode.WorkspaceFolder | undefined {
  return vscode.workspace.getWorkspaceFolder(promptUri) ?? (promptUri.scheme === 'untitled' ? vscode.workspace.workspaceFolders?.[0] : undefined);
}

/** One source (and watcher) per workspace folder, made when a prompt there first retrieves. */
export class WorkspaceRetrievalSources implements vscode.Disposable {
  private readonly sources = new Map<string, WorkspaceFolderSource>();

  /** The source of the folder `promptRef` is in; an untitled prompt searches the first folder;
   * undefined without a folder. */
  sourceFor(promptRef: string): RetrievalSource | undefined {
    const folder = retrievalFolder(vscode.Uri.parse(promptRef));
    if (!folder) return undefined;
    const key = folder.uri.toString();
    let source = this.sources.get(key);
    if (!source) this.sources.set(key, source = new WorkspaceFolderSource(folder));
    return source;
  }

  dispose(): void {
    for (const source of this.sources.values()) source.dispose();
    this.sources.clear();
  }
}
