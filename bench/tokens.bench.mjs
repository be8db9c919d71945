// Token counting: what the live count costs on a large prompt.
//
//   npm run build && node bench/tokens.bench.mjs
//
// (`npx tsc -p test && node esbuild.mjs` is enough: it needs tsc's out/ for src/core/tokens and the
// service, and dist/tokenWorker.js with the tiktoken files esbuild.mjs copies beside it.)
// Run it alone: two cores, and anything else running skews the figures. Every figure is measured in
// this run; the per-edit cost is also given as a ratio against a baseline measured here too
// (UTF-8 encoding the same text with Buffer.from), so machines can be compared.
import { Buffer } from 'node:buffer';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const FRAME_MS = 16; // one frame at 60 Hz: a live count longer than this is felt while typing

/** Deterministic pseudo-random numbers (mulberry32), so every run counts the same text. */
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A Dotprompt file of about `size` characters: frontmatter, instructions, then few-shot examples
 * (dialogues and their summaries) until it is long enough, then the primary content and a cue. */
function promptText(size) {
  const next = random(42);
  const pick = (list) => list[Math.floor(next() * list.length)];
  const names = ['Ana', 'Ben', 'Chloé', 'Dmitri', 'Eun-ji', 'Farid', 'Grace', 'Hiro'];
  const words = ('the meeting budget report deadline client invoice lunch project review draft slides call ' +
    'tomorrow Friday morning afternoon agreed moved postponed cancelled confirmed numbers figures team ' +
    'launch demo server outage fix deploy ticket customer feedback quarter forecast 2pm 10:30 3.5% €1,200').split(' ');
  const sentence = (n) => {
    const s = Array.from({ length: n }, () => pick(words)).join(' ');
    return s[0].toUpperCase() + s.slice(1) + pick(['.', '?', '!', '...', '.']);
  };
  let text = [
    '---',
    'model: openai/gpt-4o-mini',
    'config: { temperature: 0.7, maxOutputTokens: 200, topP: 0.95, stopSequences: ["\\n\\n"] }',
    'input:',
    '  schema:',
    '    dialogue: string',
    '    examples?(array):',
    '      dialogue: string',
    '      summary: string',
    '---',
    '{{role "system"}}You summarize dialogues in one sentence. Keep names, dates and amounts exactly as written.',
    'Do not add facts that are not in the dialogue. If the speakers disagree, say so.',
    '',
  ].join('\n');
  for (let i = 1; text.length < size - 200; i++) {
    const turns = 2 + Math.floor(next() * 5);
    const dialogue = Array.from({ length: turns }, () => `${pick(names)}: ${sentence(4 + Math.floor(next() * 12))}`).join('\n');
    text += `{{!-- example ${i} --}}\n{{role "user"}}${dialogue}\n{{role "model"}}${sentence(8 + Math.floor(next() * 10))}\n`;
  }
  return `${text}{{role "user"}}{{dialogue}}\nSummary:\n`;
}

const median = (xs) => quantile(xs, 0.5);
function quantile(xs, q) {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
const ms = (x) => `${x.toFixed(3)} ms`;
function time(fn) {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

/** `count` edits of the text: a few characters replaced at a random place, as while typing. */
function edits(text, count) {
  const next = random(7);
  const letters = 'etaoin shrdlu,.';
  return Array.from({ length: count }, () => {
    const at = Math.floor(next() * (text.length - 3));
    const typed = Array.from({ length: 3 }, () => letters[Math.floor(next() * letters.length)]).join('');
    // Flat, like the string VS Code's getText() returns or a worker receives: a concatenation is a
    // rope in V8, which would be flattened inside the first timed call.
    return Buffer.from(text.slice(0, at) + typed + text.slice(at + 3), 'utf8').toString('utf8');
  });
}

const text = promptText(50 * 1024);
console.log(`prompt text: ${text.length} characters, ${Buffer.byteLength(text)} bytes UTF-8`);

// (a) Cold load, each in a fresh process (V8 shares compiled WASM within a process, so a second
// load in this one would not be cold): the module import, which should load nothing, then the first
// getTokenizer. Then the extension's way: the first answer from a new worker thread.
const index = path.join(root, 'out/src/core/tokens/index.js');
function coldLoad(encoding) {
  const script = `const t0 = performance.now(); const tokens = require(${JSON.stringify(index)});
    const t1 = performance.now(); tokens.getTokenizer(${JSON.stringify(encoding)}); const t2 = performance.now();
    console.log(JSON.stringify({ importMs: t1 - t0, loadMs: t2 - t1 }));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }));
}
for (const encoding of ['o200k_base', 'cl100k_base']) {
  const { importMs, loadMs } = coldLoad(encoding);
  console.log(`cold load ${encoding}, fresh process: import ${ms(importMs)}, first getTokenizer ${ms(loadMs)}`);
}
const { TokenCountService } = require(path.join(root, 'out/src/engine/tokens/tokenCountService.js'));
const service = new TokenCountService({ workerPath: path.join(root, 'dist/tokenWorker.js') });
const request = (t) => service.count({ encoding: 'o200k_base', texts: [t] });
let t0 = performance.now();
await request(text);
console.log(`cold worker, first answer (start dist/tokenWorker.js + load o200k_base + count 50 KB): ${ms(performance.now() - t0)}`);

const tokens = require(index);
const o200k = tokens.getTokenizer('o200k_base');
console.log(`second getTokenizer (cached): ${ms(time(() => tokens.getTokenizer('o200k_base')))}`);
console.log(`tokens in the prompt: o200k_base ${o200k.count(text)}, cl100k_base ${tokens.getTokenizer('cl100k_base').count(text)}`);

// (b) Counting the whole 50 KB prompt, warm.
for (let i = 0; i < 10; i++) o200k.count(text);
const full = Array.from({ length: 100 }, () => time(() => o200k.count(text)));
console.log(`full count, 50 KB, warm, o200k_base, median of ${full.length}: ${ms(median(full))}`);

// (c) Per edit: change 3 characters, recount the whole text (what a live count does), vs the baseline.
const edited = edits(text, 400);
for (const t of edited.slice(0, 20)) { o200k.count(t); Buffer.from(t, 'utf8'); }
const perEdit = edited.map((t) => time(() => o200k.count(t)));
const baseline = edited.map((t) => time(() => Buffer.from(t, 'utf8')));
const perEditMedian = median(perEdit);
const perEditP95 = quantile(perEdit, 0.95);
console.log(`per edit, count in process, median of ${perEdit.length}: ${ms(perEditMedian)}`);
console.log(`per edit, count in process, p95: ${ms(perEditP95)}`);
console.log(`baseline, Buffer.from(text, 'utf8') of the same texts, median: ${ms(median(baseline))}`);
console.log(`per edit / baseline (medians): ${(perEditMedian / median(baseline)).toFixed(0)}x`);
console.log(`per edit p95 under ${FRAME_MS} ms: ${perEditP95 < FRAME_MS ? 'yes' : 'no'}`);

// With the chunk cache (core/tokens/chunkedCount.ts): only the chunks an edit touched are counted.
const { chunkedCounter } = require(path.join(root, 'out/src/core/tokens/chunkedCount.js'));
const chunked = chunkedCounter(async (texts) => texts.map((t) => o200k.count(t)));
for (const t of edited.slice(0, 20)) await chunked([t]);
const perEditChunked = [];
for (const t of edited) {
  t0 = performance.now();
  await chunked([t]);
  perEditChunked.push(performance.now() - t0);
}
console.log(`per edit, count in process with the chunk cache, median: ${ms(median(perEditChunked))}, p95: ${ms(quantile(perEditChunked, 0.95))}; ratio to baseline ${(median(perEditChunked) / median(baseline)).toFixed(1)}x; p95 under ${FRAME_MS} ms: ${quantile(perEditChunked, 0.95) < FRAME_MS ? 'yes' : 'no'}`);

// The same live count as the extension runs it: through TokenCountService and the bundled worker,
// without and with the chunk cache (the extension uses the cache).
try {
  for (const t of edited.slice(0, 20)) await request(t);
  const roundTrips = [];
  for (const t of edited.slice(0, 200)) {
    t0 = performance.now();
    await request(t);
    roundTrips.push(performance.now() - t0);
  }
  console.log(`per edit, worker round trip, median of ${roundTrips.length}: ${ms(median(roundTrips))}`);
  console.log(`per edit, worker round trip, p95: ${ms(quantile(roundTrips, 0.95))}`);
  const viaWorker = chunkedCounter((texts) => service.count({ encoding: 'o200k_base', texts }));
  for (const t of edited.slice(0, 20)) await viaWorker([t]);
  const cachedTrips = [];
  for (const t of edited.slice(200)) {
    t0 = performance.now();
    await viaWorker([t]);
    cachedTrips.push(performance.now() - t0);
  }
  console.log(`per edit, worker round trip with the chunk cache, median: ${ms(median(cachedTrips))}, p95: ${ms(quantile(cachedTrips, 0.95))}`);
} finally {
  service.dispose();
}
