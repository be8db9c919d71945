// History: opening a history of 10,000 records (reading index.jsonl into the list a view shows),
// and how long saving a record blocks the event loop (the extension host's thread).
//
//   npx tsc -p . && node bench/history.bench.mjs
//
// Budgets (issue 11): opening ≤ 300 ms; a save never blocks the loop for more than 5 ms. The
// blocking is measured as the longest gap between turns of a 1 ms timer while saves run: the
// save's synchronous slices (serialising the record, parsing index lines between yields) are what
// can stretch it.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { setInterval, clearInterval } from 'node:timers';

const require = createRequire(import.meta.url);
const out = (file) => require(path.resolve(import.meta.dirname, '../out/src', file));
const { HistoryStore } = out('engine/history/historyStore.js');
const { comparisonHistoryRecord } = out('core/history/records.js');
const { newComparison } = out('core/comparisonRun.js');

const RECORDS = 10_000;
const scratch = mkdtempSync(path.join(tmpdir(), 'prompt-lab-history-bench-'));
const dir = path.join(scratch, 'history');

/** A comparison of 4 temperatures × 3 samples with 600 characters per cell: a typical record. */
function record(i) {
  const comparison = newComparison({
    file: `/work/prompts/p${i % 50}.prompt`, fileName: `p${i % 50}.prompt`, text: String(i), messages: [{ role: 'user', content: 'Once upon a time '.repeat(20) }],
    backend: 'local', model: 'stories260K', axes: [{ name: 'temperature', values: [0, 0.5, 1, 1.5] }], samples: 3, seeds: [1, 2, 3], settings: {},
  });
  comparison.createdAt = new Date(Date.UTC(2025, 0, 1) + i * 60_000).toISOString();
  for (const cell of comparison.cells) {
    cell.status = 'done';
    cell.text = 'The cat played in the garden. '.repeat(20);
    cell.result = { text: cell.text, finishReason: 'stop', usage: { promptTokens: 80, completionTokens: 120, estimated: false }, latencyMs: 300, backend: 'local', model: 'stories260K', parameters: { temperature: 1 }, warnings: [] };
  }
  return comparisonHistoryRecord(comparison);
}

try {
  const writer = new HistoryStore({ dir });
  const t0 = performance.now();
  const batch = 50;
  for (let i = 0; i < RECORDS; i += batch) await Promise.all(Array.from({ length: batch }, (_, j) => writer.save(record(i + j))));
  console.log(`wrote ${RECORDS} records in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const opens = [];
  for (let run = 0; run < 5; run++) {
    const started = performance.now();
    const entries = await new HistoryStore({ dir }).list();
    opens.push(performance.now() - started);
    if (entries.length !== RECORDS) throw new Error(`listed ${entries.length} records, not ${RECORDS}`);
  }
  opens.sort((a, b) => a - b);
  console.log(`open a history of ${RECORDS}: median ${opens[2].toFixed(0)} ms, worst ${opens[4].toFixed(0)} ms (budget 300 ms)`);

  // Saving into that history, from a store that has not read the index yet (its first save reads it
  // to prune) and then warm: the longest event-loop gap while each save runs.
  const saver = new HistoryStore({ dir, maxRecords: RECORDS + 100 });
  const gaps = [];
  for (let i = 0; i < 30; i++) {
    let last = performance.now();
    let worst = 0;
    const timer = setInterval(() => {
      const now = performance.now();
      worst = Math.max(worst, now - last - 1);
      last = now;
    }, 1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    worst = 0;
    last = performance.now();
    await saver.save(record(RECORDS + i));
    await new Promise((resolve) => setTimeout(resolve, 3));
    clearInterval(timer);
    gaps.push(worst);
  }
  const first = gaps[0];
  const warm = gaps.slice(1).sort((a, b) => a - b);
  console.log(`save: event loop blocked at most ${first.toFixed(1)} ms on the first save (reads the index), warm median ${warm[Math.floor(warm.length / 2)].toFixed(1)} ms, worst ${warm[warm.length - 1].toFixed(1)} ms (budget 5 ms)`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
