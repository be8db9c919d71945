// Which backend and model a prompt runs on: `model: provider/name` in its frontmatter names the
// backend (and model); without a provider, `promptLab.defaultBackend`; without a model, the
// backend's `defaultModel`.
import { backendOrigin, type BackendConfig } from '../../backends/backendConfig';
import { resolveModelId } from '../../backends/registry';
import type { BackendService } from './backendService';

export interface RunTarget {
  backendId: string;
  /** Undefined when no backend of that id is configured. */
  config?: BackendConfig;
  /** The model without the provider; '' when the backend is to pick its own. */
  model: string;
}

export function runTargetOf(backends: BackendService, modelField: string | undefined): RunTarget {
  // `model: gpt-4o` (no slash) is a model of the default backend unless it names a backend.
  const resolved = resolveModelId(modelField, (id) => backends.registry.config(id) !== undefined, backends.defaultBackend);
  const config = backends.registry.config(resolved.backend);
  const model = resolved.model ?? config?.defaultModel ?? '';
  return { backendId: resolved.backend, ...(config ? { config } : {}), model };
}

/** `local · stories260K`, for the status bar and pickers. */
export function describeTarget(target: RunTarget): string {
  const model = target.model || (target.config?.kind === 'local' && target.config.modelPath ? baseName(target.config.modelPath) : 'default model');
  return `${target.backendId} · ${model}`;
}

export function describeBackend(config: BackendConfig): string {
  return config.kind === 'local' ? `local · ${config.modelPath ? baseName(config.modelPath) : 'no model set'}` : `${config.kind} · ${backendOrigin(config) ?? 'no valid URL'}`;
}

const baseName = (path: string): string => path.replace(/^.*[\\/]/, '').replace(/\.gguf$/i, '');
