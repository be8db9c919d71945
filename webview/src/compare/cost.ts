// What a comparison costs, from the token budget's prices (USD per million tokens). One run: the
// prompt's tokens plus the mean completion of the samples that finished; the whole comparison: what
// every ended cell actually used (a stopped or failed request is billed too).
import type { ComparisonRecord, TokenBudget } from '../../../src/shared/protocol';

export type { TokenBudget };
import { usd } from '../format';


export interface CostEstimate {
  /** One request: prompt tokens, plus the mean completion of the done cells when there is one. */
  perRun: number;
  /** False until a cell is done: `perRun` counts the prompt only. */
  includesCompletion: boolean;
  /** Sum over cells with a result of their usage. */
  spent: number;
  /** Cells counted in `spent`. */
  cellsCounted: number;
}

export function estimateCost(record: ComparisonRecord, price: NonNullable<TokenBudget['price']>, promptTokens: number): CostEstimate {
  const done = record.cells.filter((cell) => cell.status === 'done' && cell.result);
  const meanCompletion = done.length > 0
    ? done.reduce((sum, cell) => sum + cell.result!.usage.completionTokens, 0) / done.length
    : undefined;
  const perRun = (promptTokens * price.input + (meanCompletion ?? 0) * price.output) / 1e6;
  let spent = 0;
  let cellsCounted = 0;
  for (const cell of record.cells) {
    if (!cell.result) continue;
    spent += (cell.result.usage.promptTokens * price.input + cell.result.usage.completionTokens * price.output) / 1e6;
    cellsCounted++;
  }
  return { perRun, includesCompletion: meanCompletion !== undefined, spent, cellsCounted };
}

/** The cost line under the token bar. */
export function costText(record: ComparisonRecord, tokens: TokenBudget): string {
  const { price } = tokens;
  if (!price) return 'cost unknown';
  if (price.source === 'local') return 'free (local)';
  const cost = estimateCost(record, price, tokens.total);
  const perRun = `${usd(cost.perRun)} per run${cost.includesCompletion ? '' : ' (prompt only until a sample is done)'}`;
  const spent = cost.cellsCounted > 0
    ? ` · ${usd(cost.spent)} for ${cost.cellsCounted} of ${record.cells.length} runs`
    : '';
  return `${perRun}${spent}`;
}
