// A comparison's wall time against its slowest single request, on the local model directly and
// through `prompt-lab serve` with the openai backend: how well cells run side by side.
//
//   npm run build && node bench/compare.bench.mjs
//
// (`npx tsc -p test` is enough: everything runs from tsc's out/.) Run it alone: two cores.
// A 4 × 3 grid (temperatures 0, 0.5, 1, 1.5; three seeded samples), 48 tokens per cell. The ratio
// is wall time / slowest cell: 1.0 would be perfect overlap, 12 fully serial.
import { performance } from 'node:perf_hooks';
import { analyzeStory, out, startLocalServe } from './localServe.mjs';

const { runPrompt } = out('backends/runPrompt.js');
const { sampleSeeds } = out('core/compare.js');
const { cellSettings } = out('core/comparison.js');
const { ComparisonRun, newComparison } = out('core/comparisonRun.js');

const { result: rendered } = await analyzeStory();
const AXES = [{ name: 'temperature', values: [0, 0.5, 1, 1.5] }];
/** A fresh record of the grid, as the CLI and the extension make one. */
const record = () => newComparison({
  file: 'continue-story.prompt', fileName: 'continue-story.prompt', text: '', messages: rendered.text, backend: 'bench', model: 'stories260K',
  axes: AXES, samples: 3, seeds: sampleSeeds(3, 1), settings: { maxOutputTokens: 48 },
});

async function comparison(backend, limit) {
  const grid = record();
  const run = (cell) => runPrompt(backend, { rendered, model: 'stories260K', overrides: cellSettings(grid, cell) });
  await run(grid.cells[0]); // warm: the model is loaded
  const singles = [];
  for (const cell of grid.cells) {
    const t0 = performance.now();
    await run(cell);
    singles.push(performance.now() - t0);
  }
  // The comparison as the product runs it: ComparisonRun, cells streaming into the record.
  const t0 = performance.now();
  await new ComparisonRun(grid, (cell, _index, signal, onText) => runPrompt(backend, { rendered, model: 'stories260K', overrides: cellSettings(grid, cell) }, { signal, onToken: (token) => onText(token.text) }), { limit }).run();
  const wall = performance.now() - t0;
  if (!grid.cells.every((cell) => cell.status === 'done')) throw new Error('a cell did not finish');
  return { wall, slowest: Math.max(...singles), serial: singles.reduce((a, b) => a + b, 0) };
}

const report = (name, { wall, slowest, serial }) => console.log(
  `${name}: 4 × 3 comparison ${wall.toFixed(0)} ms; slowest single request ${slowest.toFixed(0)} ms; ratio ${(wall / slowest).toFixed(2)}x (serial sum ${serial.toFixed(0)} ms, ${(serial / wall).toFixed(2)}x faster than serial)`);

const served = await startLocalServe(2);
try {
  report('local backend, concurrency 2', await comparison(served.local, 2));
  report('openai backend through prompt-lab serve, concurrency 2', await comparison(served.viaServe, 2));
} finally {
  await served.close();
}
