// A comparison: one prompt, one backend/model, a grid of settings (one or two axes, each a list of
// values) and a number of samples per cell. Cells run concurrently up to a limit, each can be
// cancelled, and sample row i uses the same seed in every column, so rows compare like with like
// and a comparison can be reproduced. The record is plain data: the panel, the CLI and the
// history all use it.
import type { GenerationConfig } from './generationConfig';

/** What an axis varies: a generation setting, or the number of few-shot examples. */
export type AxisName = 'temperature' | 'topP' | 'topK' | 'maxOutputTokens' | 'shots';
export const AXIS_NAMES: readonly AxisName[] = ['temperature', 'topP', 'topK', 'maxOutputTokens', 'shots'];

export interface Axis {
  name: AxisName;
  values: number[];
}

/** One column of the grid: a value per axis. */
export type Column = Partial<Record<AxisName, number>>;

export interface CompareCell {
  column: number;
  sample: number;
  seed?: number;
  /** The settings this cell runs with (the column's, and its seed). */
  overrides: GenerationConfig;
  shots?: number;
}

/** The columns of one or two axes (two axes: their cross product, the first axis outermost). */
export function columnsOf(axes: readonly Axis[]): Column[] {
  if (axes.length === 0 || axes.length > 2) throw new Error('a comparison has one or two axes');
  const [first, second] = axes;
  if (new Set(axes.map((axis) => axis.name)).size !== axes.length) throw new Error(`the axis ${first!.name} is given twice`);
  for (const axis of axes) if (axis.values.length === 0) throw new Error(`the axis ${axis.name} has no values`);
  return first!.values.flatMap((a) => (second ? second.values.map((b) => ({ [first!.name]: a, [second.name]: b })) : [{ [first!.name]: a }]));
}

/** Every cell of the grid, row by row: sample i of every column before sample i + 1. */
export function cellsOf(columns: readonly Column[], samples: number, seeds?: readonly number[]): CompareCell[] {
  if (!Number.isInteger(samples) || samples < 1) throw new Error('samples must be a whole number of at least 1');
  if (seeds && seeds.length < samples) throw new Error(`${samples} samples need ${samples} seeds, not ${seeds.length}`);
  const cells: CompareCell[] = [];
  for (let sample = 0; sample < samples; sample++) {
    columns.forEach((column, index) => {
      const { shots, ...settings } = column;
      const seed = seeds?.[sample];
      cells.push({
        column: index, sample, ...(seed !== undefined ? { seed } : {}), ...(shots !== undefined ? { shots } : {}),
        overrides: { ...settings, ...(seed !== undefined ? { seed } : {}) },
      });
    });
  }
  return cells;
}

/** Seeds for `samples` rows from one base seed (base, base + 1, …), or fresh random ones. */
export function sampleSeeds(samples: number, base?: number): number[] {
  return Array.from({ length: samples }, (_, i) => (base !== undefined ? base + i : Math.floor(Math.random() * 2 ** 31)));
}

/** Runs `work` for each item with at most `limit` at once; results in input order. Stops starting
 * new items once `signal` is aborted (those items get `onSkipped`'s value). */
export async function runLimited<T, R>(items: readonly T[], limit: number, work: (item: T, index: number) => Promise<R>, signal?: AbortSignal, onSkipped?: (item: T) => R): Promise<R[]> {
  if (!Number.isInteger(limit) || limit < 1) throw new Error('the concurrency limit must be a whole number of at least 1');
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    for (let index = next++; index < items.length; index = next++) {
      if (signal?.aborted && onSkipped) results[index] = onSkipped(items[index]!);
      else results[index] = await work(items[index]!, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** A short label for a column: `temperature 0.7`, `temperature 0.7 · shots 1`. */
export const columnLabel = (column: Column): string => Object.entries(column).map(([name, value]) => `${name} ${value}`).join(' · ');
