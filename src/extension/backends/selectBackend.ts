// "Prompt Lab: Select Backend": a pick of the configured backends and, under each, the models it
// offers (an OpenAI-compatible server's GET /v1/models, VS Code's chat models), arriving while the
// pick is open. A backend becomes `promptLab.defaultBackend`; a model also becomes that backend's
// `defaultModel` in `promptLab.backends`. Written to the user settings (a personal choice that
// should follow you between folders) unless the workspace already sets the value, in which case the
// workspace's value is the one in force and is the one changed (in a trusted workspace only).
import * as vscode from 'vscode';
import type { BackendConfig } from '../../backends/backendConfig';
import { Commands } from '../commands';
import { SETTINGS_SECTION, SettingKeys } from '../settings';
import type { BackendService } from './backendService';
import type { BackendModels, ModelLists } from './modelLists';
import { describeBackend } from './runTarget';

/** How long the pick shows "listing models…" before it settles for what has arrived. */
const LIST_WAIT_MS = 10_000;

interface BackendItem extends vscode.QuickPickItem {
  backendId: string;
  model?: string;
}

function items(backends: BackendService, lists: readonly BackendModels[]): BackendItem[] {
  const current = backends.defaultBackend;
  const result: BackendItem[] = [];
  for (const config of backends.registry.list()) {
    const list = lists.find((candidate) => candidate.config.id === config.id);
    result.push({ kind: vscode.QuickPickItemKind.Separator, label: config.id, backendId: config.id });
    result.push({
      label: config.id,
      description: `${describeBackend(config)}${config.id === current ? ' (default)' : ''}`,
      detail: list?.error ? `models not listed: ${list.error}` : config.defaultModel ? `default model: ${config.defaultModel}` : undefined,
      backendId: config.id,
    });
    for (const model of list?.models ?? []) {
      result.push({
        label: `$(symbol-constant) ${config.id}/${model.id}`,
        description: [model.detail, model.maxInputTokens ? `${model.maxInputTokens.toLocaleString('en-US')} tokens in` : undefined, model.id === config.defaultModel ? '(default model)' : undefined].filter(Boolean).join(' · '),
        backendId: config.id,
        model: model.id,
      });
    }
  }
  return result;
}

/** Shows the pick; resolves to the chosen backend (and model), or undefined when dismissed. */
function pick(backends: BackendService, models: ModelLists): Promise<BackendItem | undefined> {
  return new Promise((resolve) => {
    const quickPick = vscode.window.createQuickPick<BackendItem>();
    const refresh: vscode.QuickInputButton = { iconPath: new vscode.ThemeIcon('refresh'), tooltip: 'List the models again' };
    quickPick.placeholder = 'The backend (and model) prompts run on when their model: names no provider';
    quickPick.matchOnDescription = true;
    quickPick.buttons = [refresh];
    let lists: BackendModels[] = [];
    const show = () => {
      const active = quickPick.activeItems[0];
      quickPick.items = items(backends, lists);
      const again = quickPick.items.find((item) => item.kind !== vscode.QuickPickItemKind.Separator && item.backendId === (active?.backendId ?? backends.defaultBackend) && item.model === active?.model);
      if (again) quickPick.activeItems = [again];
    };
    const load = () => {
      quickPick.busy = true;
      void models.get(LIST_WAIT_MS).then((result) => {
        lists = result.lists;
        quickPick.busy = false;
        show();
      });
    };
    show();
    load();
    quickPick.onDidTriggerButton(() => {
      models.refresh();
      load();
    });
    quickPick.onDidAccept(() => {
      const chosen = quickPick.selectedItems[0];
      resolve(chosen);
      quickPick.hide();
    });
    quickPick.onDidHide(() => {
      resolve(undefined);
      quickPick.dispose();
    });
    quickPick.show();
  });
}

/** Makes `model` the default model of backend `config`, in the `promptLab.backends` entry of the same
 * id at `target`, or in a new entry there (the built-in `local` and `copilot` have none). */
async function setDefaultModel(config: BackendConfig, model: string, target: vscode.ConfigurationTarget): Promise<void> {
  const settings = vscode.workspace.getConfiguration(SETTINGS_SECTION);
  const inspected = settings.inspect<unknown>(SettingKeys.backends);
  const current = target === vscode.ConfigurationTarget.Workspace ? inspected?.workspaceValue : inspected?.globalValue;
  const list: unknown[] = Array.isArray(current) ? [...current] : [];
  const index = list.findIndex((entry) => typeof entry === 'object' && entry !== null && (entry as { id?: unknown }).id === config.id);
  if (index === -1) list.push({ id: config.id, kind: config.kind, ...(config.vendor ? { vendor: config.vendor } : {}), defaultModel: model });
  else list[index] = { ...(list[index] as object), defaultModel: model };
  await settings.update(SettingKeys.backends, list, target);
}

/** `(backendId?, model?)`: given, no pick is shown (scripts, tests); resolves to the id chosen. */
export function registerSelectBackend(backends: BackendService, models: ModelLists): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.selectBackend, async (backendId?: unknown, modelId?: unknown) => {
    let id = typeof backendId === 'string' ? backendId : undefined;
    let model = typeof modelId === 'string' && modelId !== '' ? modelId : undefined;
    if (id === undefined) {
      const picked = await pick(backends, models);
      if (!picked) return undefined;
      id = picked.backendId;
      model = picked.model;
    }
    const config = backends.registry.config(id);
    if (!config) {
      void vscode.window.showErrorMessage(`Prompt Lab: no backend '${id}' is configured.`);
      return undefined;
    }
    const settings = vscode.workspace.getConfiguration(SETTINGS_SECTION);
    const inWorkspace = (key: string) => vscode.workspace.isTrusted && settings.inspect(key)?.workspaceValue !== undefined;
    const targetOf = (key: string) => (inWorkspace(key) ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global);
    if (model !== undefined && model !== config.defaultModel) await setDefaultModel(config, model, targetOf(SettingKeys.backends));
    await settings.update(SettingKeys.defaultBackend, id, targetOf(SettingKeys.defaultBackend));
    return id;
  });
}

/** "Prompt Lab: Refresh Model Lists": forgets the cached lists; the next pick or completion fetches. */
export function registerRefreshModelLists(models: ModelLists): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.refreshModelLists, async () => {
    models.refresh();
    const { lists } = await models.get(LIST_WAIT_MS);
    // The counts, for scripts and tests; failures are in the output channel.
    return Object.fromEntries(lists.map((list) => [list.config.id, list.error ? { error: list.error } : { models: list.models.map((m) => m.id) }]));
  });
}
