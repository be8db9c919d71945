// How much the panel's webview is asked to do while a comparison streams fast, with the host's
// batching (one compare/update per 50 ms carrying every changed cell) against a baseline in the same
// run that posts every token as its own message. The real panel bundle and its CSP, in Debian's
// Chromium; the producer runs inside the page (bundled from src/extension/compare/updateBatcher.ts),
// so the baseline's cost here is a lower bound: in VS Code each message also crosses two processes.
//
//   npm run build && node bench/panelMessages.bench.mjs
//
// 4 × 5 cells, each streaming a 4-character token every 5 ms (4,000 tokens/s in all, faster than
// any backend here) for 3 s. Printed per mode: messages/s reaching the webview, the time until the
// last cell shows its whole text, and the page's worst main-thread stall (a 10 ms timer's lateness).
// streamInPage runs inside the page (page.evaluate): these are the browser's.
/* global window, document, performance, setInterval, clearInterval */
import * as esbuild from 'esbuild';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { startPanelServer } = require(path.join(root, 'out/test/webview/fakeHost.js'));
const { launchChromium } = require(path.join(root, 'out/test/support/chromium.js'));

const COLUMNS = 4;
const SAMPLES = 5;
const TICKS = 600;
const TICK_MS = 5;

const producer = await esbuild.build({
  stdin: {
    contents: "import { UpdateBatcher } from './src/extension/compare/updateBatcher'; globalThis.__UpdateBatcher = UpdateBatcher;",
    resolveDir: root, loader: 'ts',
  },
  bundle: true, write: false, format: 'iife', platform: 'browser',
});

/** Runs in the page: one comparison streamed batched or not; resolves with the page's figures. */
async function streamInPage({ batched, columns, samples, ticks, tickMs }) {
  const id = `bench-${batched ? 'batched' : 'each'}`;
  const cells = [];
  for (let sample = 0; sample < samples; sample++) for (let column = 0; column < columns; column++) cells.push({ column, sample, seed: sample, status: 'queued', text: '' });
  const record = {
    version: 1, id, createdAt: new Date().toISOString(),
    prompt: { file: 'file:///story.prompt', fileName: 'story.prompt', sha256: '0', messages: [] },
    backend: 'bench', model: 'fast', axes: [{ name: 'temperature', values: Array.from({ length: columns }, (_, i) => i / 2) }],
    samples, seeds: Array.from({ length: samples }, (_, i) => i), settings: {},
    columns: Array.from({ length: columns }, (_, i) => ({ label: `temperature ${i / 2}`, settings: { temperature: i / 2 } })),
    cells,
  };
  let received = 0;
  window.addEventListener('message', (event) => { if (event.data?.payload?.id === id) received++; }, true);
  let last = performance.now();
  let worstStall = 0;
  const probe = setInterval(() => {
    const now = performance.now();
    worstStall = Math.max(worstStall, now - last - 10);
    last = now;
  }, 10);
  const post = (updates) => window.postMessage({ type: 'compare/update', payload: { id, cells: updates } }, '*');
  const batcher = batched ? new globalThis.__UpdateBatcher((batch) => post(batch.cells), 50) : undefined;
  const send = (update) => (batcher ? batcher.cell(update) : post([update]));
  window.postMessage({ type: 'compare/started', payload: { comparison: record } }, '*');
  const started = performance.now();
  const texts = cells.map(() => '');
  for (let index = 0; index < cells.length; index++) send({ index, status: 'running' });
  await new Promise((resolve) => {
    let tick = 0;
    const timer = setInterval(() => {
      for (let index = 0; index < cells.length; index++) {
        const token = `w${tick % 10}${index % 10} `;
        texts[index] += token;
        send({ index, append: token });
      }
      if (++tick === ticks) {
        clearInterval(timer);
        resolve();
      }
    }, tickMs);
  });
  const produced = performance.now() - started;
  for (let index = 0; index < cells.length; index++) {
    send({ index, status: 'done', result: { text: texts[index], finishReason: 'length', usage: { promptTokens: 10, completionTokens: ticks, estimated: false }, latencyMs: produced, backend: 'bench', model: 'fast', parameters: {}, warnings: [] } });
  }
  batcher?.flush();
  // Shown: every cell done, and the last one holds its whole text.
  await new Promise((resolve) => {
    const check = () => {
      const statuses = [...document.querySelectorAll('.cell-status')].map((node) => node.textContent);
      const lastText = document.querySelector(`.cell[data-cell="${cells.length - 1}"] .cell-text`)?.textContent ?? '';
      if (statuses.length === cells.length && statuses.every((status) => status === 'done') && lastText === texts.at(-1)) resolve();
      else setTimeout(check, 5);
    };
    check();
  });
  const shown = performance.now() - started;
  clearInterval(probe);
  return { received, produced, shown, worstStall, tokens: ticks * cells.length };
}

const server = await startPanelServer();
const browser = await launchChromium();
const results = {};
try {
  // Baseline first, then batched, then both again: the second round's figures are printed.
  for (const round of [1, 2]) {
    for (const batched of [false, true]) {
      const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
      await page.addInitScript(() => {
        window.acquireVsCodeApi = () => ({ postMessage() {}, getState() { return undefined; }, setState() {} });
      });
      await page.goto(server.origin);
      await page.waitForSelector('h1');
      await page.evaluate(producer.outputFiles[0].text);
      const figures = await page.evaluate(streamInPage, { batched, columns: COLUMNS, samples: SAMPLES, ticks: TICKS, tickMs: TICK_MS });
      if (round === 2) results[batched ? 'batched' : 'each token'] = figures;
      await page.close();
    }
  }
} finally {
  await browser.close();
  await server.close();
}

const row = (name, { received, produced, shown, worstStall, tokens }) =>
  `${name.padEnd(11)} ${String(received).padStart(6)} msgs  ${(received / (shown / 1000)).toFixed(0).padStart(6)} msgs/s  ` +
  `${(tokens / (produced / 1000)).toFixed(0).padStart(6)} tokens/s produced  shown after ${(shown / 1000).toFixed(2)} s  worst stall ${worstStall.toFixed(0)} ms`;
console.log(`panel messages: ${COLUMNS} × ${SAMPLES} cells, a token per cell every ${TICK_MS} ms for ${(TICKS * TICK_MS / 1000).toFixed(1)} s`);
console.log(row('each token', results['each token']));
console.log(row('batched', results.batched));
const each = results['each token'];
const batched = results.batched;
console.log(`ratio batched / each token: messages ${(batched.received / each.received).toFixed(3)}×, ` +
  `time to show all ${(batched.shown / each.shown).toFixed(2)}×, worst stall ${(batched.worstStall / Math.max(1, each.worstStall)).toFixed(2)}×`);
