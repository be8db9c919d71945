// A small comparison record (3 temperatures × 2 samples) and the results its cells end with, for
// the comparison view's tests. Cells go row by row: cell = sample × 3 + column.
import type { CellResult, ComparisonRecord } from '../../src/shared/protocol';

export const TEMPERATURES = [0, 0.7, 1.2];

export function comparisonRecord(extra: Partial<ComparisonRecord> = {}, columns = TEMPERATURES, samples = 2): ComparisonRecord {
  const seeds = Array.from({ length: samples }, (_, sample) => 11 * (sample + 1));
  return {
    version: 1,
    id: 'cmp-1',
    createdAt: '2026-01-01T00:00:00.000Z',
    prompt: { file: 'file:///ws/story.prompt', fileName: 'story.prompt', sha256: '0123456789abcdef', messages: [{ role: 'user', content: 'Tell a story.' }] },
    backend: 'openai',
    model: 'gpt-4o-mini',
    axes: [{ name: 'temperature', values: columns }],
    samples,
    seeds,
    settings: { maxOutputTokens: 64 },
    tokens: {
      total: 120,
      parts: [{ name: 'instruction', tokens: 40 }, { name: 'examples', tokens: 30 }, { name: 'content', tokens: 35 }, { name: 'cue', tokens: 5 }],
      overhead: 10,
      tokenizer: 'o200k_base',
      exact: false,
      contextWindow: 1000,
      price: { input: 0.15, output: 0.6, source: 'openai' },
    },
    columns: columns.map((temperature) => ({ label: `temperature ${temperature}`, settings: { temperature } })),
    cells: Array.from({ length: samples }, (_, sample) => columns.map((_, column) => ({
      column, sample, seed: seeds[sample], status: 'queued' as const, text: '',
    }))).flat(),
    ...extra,
  };
}

export const cellResult = (text: string, extra: Partial<CellResult> = {}): CellResult => ({
  text,
  finishReason: 'stop',
  usage: { promptTokens: 120, completionTokens: 10, estimated: false },
  latencyMs: 800,
  timeToFirstTokenMs: 90,
  tokensPerSecond: 12.5,
  backend: 'openai',
  model: 'gpt-4o-mini',
  parameters: { temperature: 0 },
  warnings: [],
  ...extra,
});

/** Column metrics as the host computes them (src/core/metrics). */
export const metrics = (distinct2: number, alike: number, extra: Record<string, number> = {}) => ({
  meanWords: 10, distinct1: distinct2 - 0.1, distinct2, meanPairwiseRougeL: alike, ...extra,
});
