// A column's metrics when answers are long: the mean pairwise ROUGE-L among 5 samples (10 LCS
// computations) and ROUGE-L against a reference (5 more), with the bit-parallel LCS the metrics use
// against the usual table (rouge-score's) in the same run. The metrics run in the extension host
// when a column ends, so this is time the editor is busy.
//
//   npm run build && node bench/metrics.bench.mjs
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { lcsLength } = require(path.join(root, 'out/src/core/metrics/rouge.js'));
const { tokenizeForMetrics } = require(path.join(root, 'out/src/core/metrics/tokenize.js'));

/** rouge-score's _lcs_table, two rows at a time: the baseline. */
function tableLcs(a, b) {
  let previous = new Array(b.length + 1).fill(0);
  let current = new Array(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) current[j] = a[i - 1] === b[j - 1] ? previous[j - 1] + 1 : Math.max(previous[j], current[j - 1]);
    [previous, current] = [current, previous];
  }
  return previous[b.length];
}

// Story-like text: a small vocabulary, as a model's answers share most of their words.
const VOCABULARY = 'the a cat dog girl boy mom dad ran sat saw played with in on at big little red happy sad tree park sun day and then said was'.split(' ');
function text(words, seed) {
  let state = seed;
  return Array.from({ length: words }, () => VOCABULARY[(state = (Math.imul(state, 1103515245) + 12345) >>> 0) % VOCABULARY.length]).join(' ');
}

function columnLcs(lcs, samples, reference) {
  let total = 0;
  for (let i = 0; i < samples.length; i++) {
    for (let j = i + 1; j < samples.length; j++) total += lcs(samples[i], samples[j]);
    total += lcs(samples[i], reference);
  }
  return total;
}

console.log('column of 5 samples: 10 pairwise + 5 reference LCS (ms, median of 3)');
for (const words of [300, 1000, 3000]) {
  const samples = [1, 2, 3, 4, 5].map((seed) => tokenizeForMetrics(text(words, seed)));
  const reference = tokenizeForMetrics(text(words, 99));
  const time = (lcs) => {
    const runs = [];
    let result;
    for (let i = 0; i < 3; i++) {
      const t0 = performance.now();
      result = columnLcs(lcs, samples, reference);
      runs.push(performance.now() - t0);
    }
    return { ms: runs.sort((x, y) => x - y)[1], result };
  };
  const table = time(tableLcs);
  const bits = time(lcsLength);
  if (table.result !== bits.result) throw new Error(`LCS differs: ${table.result} vs ${bits.result}`);
  console.log(`${String(words).padStart(5)} words/sample  table ${table.ms.toFixed(1).padStart(8)}  bit-parallel ${bits.ms.toFixed(1).padStart(7)}  ratio ${(bits.ms / table.ms).toFixed(3)}×`);
}
