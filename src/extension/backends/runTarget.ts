// Which backend and model a prompt runs on, for the status bar and the frontmatter's diagnostics:
// the engine's one resolution (src/engine/target.ts) over the configured backends, with
// `promptLab.defaultBackend` for a model id that names none.
import { backendOrigin, COPILOT_VENDOR, type BackendConfig } from '../../backends/backendConfig';
import { bundledModelPath } from '../../backends/local/bundledModel';
import { MODEL_PATH_ENV } from '../../backends/local/localBackend';
import { resolveTarget } from '../../engine/target';
import type { BackendService } from './backendService';

export interface RunTarget {
  backendId: string;
  /** Undefined when no backend of that id is configured. */
  config?: BackendConfig;
  /** The model without the provider; '' when the backend is to pick its own. */
  model: string;
}

export function runTargetOf(backends: BackendService, modelField: string | undefined): RunTarget {
  const target = resolveTarget({ backends: backends.registry, defaultBackend: backends.defaultBackend }, modelField, 'the prompt');
  if (!('problem' in target)) return target;
  const problem = target.problem;
  return problem.kind === 'no-backend' ? { backendId: problem.backend, model: problem.model ?? '' } : { backendId: backends.defaultBackend, model: '' };
}

/** `local · stories260K`, for the status bar and pickers. */
export function describeTarget(target: RunTarget): string {
  const config = target.config;
  if (config?.kind !== 'local') return `${target.backendId} · ${target.model || 'default model'}`;
  // The local backend runs its file whatever the model's name: say which file, and when it is the
  // model in the box (nothing configured), say so.
  const name = localModelName(config);
  const named = target.model && target.model !== name && !name.startsWith(`${target.model} `);
  return `${target.backendId} · ${named ? `${target.model} → ${name}` : name}`;
}

export function describeBackend(config: BackendConfig): string {
  if (config.kind === 'vscode-lm') return `vscode-lm · ${config.vendor ?? COPILOT_VENDOR} models in VS Code`;
  return config.kind === 'local' ? `local · ${localModelName(config)}` : `${config.kind} · ${backendOrigin(config) ?? 'no valid URL'}`;
}

/** The local backend's model file by name; with none configured, the model in the box, said so. */
function localModelName(config: BackendConfig): string {
  const given = config.modelPath ?? process.env[MODEL_PATH_ENV];
  if (given) return baseName(given);
  const bundled = bundledModelPath();
  return bundled ? `${baseName(bundled)} (in the box)` : 'no model set';
}

const baseName = (path: string): string => path.replace(/^.*[\\/]/, '').replace(/\.gguf$/i, '');
