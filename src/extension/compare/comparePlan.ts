// What a comparison varies, asked for with quick inputs: "Compare Temperatures" asks for the
// temperatures (from promptLab.compare.temperatures) and the samples; "Compare…" first lets the user
// pick one or two settings (temperature, top-p, top-k, max output tokens, few-shot examples, the
// model or backend, the prompt variant). Escape at any step cancels; every value is checked as
// typed, with the reason shown inline.
import * as vscode from 'vscode';
import { checkedAxis, DEFAULT_VARIANT, type Axis, type AxisName, type SettingAxisName } from '../../core/compare';
import { findConfigKey, fitsRule } from '../../core/frontmatterKeys';

export interface ComparePlan {
  axes: Axis[];
  samples: number;
}

/** Cells a comparison may have: columns × samples. More is a mistake, not a comparison. */
export const MAX_CELLS = 100;

interface AxisSpec {
  label: string;
  detail: string;
  /** The values offered, as the box shows them. */
  defaults: string;
  /** The values typed, or why they do not fit. */
  parse(text: string): { values?: (number | string)[]; error?: string };
}

const whole = (min: number) => (value: number) => (Number.isInteger(value) && value >= min ? undefined : `a whole number of at least ${min}`);
/** The range the frontmatter's `config.<key>` accepts (core/frontmatterKeys.ts): one table for both. */
const asInConfig = (key: SettingAxisName) => {
  const { rule, range } = findConfigKey(key)!;
  return (value: number) => (fitsRule(rule!, value) ? undefined : range);
};

/** Parses `0, 0.5, 1` against `spec`; a message when it does not fit. */
export function parseValues(text: string, spec: { label: string; check(value: number): string | undefined }): { values?: number[]; error?: string } {
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

/** Parses `local, openai/gpt-4o-mini` (names separated by commas) against `check`. */
export function parseNames(text: string, check: (name: string) => string | undefined): { values?: string[]; error?: string } {
  const names = text.split(',').map((part) => part.trim()).filter(Boolean);
  if (names.length === 0) return { error: 'Enter at least one value.' };
  for (const name of names) {
    const problem = check(name);
    if (problem) return { error: problem };
  }
  return { values: [...new Set(names)] };
}

const numberSpec = (label: string, detail: string, defaults: number[], check: (value: number) => string | undefined): AxisSpec =>
  ({ label, detail, defaults: defaults.join(', '), parse: (text) => parseValues(text, { label, check }) });

/** What the prompt offers to vary besides the settings. */
export interface PlanChoices {
  /** The promptLab.compare.temperatures setting. */
  temperatures: number[];
  /** The prompt's few-shot examples, when it names an examples input. */
  examples?: number;
  /** Model ids to offer: the prompt's own first, then the other configured backends'. */
  models: string[];
  /** Variants found beside the prompt (`story.formal.prompt` → `formal`); none: the axis is not offered. */
  variants: string[];
}

function axisSpecs({ temperatures, examples, models, variants }: PlanChoices): Record<AxisName, AxisSpec> {
  return {
    temperature: numberSpec('Temperature', 'How random sampling is: 0 always takes the likeliest token.', temperatures, asInConfig('temperature')),
    topP: numberSpec('Top-p', 'Sample only from the likeliest tokens whose probabilities add up to p.', [0.5, 0.9, 1], asInConfig('topP')),
    topK: numberSpec('Top-k', 'Sample only from the k likeliest tokens.', [1, 10, 50], asInConfig('topK')),
    maxOutputTokens: numberSpec('Max output tokens', 'Where the completion is cut off.', [16, 64, 256], asInConfig('maxOutputTokens')),
    shots: numberSpec(
      'Few-shot examples',
      examples === undefined ? 'This prompt names no examples input (promptlab.examples).' : `0 (zero-shot) to ${examples} examples from the prompt.`,
      examples === undefined ? [] : Array.from({ length: Math.min(examples, 3) + 1 }, (_, i) => i),
      (value) => whole(0)(value) ?? (examples !== undefined && value > examples ? `at most ${examples} (the examples the prompt has)` : undefined),
    ),
    model: {
      label: 'Model or backend',
      detail: 'Model ids as a prompt\'s model: writes them (local, openai/gpt-4o-mini; a bare name is a model of the default backend). Each column runs on its own backend.',
      defaults: models.join(', '),
      parse: (text) => parseNames(text, (name) => (/^\S+$/.test(name) ? undefined : `'${name}' is not a model id: no spaces.`)),
    },
    variant: {
      label: 'Prompt variant',
      detail: `Each column renders its own file (name.variant.prompt beside this one) with the same inputs; ${DEFAULT_VARIANT} is this file.`,
      defaults: [DEFAULT_VARIANT, ...variants].join(', '),
      parse: (text) => parseNames(text, (name) => (name === DEFAULT_VARIANT || variants.includes(name) ? undefined
        : `There is no variant '${name}' beside this prompt; found: ${[DEFAULT_VARIANT, ...variants].join(', ')}.`)),
    },
  };
}

async function askValues(name: AxisName, spec: AxisSpec, step: string): Promise<Axis | undefined> {
  const text = await vscode.window.showInputBox({
    title: `Prompt Lab: ${spec.label} (${step})`,
    prompt: `${spec.label} values to compare, separated by commas. ${spec.detail}`,
    value: spec.defaults,
    ignoreFocusOut: true,
    validateInput: (value) => spec.parse(value).error,
  });
  if (text === undefined) return undefined;
  return checkedAxis(name, spec.parse(text).values!);
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
  const specs = axisSpecs({ temperatures, models: [], variants: [] });
  const axis = await askValues('temperature', specs.temperature, '1/2');
  if (!axis) return undefined;
  const chosenSamples = await askSamples(axis.values.length, samples, '2/2');
  return chosenSamples === undefined ? undefined : { axes: [axis], samples: chosenSamples };
}

/** Compare…: one or two settings, their values, then the samples. `unsupported` lists settings the
 * backend cannot honour: offered, but marked, as every column would come out the same. */
export async function askPlan(choices: PlanChoices, samples: number, unsupported: ReadonlySet<AxisName>): Promise<ComparePlan | undefined> {
  const specs = axisSpecs(choices);
  const items = (Object.keys(specs) as AxisName[])
    .filter((name) => (name !== 'shots' || choices.examples !== undefined) && (name !== 'variant' || choices.variants.length > 0))
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
