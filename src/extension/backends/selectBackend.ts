// "Prompt Lab: Select Backend": a pick of the configured backends; the choice becomes
// `promptLab.defaultBackend`. It is written to the user settings (a personal choice that should
// follow you between folders) unless the workspace already sets it, in which case the workspace's
// value is the one in force and is the one changed (in a trusted workspace only).
import * as vscode from 'vscode';
import { Commands } from '../commands';
import { SETTINGS_SECTION, SettingKeys } from '../settings';
import type { BackendService } from './backendService';
import { describeBackend } from './runTarget';

export function registerSelectBackend(backends: BackendService): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.selectBackend, async (backendId?: unknown) => {
    let id = typeof backendId === 'string' ? backendId : undefined;
    if (id === undefined) {
      const current = backends.defaultBackend;
      const picked = await vscode.window.showQuickPick(backends.registry.list().map((config) => ({
        label: config.id,
        description: `${describeBackend(config)}${config.id === current ? ' (default)' : ''}`,
        detail: config.defaultModel ? `default model: ${config.defaultModel}` : undefined,
        picked: config.id === current,
      })), { placeHolder: 'The backend prompts run on when their model: names no provider' });
      if (!picked) return undefined;
      id = picked.label;
    }
    if (!backends.registry.config(id)) {
      void vscode.window.showErrorMessage(`Prompt Lab: no backend '${id}' is configured.`);
      return undefined;
    }
    const config = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    const inWorkspace = vscode.workspace.isTrusted && config.inspect(SettingKeys.defaultBackend)?.workspaceValue !== undefined;
    await config.update(SettingKeys.defaultBackend, id, inWorkspace ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);
    return id;
  });
}
