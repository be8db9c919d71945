// What a finished run becomes outside the backend: the panel's result record (nothing secret, no
// log-probabilities), one line in the output channel, and for failures a message with the action
// that fixes them (Set API Key on a 401, Set Model Path for a missing local model).
import { isAbsolute } from 'node:path';
import * as vscode from 'vscode';
import { backendOrigin, type BackendConfig } from '../../backends/backendConfig';
import { MODEL_PATH_ENV, resolveModelPath } from '../../backends/local/localBackend';
import type { RunResultView } from '../../shared/protocol';
import { Commands } from '../commands';
import { settingId } from '../settings';

export { resultView } from '../../engine/resultView';

const round = (value: number | undefined, digits = 0) => (value === undefined ? '–' : value.toFixed(digits));

/** One line for the output channel: no text, no keys. */
export function logLine(id: string, fileName: string, view: RunResultView): string {
  const usage = `${view.usage.promptTokens} in / ${view.usage.completionTokens} out${view.usage.estimated ? ' (estimated)' : ''}`;
  const parts = [
    `run ${id.slice(0, 8)} ${fileName} on ${view.backend}/${view.model || 'default'}: ${view.finishReason}`,
    usage,
    `${round(view.latencyMs)} ms`,
    `first token ${round(view.timeToFirstTokenMs)} ms`,
    `${round(view.tokensPerSecond, 1)} tokens/s`,
    ...(view.warnings.length ? [`warnings: ${view.warnings.join('; ')}`] : []),
    ...(view.error ? [`error${view.error.status ? ` ${view.error.status}` : ''}: ${view.error.message}`] : []),
  ];
  return parts.join(' · ');
}

/** Why the local backend cannot run, before it is asked to: no model file set, a relative path
 * (relative to what? the extension host's working directory is nobody's choice), or no such file. */
export function localModelProblem(config: BackendConfig): string | undefined {
  if (config.kind !== 'local') return undefined;
  const howToSet = `Set ${settingId('localModelPath')} to a .gguf file (or the environment variable ${MODEL_PATH_ENV}).`;
  const given = config.modelPath ?? process.env[MODEL_PATH_ENV];
  if (given && !isAbsolute(given)) return `the local model path '${given}' is relative: ${howToSet.replace('a .gguf file', 'the absolute path of a .gguf file')}`;
  const resolved = resolveModelPath(config, process.env, howToSet);
  return 'error' in resolved ? resolved.error : undefined;
}

const SET_API_KEY = 'Set API Key';
const SET_MODEL_PATH = 'Set Model Path';
const SHOW_OUTPUT = 'Show Output';

export async function offerModelPath(message: string): Promise<void> {
  const answer = await vscode.window.showErrorMessage(`Prompt Lab: ${message}`, SET_MODEL_PATH);
  if (answer === SET_MODEL_PATH) await vscode.commands.executeCommand('workbench.action.openSettings', settingId('localModelPath'));
}

/** Tells the user a run failed, with the action that fixes it where there is one. */
export async function reportFailure(view: RunResultView, config: BackendConfig, showOutput: () => void): Promise<void> {
  const error = view.error;
  if (!error) return;
  const rejected = error.status === 401 || error.status === 403;
  // No key at all (the backend refused to send the request without one).
  const missing = error.status === undefined && config.kind !== 'local' && /\bno API key\b/i.test(error.message);
  if (rejected || missing) {
    const host = backendOrigin(config) ?? config.id;
    const message = rejected
      ? `${error.status} from ${host}: the key for backend '${config.id}' was rejected — Set API Key.`
      : `backend '${config.id}' has no API key for ${host} — Set API Key.`;
    const answer = await vscode.window.showErrorMessage(`Prompt Lab: ${message}`, SET_API_KEY);
    if (answer === SET_API_KEY) await vscode.commands.executeCommand(Commands.setApiKey, { backendId: config.id });
    return;
  }
  if (config.kind === 'local' && /model/i.test(error.message) && /(not (found|exist)|no such file|ENOENT|no model|not set|cannot (load|open))/i.test(error.message)) {
    await offerModelPath(error.message);
    return;
  }
  const answer = await vscode.window.showErrorMessage(`Prompt Lab: the run on '${config.id}' failed: ${error.message}`, SHOW_OUTPUT);
  if (answer === SHOW_OUTPUT) showOutput();
}
