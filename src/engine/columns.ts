// What each column of a comparison runs: its backend and model (under a `model` axis, each value
// resolved as a prompt's `model:` is) and its prompt (under a `variant` axis, each value's own file
// beside the prompt, checked and rendered with the same request). All of it is settled before any
// cell runs: a column that cannot run is a problem naming the value, not a grid of failed cells.
import { concurrencyOfBackend } from '../backends/backendConfig';
import { columnsOf, variantOf, type Axis } from '../core/compare';
import { variantFileName } from '../core/promptFiles';
import type { EngineHost } from './host';
import type { EngineProblem } from './problems';
import { loadPrompt, renderLoaded, type PreparedPrompt, type RenderedPrompt } from './prompt';
import { runnableTarget, type Target } from './target';

export interface ColumnRun {
  target: Target;
  /** The prompt this column renders: the prompt itself, or its variant. */
  prompt: RenderedPrompt;
}

export interface ColumnRuns {
  /** In column order. */
  runs: ColumnRun[];
  /** Where a `model` axis value runs, for the record's columns. */
  targetOf(modelId: string): { backend: string; model: string };
}

type Failed = { problem: EngineProblem };

/** A variant's file beside the prompt, checked and rendered with the prompt's request. */
export async function variantPrompt(host: EngineHost, prompt: RenderedPrompt, variant: string): Promise<RenderedPrompt | Failed> {
  const fileName = variantFileName(prompt.fileName, variant);
  const subject = `the variant '${variant}'`;
  const ref = host.beside(prompt.ref, fileName);
  if (ref === undefined) {
    return { problem: { kind: 'variant-missing', subject, variant, fileName, message: `${subject} needs ${fileName} beside the prompt; save ${prompt.fileName} first` } };
  }
  const loaded = await loadPrompt(host, ref);
  const rendered = 'problem' in loaded ? loaded : await renderLoaded(host, loaded, prompt.request);
  if ('problem' in rendered) {
    const cause = rendered.problem;
    if (cause.kind === 'no-prompt') return { problem: { kind: 'variant-missing', subject, variant, fileName, ref, message: `${subject} has no file ${fileName} beside ${prompt.fileName}` } };
    if (cause.kind !== 'prompt-broken' && cause.kind !== 'input' && cause.kind !== 'render') return rendered;
    const message = cause.kind === 'prompt-broken' ? `the variant file ${cause.message}` : `the variant file ${cause.fileName}: ${cause.message}`;
    return { problem: { kind: 'variant-broken', subject, variant, cause, message } };
  }
  return rendered;
}

/** Every column's target and prompt, or the first reason one cannot run. */
export async function columnRunsOf(host: EngineHost, prepared: PreparedPrompt, axes: readonly Axis[]): Promise<ColumnRuns | Failed> {
  const columns = columnsOf(axes);
  const targets = new Map<string, Target>();
  const prompts = new Map<string, RenderedPrompt>();
  for (const column of columns) {
    if (column.model !== undefined && !targets.has(column.model)) {
      const target = runnableTarget(host, column.model, `'${column.model}'`);
      if ('problem' in target) return target;
      targets.set(column.model, target);
    }
    const variant = variantOf(column);
    if (variant !== undefined && !prompts.has(variant)) {
      const prompt = await variantPrompt(host, prepared, variant);
      if ('problem' in prompt) return prompt;
      // A variant's own `model:` does not move its column: the comparison's backend (or a model axis) does.
      if (prompt.rendered.model !== undefined && prompt.rendered.model !== prepared.rendered.model) {
        host.log(`variant '${variant}' names model '${prompt.rendered.model}'; its column runs on the comparison's backend (vary the model with a model axis)`);
      }
      prompts.set(variant, prompt);
    }
  }
  const runs = columns.map((column) => {
    const variant = variantOf(column);
    return {
      target: column.model === undefined ? prepared.target : targets.get(column.model)!,
      prompt: variant === undefined ? prepared : prompts.get(variant)!,
    };
  });
  return {
    runs,
    targetOf: (modelId) => {
      const target = targets.get(modelId)!;
      return { backend: target.backendId, model: target.model };
    },
  };
}

/** How many cells run at once: the strictest backend of the columns sets the pace, so none gets
 * more requests at once than it allows (its kind's default where it says nothing). */
export const concurrencyOf = (columns: ColumnRuns): number => Math.min(...columns.runs.map((run) => concurrencyOfBackend(run.target.config)));
