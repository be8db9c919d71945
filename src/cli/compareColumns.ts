// What each column of `compare` runs: its backend and model (under a `model` axis, each value
// resolved as a prompt's `model:` is) and its prompt (under a `variant` axis, each value's own file,
// rendered with the same inputs). All of it is checked before any cell runs: a value that cannot
// run is bad usage naming that value (exit 2), not a grid of failed cells.
import { existsSync } from 'node:fs';
import type { Backend } from '../backends/backend';
import { resolveModelPath } from '../backends/local/localBackend';
import { resolveModelId } from '../backends/registry';
import type { AnalyzedPrompt } from '../core/analyzePrompt';
import { columnsOf, variantOf, type Axis } from '../core/compare';
import { UsageError, type ParsedArgs } from './args';
import type { CliIO } from './io';
import { variantPath } from './renderOptions';
import { analyzeFileForCli } from './runPromptCommand';
import type { CliTarget } from './runTarget';

export interface ColumnRun {
  backend: Backend;
  /** Without the provider; '' for the backend's default. */
  model: string;
  /** The prompt this column renders: the file itself, or its variant. */
  analyzed: AnalyzedPrompt;
}

/** A `model` axis value's backend and model, or why it cannot run. */
function modelTarget(target: CliTarget, modelId: string): { backend: string; model: string } {
  const { registry } = target;
  const resolved = resolveModelId(modelId, (id) => registry.config(id) !== undefined, target.defaultBackend);
  const config = registry.config(resolved.backend);
  if (!config) {
    throw new UsageError(`--axis model: '${modelId}' runs on backend '${resolved.backend}', which is not configured. Configured: ${registry.list().map((c) => c.id).join(', ')}`);
  }
  if (config.kind === 'local') {
    const modelPath = resolveModelPath(config);
    if ('error' in modelPath) throw new UsageError(`--axis model: '${modelId}': ${modelPath.error}`);
  }
  return { backend: resolved.backend, model: resolved.model ?? config.defaultModel ?? '' };
}

/** A `variant` axis value's prompt, rendered with the inputs the flags give. */
async function variantPrompt(parsed: ParsedArgs, io: CliIO, variant: string): Promise<AnalyzedPrompt> {
  const file = variantPath(parsed.positionals[0]!, variant);
  if (!existsSync(file)) throw new UsageError(`--axis variant: '${variant}' has no file ${file}`);
  const analysis = await analyzeFileForCli(file, parsed, io);
  if (typeof analysis === 'number') throw new UsageError(`--axis variant: '${variant}': ${file} cannot be rendered (see above)`);
  return analysis.analyzed;
}

export interface ColumnRuns {
  /** In column order. */
  runs: ColumnRun[];
  /** Where a `model` axis value runs, for the record's columns. */
  targetOf(modelId: string): { backend: string; model: string };
}

/** Every column's backend, model and prompt. Backends come from the target's registry: each is
 * created once, and disposed with it. */
export async function columnRunsOf(parsed: ParsedArgs, io: CliIO, target: CliTarget, axes: readonly Axis[]): Promise<ColumnRuns> {
  const columns = columnsOf(axes);
  const targets = new Map<string, { backend: string; model: string }>();
  const prompts = new Map<string, AnalyzedPrompt>();
  for (const column of columns) {
    if (column.model !== undefined && !targets.has(column.model)) targets.set(column.model, modelTarget(target, column.model));
    const variant = variantOf(column);
    if (variant !== undefined && !prompts.has(variant)) prompts.set(variant, await variantPrompt(parsed, io, variant));
  }
  for (const [variant, analyzed] of prompts) {
    // A variant's own `model:` does not move its column: the comparison's backend (or the model axis) does.
    const model = analyzed.result.model;
    if (model !== undefined && model !== target.rendered.model) {
      io.stderr(`prompt-lab compare: note: variant '${variant}' names model '${model}'; its column runs on the comparison's backend (vary the model with --axis model)\n`);
    }
  }
  const runs = columns.map((column) => {
    const own = column.model === undefined ? undefined : targets.get(column.model)!;
    const variant = variantOf(column);
    return {
      backend: own ? target.registry.get(own.backend) : target.backend,
      model: own ? own.model : target.model,
      analyzed: variant === undefined ? target.analyzed : prompts.get(variant)!,
    };
  });
  return { runs, targetOf: (modelId) => targets.get(modelId)! };
}
