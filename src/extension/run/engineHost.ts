// The engine's host in VS Code: prompts by URI string (an open editor's unsaved text wins), the
// folder beside them, partials from the workspace (promptLab.promptsFolder), the backends from
// settings with keys from SecretStorage, the output channel as the log, keys redacted.
import * as vscode from 'vscode';
import { judgePromptReader, judgePromptRoot } from '../../core/eval/judgePrompts';
import type { CountTexts } from '../../core/promptTokens';
import type { EngineHost } from '../../engine/host';
import { cacheFolderOf, fileCacheStore } from '../../engine/responseCache';
import type { ApiKeyStore } from '../backends/apiKeys';
import type { BackendService } from '../backends/backendService';
import type { OutputLog } from '../backends/outputLog';
import { baseName } from '../language/promptDocuments';
import { partialFolders, workspaceEnvironment } from '../language/workspaceEnvironment';
import type { WorkspaceRetrievalSources } from '../retrieval/workspaceSource';
import { readSettings } from '../settings';
import { localModelProblem } from './runReport';

async function documentAt(ref: string): Promise<vscode.TextDocument | undefined> {
  const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === ref);
  if (open) return open;
  try {
    return await vscode.workspace.openTextDocument(vscode.Uri.parse(ref));
  } catch {
    return undefined;
  }
}

/** A file's text by URI string; undefined when it does not exist. */
async function readUri(ref: string): Promise<string | undefined> {
  const uri = vscode.Uri.parse(ref);
  const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === ref);
  if (open) return open.getText();
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch (error) {
    if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') return undefined;
    throw error;
  }
}

export function extensionEngineHost(backends: BackendService, keys: ApiKeyStore, log: OutputLog, countTexts: CountTexts, retrieval?: WorkspaceRetrievalSources): EngineHost {
  const builtInJudge = judgePromptReader(judgePromptRoot(__dirname));
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  return {
    readText: readUri,
    ...(retrieval ? { retrievalSource: (ref: string) => retrieval.sourceFor(ref) } : {}),
    // Restricted Mode: no code from the workspace runs.
    get allowCode() {
      return vscode.workspace.isTrusted;
    },
    judgePrompt: async (name) => {
      const own = folder && (await readUri(vscode.Uri.joinPath(folder, '.promptlab', 'judges', `${name}.prompt`).toString()).catch(() => undefined));
      return own ?? builtInJudge(name);
    },
    ...(folder?.scheme === 'file' ? { responseCache: fileCacheStore(cacheFolderOf(folder.fsPath)) } : {}),
    readPrompt: async (ref) => {
      const document = await documentAt(ref);
      return document && { ref, fileName: baseName(document.uri), text: document.getText() };
    },
    // An untitled prompt has no folder, so no neighbours.
    beside: (ref, fileName) => {
      const uri = vscode.Uri.parse(ref);
      return uri.scheme === 'untitled' ? undefined : vscode.Uri.joinPath(uri, '..', fileName).toString();
    },
    environment: (ref) => {
      const uri = vscode.Uri.parse(ref);
      return workspaceEnvironment(partialFolders(uri, readSettings(uri).promptsFolder));
    },
    get backends() {
      return backends.registry;
    },
    get defaultBackend() {
      return backends.defaultBackend;
    },
    localModelProblem,
    countTexts,
    log: (line) => log.line(line),
    redact: (text) => keys.redact(text),
  };
}
