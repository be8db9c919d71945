// Prompt Lab's settings, in one place: the keys as constants (package.json's
// `contributes.configuration` declares the same ones) and one typed reader. Values come from the
// user and may be anything: every reader checks the shape and falls back to the default.
import * as vscode from 'vscode';

export const SETTINGS_SECTION = 'promptLab';

export const SettingKeys = {
  /** Workspace-relative folder searched for partials (`_name.prompt`) after the prompt's own folder. */
  promptsFolder: 'promptsFolder',
  /** Declared by the backends issue: `[{ id, defaultModel, models? }]`. Read here only for model
   * completions, and only if present. */
  backends: 'backends',
} as const;

export const DEFAULT_PROMPTS_FOLDER = 'prompts';

export interface BackendSetting {
  id: string;
  defaultModel?: string;
  models?: string[];
}

export interface PromptLabSettings {
  /** Normalized: no leading `./` or trailing `/`; `''` means none (an invalid value is ignored). */
  promptsFolder: string;
  /** Undefined when the setting does not exist (yet) or holds nothing usable. */
  backends: BackendSetting[] | undefined;
}

export function readSettings(scope?: vscode.ConfigurationScope): PromptLabSettings {
  const config = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
  return {
    promptsFolder: normalizeFolder(config.get<unknown>(SettingKeys.promptsFolder, DEFAULT_PROMPTS_FOLDER)),
    backends: readBackends(config.get<unknown>(SettingKeys.backends)),
  };
}

export function affectsSetting(event: vscode.ConfigurationChangeEvent, key: keyof typeof SettingKeys): boolean {
  return event.affectsConfiguration(`${SETTINGS_SECTION}.${SettingKeys[key]}`);
}

/** A workspace-relative folder that stays inside the workspace: no absolute paths, no `..`. */
function normalizeFolder(value: unknown): string {
  if (typeof value !== 'string') return DEFAULT_PROMPTS_FOLDER;
  const segments = value.trim().replace(/\\/g, '/').split('/').filter((segment) => segment !== '' && segment !== '.');
  if (/^([a-z]:|\/)/i.test(value.trim()) || segments.includes('..')) return '';
  return segments.join('/');
}

function readBackends(value: unknown): BackendSetting[] | undefined {
  if (!Array.isArray(value)) return undefined;
  const backends: BackendSetting[] = [];
  for (const item of value as unknown[]) {
    if (typeof item !== 'object' || item === null) continue;
    const { id, defaultModel, models } = item as Record<string, unknown>;
    if (typeof id !== 'string' || id === '') continue;
    backends.push({
      id,
      ...(typeof defaultModel === 'string' && defaultModel !== '' ? { defaultModel } : {}),
      ...(Array.isArray(models) ? { models: models.filter((model): model is string => typeof model === 'string' && model !== '') } : {}),
    });
  }
  return backends.length > 0 ? backends : undefined;
}
