// A comparison: one prompt, a grid of settings (one or two axes, each a list of values) and a
// number of samples per cell. An axis varies a generation setting, the number of few-shot examples,
// the model (each column then runs on its own backend/model) or the prompt variant (each column
// renders its own file). ComparisonRun (comparisonRun.ts) runs the cells; sample row
// i uses the same seed in every column, so rows compare like with like and a comparison can be
// reproduced. The record is plain data: the panel, the CLI and the history all use it.
import { settingProblem } from './frontmatterKeys';
import type { GenerationConfig } from './generationConfig';
import { isVariantName } from './promptFiles';

/** Axes whose values are generation settings: what the backend is sent. */
export const SETTING_AXES = ['temperature', 'topP', 'topK', 'maxOutputTokens'] as const;
export type SettingAxisName = (typeof SETTING_AXES)[number];
/** Axes whose values are numbers: the settings, and the number of few-shot examples. */
export type NumberAxisName = SettingAxisName | 'shots';
/** Axes whose values are names: a model id as a prompt's `model:` writes it (`local`,
 * `openai/gpt-4o-mini`, `gpt-4o`), or a Dotprompt variant name (`default` is the file itself). */
export type NameAxisName = 'model' | 'variant';
export type AxisName = NumberAxisName | NameAxisName;
export const AXIS_NAMES: readonly AxisName[] = [...SETTING_AXES, 'shots', 'model', 'variant'];
const NAME_AXES: readonly AxisName[] = ['model', 'variant'];

/** A numeric axis cannot hold names, nor a name axis numbers. */
export type Axis = { name: NumberAxisName; values: number[] } | { name: NameAxisName; values: string[] };

/** One column of the grid: a value per axis. */
export type Column = Partial<Record<NumberAxisName, number> & Record<NameAxisName, string>>;

/** The variant value that means the prompt file itself (so does an empty name). */
export const DEFAULT_VARIANT = 'default';

export const isNameAxis = (name: AxisName): name is NameAxisName => NAME_AXES.includes(name);

/** Why `value` is no value of the axis `name`, or undefined. */
function valueProblem(name: AxisName, value: unknown): string | undefined {
  if (!isNameAxis(name)) return typeof value === 'number' && Number.isFinite(value) ? undefined : 'must be a number';
  if (typeof value !== 'string') return 'must be a name';
  if (name === 'model') return /^\S+$/.test(value) ? undefined : 'must be a model id without spaces, like local or openai/gpt-4o-mini';
  return value === '' || isVariantName(value) ? undefined : 'must be a variant name (letters, digits, - and _) or default';
}

/** The one check of an axis from outside (CLI flags, a command's arguments, a saved record): its
 * name is known and every value has the axis's type. Names are trimmed and an empty variant name
 * becomes `default`. Throws an Error naming the bad value. */
export function checkedAxis(name: string, values: readonly unknown[]): Axis {
  if (!AXIS_NAMES.includes(name as AxisName)) throw new Error(`'${name}' is no axis: one of ${AXIS_NAMES.join(', ')}`);
  const axis = name as AxisName;
  if (!Array.isArray(values) || values.length === 0) throw new Error(`the axis ${axis} has no values`);
  const normal = values.map((value) => (typeof value === 'string' && isNameAxis(axis) ? value.trim() : value));
  for (const value of normal) {
    const problem = valueProblem(axis, value);
    if (problem) throw new Error(`the axis ${axis}: ${JSON.stringify(value)} ${problem}`);
    // A setting's values are held to the range its frontmatter key has (frontmatterKeys.ts), in the same words.
    const range = (SETTING_AXES as readonly string[]).includes(axis) ? settingProblem(axis, value) : undefined;
    if (range) throw new Error(range);
    if (axis === 'shots' && !(Number.isInteger(value) && (value as number) >= 0)) throw new Error(`shots must be a whole number of at least 0, not ${String(value)}`);
  }
  return isNameAxis(axis)
    ? { name: axis, values: (normal as string[]).map((value) => (axis === 'variant' && value === '' ? DEFAULT_VARIANT : value)) }
    : { name: axis, values: normal as number[] };
}

/** The variant a column renders, or undefined for the prompt file itself. */
export const variantOf = (column: Column): string | undefined =>
  column.variant === undefined || column.variant === DEFAULT_VARIANT ? undefined : column.variant;

/** A column's generation settings: not its shots (they change the rendered prompt), its model or
 * its variant (they pick what runs, not how). */
export function generationSettingsOf(column: Column): GenerationConfig {
  const settings: GenerationConfig = {};
  for (const name of SETTING_AXES) if (typeof column[name] === 'number') settings[name] = column[name];
  return settings;
}

export interface CompareCell {
  column: number;
  sample: number;
  seed?: number;
  shots?: number;
}

/** The columns of one or two axes (two axes: their cross product, the first axis outermost). */
export function columnsOf(axes: readonly Axis[]): Column[] {
  if (axes.length === 0 || axes.length > 2) throw new Error('a comparison has one or two axes');
  const [first, second] = axes.map((axis) => checkedAxis(axis.name, axis.values));
  if (second && first!.name === second.name) throw new Error(`the axis ${first!.name} is given twice`);
  const values = (axis: Axis): (number | string)[] => axis.values;
  return values(first!).flatMap((a) => (second ? values(second).map((b) => ({ [first!.name]: a, [second.name]: b })) : [{ [first!.name]: a }]));
}

/** Every cell of the grid, row by row: sample i of every column before sample i + 1. */
export function cellsOf(columns: readonly Column[], samples: number, seeds?: readonly number[]): CompareCell[] {
  if (!Number.isInteger(samples) || samples < 1) throw new Error('samples must be a whole number of at least 1');
  if (seeds && seeds.length < samples) throw new Error(`${samples} samples need ${samples} seeds, not ${seeds.length}`);
  const cells: CompareCell[] = [];
  for (let sample = 0; sample < samples; sample++) {
    columns.forEach((column, index) => {
      const shots = column.shots;
      const seed = seeds?.[sample];
      cells.push({
        column: index, sample, ...(seed !== undefined ? { seed } : {}), ...(shots !== undefined ? { shots } : {}),
      });
    });
  }
  return cells;
}

/** Seeds for `samples` rows from one base seed (base, base + 1, …), or fresh random ones. */
export function sampleSeeds(samples: number, base?: number): number[] {
  return Array.from({ length: samples }, (_, i) => (base !== undefined ? base + i : Math.floor(Math.random() * 2 ** 31)));
}

/** A short label for a column: `temperature 0.7`, `temperature 0.7 · shots 1`. */
export const columnLabel = (column: Column): string => Object.entries(column).map(([name, value]) => `${name} ${value}`).join(' · ');
