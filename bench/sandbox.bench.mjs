// The sandbox: what starting it and running a small program costs (the PAL sample's kind of program,
// and a one-line `javascript` assertion), in the worker the product uses.
//
//   npm run build && node bench/sandbox.bench.mjs
//
// (`npx tsc -p test && node esbuild.mjs` is enough: it needs tsc's out/ for the host side and the
// in-thread baseline, and the bundled dist/sandboxWorker.js the extension and the CLI start.)
// Run it alone: two cores, and anything else running skews the figures. Figures, all from this run:
// - cold: the first run of a new host: the worker starts, compiles QuickJS, runs the program;
// - warm: the median (and p90) of 50 runs on the warm worker, each in a fresh QuickJS runtime;
// - baseline: the same jobs through the in-thread QuickJS path (runJob in this thread: a fresh
//   runtime per run, no worker), and the floor, the same program as `new Function` in Node;
// - ratios against those baselines. Goal: warm <= 50 ms.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { existsSync } from 'node:fs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const RUNS = 50;
const GOAL_MS = 50;

const workerPath = path.join(root, 'dist/sandboxWorker.js');
for (const needed of [workerPath, path.join(root, 'out/src/core/sandbox/sandbox.js')]) {
  if (!existsSync(needed)) throw new Error(`${path.relative(root, needed)} is missing: run npm run build first`);
}
const { SandboxHost } = require(path.join(root, 'out/src/core/sandbox/sandbox.js'));
const { runJob } = require(path.join(root, 'out/src/core/sandbox/runJob.js'));

// What a model writes for prompts/pal-word-problem.prompt's default question, in JavaScript.
const PAL_PROGRAM = [
  'const eggsPerDay = 18;',
  'const eggsKept = 6;',
  'const cartonSize = 6;',
  'const cartonPrice = 3;',
  'const cartonsPerDay = (eggsPerDay - eggsKept) / cartonSize;',
  'console.log("cartons a day", cartonsPerDay);',
  'const answer = cartonsPerDay * cartonPrice * 7;',
].join('\n');
const programJob = { kind: 'program', code: PAL_PROGRAM, from: 'block' };
const assertionJob = { kind: 'assertion', code: "output.includes('42') && context.vars.topic === 'eggs'", input: JSON.stringify({ output: 'The stand makes $42.', context: { vars: { topic: 'eggs' } } }) };

const median = (values) => { const sorted = [...values].sort((a, b) => a - b); return sorted[Math.floor(sorted.length / 2)]; };
const p90 = (values) => { const sorted = [...values].sort((a, b) => a - b); return sorted[Math.floor(sorted.length * 0.9)]; };
const ms = (value) => `${value.toFixed(2)} ms`;

async function time(run) {
  const started = performance.now();
  const outcome = await run();
  return { ms: performance.now() - started, outcome };
}

async function series(run) {
  const times = [];
  for (let i = 0; i < RUNS; i++) times.push((await time(run)).ms);
  return { median: median(times), p90: p90(times), max: Math.max(...times) };
}

function check(outcome, expected, label) {
  const got = outcome.answer ?? outcome.json;
  if (got !== expected || outcome.error) throw new Error(`${label}: expected ${expected}, got ${JSON.stringify(outcome)}`);
}

const host = new SandboxHost({ workerPath });
const cold = await time(() => host.run(programJob));
check(cold.outcome, '42', 'cold worker');
const warm = await series(() => host.run(programJob));
const warmAssertion = await series(() => host.run(assertionJob));
check(await host.run(assertionJob), 'true', 'worker assertion');
host.dispose();

const coldInThread = await time(() => runJob(programJob, {}));
check(coldInThread.outcome, '42', 'in-thread');
const inThread = await series(() => runJob(programJob, {}));
const inThreadAssertion = await series(() => runJob(assertionJob, {}));

// The floor: Node running the same program with no sandbox at all (never what the product does).
const floorTimes = [];
for (let i = 0; i < RUNS; i++) {
  const lines = [];
  const started = performance.now();
  const answer = new Function('console', `${PAL_PROGRAM}\nreturn answer;`)({ log: (...args) => lines.push(args.join(' ')) });
  floorTimes.push(performance.now() - started);
  if (answer !== 42) throw new Error('floor');
}
const floor = median(floorTimes);

const row = (label, figures) => `  ${label.padEnd(44)} median ${ms(figures.median).padStart(10)}   p90 ${ms(figures.p90).padStart(10)}   max ${ms(figures.max).padStart(10)}`;
console.log(`sandbox: a small program (PAL sample, ${PAL_PROGRAM.split('\n').length} lines) and a one-line assertion; ${RUNS} runs each`);
console.log(`  cold, worker (start + compile QuickJS + run)  ${ms(cold.ms)}`);
console.log(`  cold, in-thread (compile QuickJS + run)       ${ms(coldInThread.ms)}`);
console.log(row('warm, worker, PAL program', warm));
console.log(row('warm, worker, javascript assertion', warmAssertion));
console.log(row('baseline: in-thread QuickJS, PAL program', inThread));
console.log(row('baseline: in-thread QuickJS, assertion', inThreadAssertion));
console.log(`  floor: new Function in Node, PAL program     median ${(floor * 1000).toFixed(1)} µs`);
console.log(`  ratios: warm worker / in-thread ${(warm.median / inThread.median).toFixed(2)}x (+${ms(warm.median - inThread.median)} for the worker), ` +
  `cold / warm ${(cold.ms / warm.median).toFixed(1)}x, warm worker / floor ${Math.round(warm.median / floor)}x`);
console.log(`  goal: warm <= ${GOAL_MS} ms: ${warm.median <= GOAL_MS ? 'met' : 'NOT met'} (${ms(warm.median)}); cold: ${ms(cold.ms)}`);
