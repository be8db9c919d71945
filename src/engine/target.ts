// Where a prompt runs: one resolution for every host and every column. `model: provider/name`
// names the backend and model; a configured backend's id alone (`local`) is that backend with its
// default model; a bare name (`gpt-4o`) is a model of the default backend; without a model, the
// backend's `defaultModel` ('' lets the backend pick). A host may pin the backend or the model
// (the CLI's --backend, --base-url and --model).
import type { BackendConfig } from '../backends/backendConfig';
import { resolveModelId, type BackendRegistry } from '../backends/registry';
import type { EngineProblem } from './problems';
import type { TargetHost } from './host';

export interface Target {
  backendId: string;
  config: BackendConfig;
  /** The model without the provider; '' when the backend is to pick its own. */
  model: string;
}

/** What a host pins, over the prompt's own `model:`. */
export interface TargetPins {
  /** Run on this backend, whatever the prompt names. */
  backend?: string;
  /** Run this model. */
  model?: string;
  /** The prompt's model name holds on the pinned backend even when the prompt names another
   * provider (a `--base-url` server stands in for the prompt's provider). */
  keepModelName?: boolean;
}

type Backends = { backends: Pick<BackendRegistry, 'config' | 'list'>; defaultBackend: string };

/** Where `modelId` (a prompt's `model:`, or a model axis value) runs; a `no-backend` problem when
 * that backend is not configured. `subject` names what runs, for the problem's message. */
export function resolveTarget(host: Backends, modelId: string | undefined, subject: string, pins: TargetPins = {}): Target | { problem: EngineProblem } {
  const { backends } = host;
  const resolved = resolveModelId(modelId, (id) => backends.config(id) !== undefined, pins.backend ?? host.defaultBackend);
  const backendId = pins.backend ?? resolved.backend;
  const config = backends.config(backendId);
  if (!config) {
    const configured = backends.list().map((c) => c.id);
    return { problem: { kind: 'no-backend', subject, backend: backendId, configured, ...(resolved.model !== undefined ? { model: resolved.model } : {}), message: `${subject} runs on backend '${backendId}', which is not configured. Configured: ${configured.join(', ')}` } };
  }
  const ownModel = resolved.backend === backendId || pins.keepModelName ? resolved.model : undefined;
  return { backendId, config, model: pins.model ?? ownModel ?? config.defaultModel ?? '' };
}

/** Why `target` cannot run before anything is sent (a local backend without its model file, in the
 * host's words); undefined when it can. */
export function targetProblem(host: Pick<TargetHost, 'localModelProblem'>, target: Target, subject: string): EngineProblem | undefined {
  const message = host.localModelProblem(target.config);
  return message === undefined ? undefined : { kind: 'no-local-model', subject, config: target.config, message };
}

/** resolveTarget, then targetProblem: a target that can run, or why not. */
export function runnableTarget(host: TargetHost, modelId: string | undefined, subject: string, pins: TargetPins = {}): Target | { problem: EngineProblem } {
  const target = resolveTarget(host, modelId, subject, pins);
  if ('problem' in target) return target;
  const problem = targetProblem(host, target, subject);
  return problem ? { problem } : target;
}
