// "Prompt Lab: Set API Key" / "Clear API Key": pick a configured backend that talks to a server,
// type the key in a password box; it is stored for the backend's current origin only.
// Test and scripting hook: both commands accept
// `{ backendId?: string; apiKey?: string }` as their argument to skip the pick and the input box.
// Nothing ever reads a key back out through a command (the check hook reports origins only).
import * as vscode from 'vscode';
import { backendOrigin, type BackendConfig } from '../../backends/backendConfig';
import { Commands } from '../commands';
import { settingId } from '../settings';
import type { ApiKeyStore, KeyDecision } from './apiKeys';
import type { BackendService } from './backendService';

export interface ApiKeyCommandArgs {
  backendId?: string;
  /** Set API Key only: store this key without asking for it. */
  apiKey?: string;
}

const argsOf = (value: unknown): ApiKeyCommandArgs => {
  if (typeof value !== 'object' || value === null || value instanceof vscode.Uri) return {};
  const { backendId, apiKey } = value as Record<string, unknown>;
  return { ...(typeof backendId === 'string' ? { backendId } : {}), ...(typeof apiKey === 'string' ? { apiKey } : {}) };
};

/** Asks for a key in a password box and stores it for the backend's origin; returns it (for the run
 * that asked), or undefined when cancelled. */
export async function promptAndStoreKey(keys: ApiKeyStore, config: BackendConfig, given?: string): Promise<string | undefined> {
  const origin = backendOrigin(config);
  if (!origin) {
    void vscode.window.showErrorMessage(`Prompt Lab: backend '${config.id}' has no valid ${config.kind === 'azure-openai' ? 'endpoint' : 'baseURL'}, so a key cannot be bound to it.`);
    return undefined;
  }
  const key = given ?? await vscode.window.showInputBox({
    title: `API key for backend '${config.id}'`,
    prompt: `Stored in the OS keychain and sent only to ${origin}.`,
    password: true,
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() === '' ? 'Enter the key, or press Escape to cancel.' : /\s/.test(value.trim()) ? 'A key has no spaces in it.' : undefined),
  });
  if (key === undefined || key.trim() === '') return undefined;
  await keys.store(config.id, origin, key.trim());
  void vscode.window.showInformationMessage(`Prompt Lab: the API key for '${config.id}' is stored for ${origin}.`);
  return key.trim();
}

async function pickBackend(backends: BackendConfig[], placeHolder: string): Promise<BackendConfig | undefined> {
  const picked = await vscode.window.showQuickPick(backends.map((config) => ({
    label: config.id,
    description: `${config.kind} · ${backendOrigin(config) ?? 'no valid URL'}`,
    config,
  })), { placeHolder });
  return picked?.config;
}

export function registerApiKeyCommands(keys: ApiKeyStore, backends: BackendService): vscode.Disposable[] {
  const keyed = () => backends.registry.list().filter((config) => config.kind === 'openai' || config.kind === 'azure-openai');
  return [
    vscode.commands.registerCommand(Commands.setApiKey, async (arg?: unknown) => {
      const args = argsOf(arg);
      const candidates = keyed();
      let config = args.backendId === undefined ? undefined : candidates.find((candidate) => candidate.id === args.backendId);
      if (args.backendId !== undefined && !config) {
        void vscode.window.showErrorMessage(`Prompt Lab: no backend '${args.backendId}' that takes a key is configured.`);
        return undefined;
      }
      if (!config) {
        if (candidates.length === 0) {
          const open = 'Open Settings';
          const answer = await vscode.window.showInformationMessage(`Prompt Lab: no backend needs a key yet. Add an openai or azure-openai entry to ${settingId('backends')} first.`, open);
          if (answer === open) void vscode.commands.executeCommand('workbench.action.openSettings', settingId('backends'));
          return undefined;
        }
        config = await pickBackend(candidates, 'Set the API key of which backend?');
        if (!config) return undefined;
      }
      const key = await promptAndStoreKey(keys, config, args.apiKey);
      return key === undefined ? undefined : { backendId: config.id, origin: backendOrigin(config) };
    }),
    vscode.commands.registerCommand(Commands.clearApiKey, async (arg?: unknown) => {
      const args = argsOf(arg);
      let id = args.backendId;
      if (id === undefined) {
        const ids = keys.storedIds();
        if (ids.length === 0) {
          void vscode.window.showInformationMessage('Prompt Lab: no API keys are stored.');
          return 0;
        }
        const picked = await vscode.window.showQuickPick(ids.map((stored) => ({ label: stored, description: keys.storedOrigins(stored).join(', ') })), { placeHolder: 'Clear the API key(s) of which backend?' });
        if (!picked) return 0;
        id = picked.label;
      }
      const cleared = await keys.clear(id);
      void vscode.window.showInformationMessage(cleared === 0 ? `Prompt Lab: no key was stored for '${id}'.` : `Prompt Lab: the API key${cleared === 1 ? '' : 's'} of '${id}' ${cleared === 1 ? 'is' : 'are'} cleared.`);
      return cleared;
    }),
    vscode.commands.registerCommand(Commands.checkApiKey, (backendId?: unknown): KeyDecision | undefined => {
      const config = typeof backendId === 'string' ? backends.registry.config(backendId) : undefined;
      return config && keys.decide(config);
    }),
  ];
}
