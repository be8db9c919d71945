// What a comparison varies, asked for with quick inputs: "Compare Temperatures" asks for the
// temperatures (from promptLab.compare.temperatures) and the samples; "Compare…" first lets the user
// pick one or two settings (temperature, top-p, top-k, max output tokens, few-shot examples).
// Escape at any step cancels; every value is checked as typed, with the reason shown inline.
import * as vscode from 'vscode';
import type { Axis, AxisName } from '../../core/compare';

export interface ComparePlan {
  axes: Axis[];
  samples: number;
}

/** Cells a comparison may have: columns × samples. More is a mistake, not a comparison. */
export const MAX_CELLS = 100;

interface AxisSpec {
  label: string;
  detail: string;
  defaults: number[];
  /** Why `value` is not allowed, or undefined. */
  check(value: number): string | undefined;
}

const whole = (min: number) => (value: number) => (Number.isInteger(value) && value >= min ? undefined : `a whole number of at least ${min}`);
const between = (min: number, max: number) => (value: number) => (value >= min && value <= max ? undefined : `from ${min} to ${max}`);

function axisSpecs(temperatures: number[], examples: number | undefined): Record<AxisName, AxisSpec> {
  return {
    temperature: { label: 'Temperature', detail: 'How random sampling is: 0 always takes the likeliest token.', defaults: temperatures, check: between(0, 2) },
    topP: { label: 'Top-p', detail: 'Sample only from the likeliest tokens whose probabilities add up to p.', defaults: [0.5, 0.9, 1], check: between(0, 1) },
    topK: { label: 'Top-k', detail: 'Sample only from the k likeliest tokens.', defaults: [1, 10, 50], check: whole(1) },
    maxOutputTokens: { label: 'Max output tokens', detail: 'Where the completion is cut off.', defaults: [16, 64, 256], check: whole(1) },
    shots: {
      label: 'Few-shot examples',
      detail: examples === undefined ? 'This prompt names no examples input (promptlab.examples).' : `0 (zero-shot) to ${examples} examples from the prompt.`,
      defaults: examples === undefined ? [] : Array.from({ length: Math.min(examples, 3) + 1 }, (_, i) => i),
      check: (value) => whole(0)(value) ?? (examples !== undefined && value > examples ? `at most ${examples} (the examples the prompt has)` : undefined),
    },
  };
}

/** Parses `0, 0.5, 1` against `spec`; a message when it does not fit. */
export function parseValues(text: string, spec: Pick<AxisSpec, 'check' | 'label'>): { values?: number[]; error?: string } {
  const parts = text.split(/[,\s]+/).filter(Boolean);
  if (parts.length === 0) return { error: 'Enter at least one value.' };
  const values: number[] = [];
  for (const part of parts) {
    const value = Number(part);
    if (!Number.isFinite(value)) return { error: `'${part}' is not a number.` };
    const problem = spec.check(value);
    if (problem) return { error: `${spec.label} must be ${problem}; '${part}' is not.` };
    if (!values.includes(value)) values.push(value);
  }
  return { values };
}

async function askValues(name: AxisName, spec: AxisSpec, step: string): Promise<Axis | undefined> {
  const text = await vscode.window.showInputBox({
    title: `Prompt Lab: ${spec.label} (${step})`,
    prompt: `${spec.label} values to compare, separated by commas. ${spec.detail}`,
    value: spec.defaults.join(', '),
    ignoreFocusOut: true,
    validateInput: (value) => parseValues(value, spec).error,
  });
  if (text === undefined) return undefined;
  return { name, values: parseValues(text, spec).values! };
}

async function askSamples(columns: number, defaultSamples: number, step: string): Promise<number | undefined> {
  const maxSamples = Math.max(1, Math.floor(MAX_CELLS / columns));
  const text = await vscode.window.showInputBox({
    title: `Prompt Lab: samples (${step})`,
    prompt: `Samples per setting (1 to ${maxSamples}): one row each; row i uses the same seed in every column.`,
    value: String(Math.min(defaultSamples, maxSamples)),
    ignoreFocusOut: true,
    validateInput: (value) => {
      const samples = Number(value);
      return Number.isInteger(samples) && samples >= 1 && samples <= maxSamples ? undefined : `Enter a whole number from 1 to ${maxSamples} (${columns} columns × samples ≤ ${MAX_CELLS} cells).`;
    },
  });
  return text === undefined ? undefined : Number(text);
}

/** Compare Temperatures: the temperatures, then the samples. */
export async function askTemperaturePlan(temperatures: number[], samples: number): Promise<ComparePlan | undefined> {
  const specs = axisSpecs(temperatures, undefined);
  const axis = await askValues('temperature', specs.temperature, '1/2');
  if (!axis) return undefined;
  const chosenSamples = await askSamples(axis.values.length, samples, '2/2');
  return chosenSamples === undefined ? undefined : { axes: [axis], samples: chosenSamples };
}

/** Compare…: one or two settings, their values, then the samples. `unsupported` lists settings the
 * backend cannot honour: offered, but marked, as every column would come out the same. */
export async function askPlan(temperatures: number[], samples: number, examples: number | undefined, unsupported: ReadonlySet<AxisName>): Promise<ComparePlan | undefined> {
  const specs = axisSpecs(temperatures, examples);
  const items = (Object.keys(specs) as AxisName[])
    .filter((name) => name !== 'shots' || examples !== undefined)
    .map((name) => ({
      label: specs[name].label,
      detail: specs[name].detail,
      description: unsupported.has(name) ? "this backend ignores it" : undefined,
      picked: name === 'temperature',
      name,
    }));
  let picked: typeof items | undefined;
  for (;;) {
    picked = await vscode.window.showQuickPick(items, {
      title: 'Prompt Lab: Compare… (choose one or two settings)',
      canPickMany: true,
      ignoreFocusOut: true,
      placeHolder: 'The first is the outer axis; two settings compare every pair of values.',
    });
    if (!picked) return undefined;
    if (picked.length >= 1 && picked.length <= 2) break;
    await vscode.window.showWarningMessage(`Prompt Lab: choose one or two settings, not ${picked.length}.`, { modal: true });
  }
  const steps = picked.length + 1;
  const axes: Axis[] = [];
  for (const [index, item] of picked.entries()) {
    const axis = await askValues(item.name, specs[item.name], `${index + 1}/${steps}`);
    if (!axis) return undefined;
    axes.push(axis);
  }
  const columns = axes.reduce((product, axis) => product * axis.values.length, 1);
  if (columns > MAX_CELLS) {
    void vscode.window.showErrorMessage(`Prompt Lab: ${columns} columns is more than a comparison can show (${MAX_CELLS} cells at most).`);
    return undefined;
  }
  const chosenSamples = await askSamples(columns, samples, `${steps}/${steps}`);
  return chosenSamples === undefined ? undefined : { axes, samples: chosenSamples };
}
