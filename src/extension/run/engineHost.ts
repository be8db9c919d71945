// The engine's host in VS Code: prompts by URI string (an open editor's unsaved text wins), the
// folder beside them, partials from the workspace (promptLab.promptsFolder), the backends from
// settings with keys from SecretStorage, the output channel as the log, keys redacted.
import * as vscode from 'vscode';
import { judgePromptReader } from '../../core/eval';
import type { CountTexts } from '../../core/promptTokens';
import type { EngineHost } from '../../engine/host';
import type { ApiKeyStore } from '../backends/apiKeys';
import type { BackendService } from '../backends/backendService';
import type { OutputLog } from '../backends/outputLog';
import { baseName } from '../language/promptDocuments';
import { partialFolders, workspaceEnvironment } from '../language/workspaceEnvironment';
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

/** A text file's content (an open editor's first); undefined when there is no such file. */
async function textAt(ref: string): Promise<string | undefined> {
  const open = vscode.workspace.textDocuments.find((document) => document.uri.toString() === ref);
  if (open) return open.getText();
  const uri = vscode.Uri.parse(ref);
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  } catch (error) {
    if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') return undefined;
    throw error;
  }
}

export function extensionEngineHost(backends: BackendService, keys: ApiKeyStore, log: OutputLog, countTexts: CountTexts, extensionUri?: vscode.Uri): EngineHost {
  const judgePrompt = extensionUri && judgePromptReader(extensionUri.fsPath);
  return {
    readText: textAt,
    // Restricted Mode: a cloned folder's datasets cannot run code (javascript assertions error).
    get allowCode() {
      return vscode.workspace.isTrusted;
    },
    ...(judgePrompt ? { judgePrompt } : {}),
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
