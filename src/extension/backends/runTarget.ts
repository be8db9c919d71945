// Which backend and model a prompt runs on, for the status bar and the frontmatter's diagnostics:
// the engine's one resolution (src/engine/target.ts) over the configured backends, with
// `promptLab.defaultBackend` for a model id that names none.
import { backendOrigin, COPILOT_VENDOR, type BackendConfig } from '../../backends/backendConfig';
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
  const model = target.model || (target.config?.kind === 'local' && target.config.modelPath ? baseName(target.config.modelPath) : 'default model');
  return `${target.backendId} · ${model}`;
}

export function describeBackend(config: BackendConfig): string {
  if (config.kind === 'vscode-lm') return `vscode-lm · ${config.vendor ?? COPILOT_VENDOR} models in VS Code`;
  return config.kind === 'local' ? `local · ${config.modelPath ? baseName(config.modelPath) : 'no model set'}` : `${config.kind} · ${backendOrigin(config) ?? 'no valid URL'}`;
}

const baseName = (path: string): string => path.replace(/^.*[\\/]/, '').replace(/\.gguf$/i, '');
