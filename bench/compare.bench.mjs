// A comparison's wall time against its slowest single request, on the local model directly and
// through `prompt-lab serve` with the openai backend, in the local backend's two ways of running
// requests at once: solo (the default: each request decoded alone in a context of its own, so a
// seeded text is reproducible) and batched (`sequences`: decoded together as sequences of one
// context, one batch per step). The issue's goal: a 4 × 3 comparison <= 2.5x its slowest single
// request. Also the decoding throughput of 1, 4 and 12 concurrent requests (aggregate tokens/s, and
// the model process's CPU ms per token), and how often batched texts differ from themselves.
//
//   npm run build && node bench/compare.bench.mjs
//
// (`npx tsc -p test` is enough: everything runs from tsc's out/.) Run it alone: two cores.
// `ROUNDS=n` sets the rounds (default 5). A 4 × 3 grid (temperatures 0, 0.5, 1, 1.5; three seeded samples), 48 tokens per cell. The ratio
// is wall time / slowest cell: 1.0 would be perfect overlap, 12 fully serial.
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { analyzeStory, MODEL, out, startLocalServe } from './localServe.mjs';

const { runPrompt } = out('backends/runPrompt.js');
const { LocalBackend } = out('backends/local/localBackend.js');
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

const ROUNDS = Number(process.env.ROUNDS ?? 5);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** ROUNDS rounds of: every cell alone, one after another, then the whole grid as the product runs
 * it. Medians, as these 2-core machines are shared: the slowest cell's median time alone, and the
 * median wall time of the grid. */
async function comparison(backend, limit) {
  const grid = record();
  const run = (cell) => runPrompt(backend, { rendered, model: 'stories260K', overrides: cellSettings(grid, cell) });
  await run(grid.cells[0]); // warm: the model is loaded
  const singles = grid.cells.map(() => []);
  const walls = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const [index, cell] of grid.cells.entries()) {
      const t0 = performance.now();
      await run(cell);
      singles[index].push(performance.now() - t0);
    }
    // The comparison as the product runs it: ComparisonRun, cells streaming into the record.
    const fresh = record();
    const t0 = performance.now();
    await new ComparisonRun(fresh, (cell, _index, signal, onText) => runPrompt(backend, { rendered, model: 'stories260K', overrides: cellSettings(fresh, cell) }, { signal, onToken: (token) => onText(token.text) }), { limit }).run();
    walls.push(performance.now() - t0);
    if (!fresh.cells.every((cell) => cell.status === 'done')) throw new Error('a cell did not finish');
  }
  const cellTimes = singles.map(median);
  return { wall: median(walls), slowest: Math.max(...cellTimes), serial: cellTimes.reduce((a, b) => a + b, 0) };
}

const report = (name, { wall, slowest, serial }) => console.log(
  `${name}: 4 × 3 comparison ${wall.toFixed(0)} ms; slowest single request ${slowest.toFixed(0)} ms; ratio ${(wall / slowest).toFixed(2)}x (serial sum ${serial.toFixed(0)} ms, ${(serial / wall).toFixed(2)}x faster than serial; medians of ${ROUNDS} rounds)`);

/** CPU milliseconds the model process has used (Linux: /proc), or undefined elsewhere. */
function childCpuMs(pid) {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // utime + stime, in 10 ms ticks
  } catch {
    return undefined;
  }
}

/** `n` requests at once, up to 96 tokens each (the story prompt, seeded samples at T=1): all
 * completion tokens over the wall time, and the model process's CPU time per token (less
 * sensitive than wall time to other work on a shared machine; it falls as batching amortises). */
async function throughput(backend, n) {
  const one = (seed) => runPrompt(backend, { rendered, model: 'stories260K', overrides: { temperature: 1, seed, maxOutputTokens: 96 } });
  await one(0);
  const rates = [];
  let tokens = 0;
  const cpu0 = childCpuMs(backend.processId);
  for (let round = 0; round < ROUNDS; round++) {
    const t0 = performance.now();
    const results = await Promise.all(Array.from({ length: n }, (_, i) => one(i + 1)));
    const wall = performance.now() - t0;
    if (results.some((result) => result.finishReason === 'error' || result.finishReason === 'abort')) throw new Error(`a request did not finish: ${results.map((result) => result.error?.message ?? result.finishReason).join(', ')}`);
    const generated = results.reduce((sum, result) => sum + result.usage.completionTokens, 0);
    tokens += generated;
    rates.push(generated / (wall / 1000));
  }
  const cpu1 = childCpuMs(backend.processId);
  return `${median(rates).toFixed(0)} tokens/s${cpu0 !== undefined && cpu1 !== undefined ? ` (${((cpu1 - cpu0) / tokens).toFixed(2)} CPU ms/token)` : ''}`;
}

const OPENING = 'Once upon a time, there was a little cat who lived in a big garden. One day,';
const GRID = [0, 0.5, 1, 1.5].flatMap((temperature) => [11, 12, 13].map((seed) => ({ temperature, seed, maxOutputTokens: 48 })));
const OPENINGS = ['cat', 'dog', 'bird', 'girl', 'boy', 'mom', 'tree', 'ball', 'car', 'fish', 'king', 'bear'].map((hero) => `Once upon a time, there was a little ${hero}. One day,`);
const ask = (backend, config, content = OPENING) => backend.generate({ model: '', messages: [{ role: 'user', content }], config });

/** Reproducibility: the seeded grid run ROUNDS more times in the same order, against its first run
 * (grids identical, cells differing); and twelve greedy (T=0) prompts at once against each alone. */
async function reproducibility(backend, alone) {
  const grid = async () => (await Promise.all(GRID.map((config) => ask(backend, config)))).map((result) => result.text);
  const first = await grid();
  let same = 0;
  let cells = 0;
  for (let round = 0; round < ROUNDS; round++) {
    const again = await grid();
    const differing = again.filter((text, i) => text !== first[i]).length;
    if (differing === 0) same++;
    cells += differing;
  }
  const greedy = { temperature: 0, maxOutputTokens: 48 };
  const together = await Promise.all(OPENINGS.map((opening) => ask(backend, greedy, opening)));
  let equal = 0;
  for (const [i, opening] of OPENINGS.entries()) if ((await ask(alone, greedy, opening)).text === together[i].text) equal++;
  return `seeded grid rerun in the same order: ${same}/${ROUNDS} identical (${cells} of ${ROUNDS * GRID.length} cells differed); T=0, 12 prompts at once vs alone: ${equal}/12 equal`;
}

const MODES = [
  { name: 'solo (default: 2 at once, each decoded alone)' },
  { name: 'solo, 12 at once (12 contexts of one sequence)', concurrency: 12 },
  { name: 'batched (sequences 12: decoded together)', sequences: 12 },
];
const summary = [];
const alone = new LocalBackend({ id: 'alone', kind: 'local', modelPath: MODEL, threads: 1, concurrency: 1 });
try {
  for (const mode of MODES) {
    const served = await startLocalServe(mode.concurrency, mode.sequences);
    try {
      const limit = served.local.concurrency;
      const local = await comparison(served.local, limit);
      const viaServe = await comparison(served.viaServe, limit);
      report(`${mode.name}, local backend`, local);
      report(`${mode.name}, openai backend through prompt-lab serve`, viaServe);
      const rates = [];
      for (const n of [1, 4, 12]) rates.push(`${n}: ${await throughput(served.local, n)}`);
      console.log(`${mode.name}, 1 / 4 / 12 concurrent requests (up to 96 tokens each): ${rates.join('; ')}`);
      console.log(`${mode.name}, ${await reproducibility(served.local, alone)}`);
      summary.push(`${mode.name}: ${(local.wall / local.slowest).toFixed(2)}x local, ${(viaServe.wall / viaServe.slowest).toFixed(2)}x through serve`);
    } finally {
      await served.close();
    }
  }
} finally {
  await alone.dispose();
}
console.log(`4 × 3 comparison / slowest single request (goal <= 2.5x): ${summary.join('; ')}`);
