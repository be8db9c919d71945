// How fast the panel draws token probabilities (issue 10), in the real panel bundle and its CSP in
// Debian's Chromium, with a fake VS Code that answers the panel's requests at once:
// - the probability view of a 2,000-token completion: from the toggle's click until every token is
//   coloured and laid out (budget 100 ms);
// - a slider change in the next-token explorer over a 2,000-token distribution (as many tokens as the
//   host lists, the rest summed): from the input event until the chart is redrawn and laid out
//   (budget 16 ms, one frame).
//
//   npm run compile && npm run bundle && node bench/panelProbabilities.bench.mjs
//
// Figures are per repetition: median, 95th percentile and worst, after one warm-up. Exits 1 when the
// view's p95 or the slider's median misses its budget.
/* global window, document, performance, Event */
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { startPanelServer } = require(path.join(root, 'out/test/webview/fakeHost.js'));
const { launchChromium } = require(path.join(root, 'out/test/support/chromium.js'));

const TOKENS = 2_000;
const CANDIDATES = 2_000;
const VIEW_RUNS = 40;
const SLIDER_RUNS = 60;

/** The fake VS Code: answers logprobs/get and nextTokens/get with generated data at once. */
function fakeHost({ tokens, candidates }) {
  const words = [' the', ' a', ' cat', ' sat', ' on', ' mat', '.', '\n', ' Once', ' upon', ' time', ' there', ' was'];
  const completion = Array.from({ length: tokens }, (_, i) => {
    const p = 0.02 + ((i * 7919) % 97) / 100;
    return { token: words[i % words.length], logprob: Math.log(p), top: words.slice(0, 5).map((token, k) => ({ token, logprob: Math.log(p / (k + 1)) })) };
  });
  // A Zipf-like distribution: token k has weight 1 / (k + 2).
  const weights = Array.from({ length: candidates }, (_, k) => 1 / (k + 2));
  const total = weights.reduce((a, b) => a + b, 0) / 0.97;
  const distribution = {
    tokens: weights.map((w, k) => ({ id: k, text: `${words[k % words.length]}${k}`, probability: w / total })),
    rest: { count: 30_000, probability: 0.03 }, exact: true, backend: 'local', model: 'bench',
    position: { tokens: 10, after: '', afterTokens: [] },
  };
  const reply = (message, type, payload) => setTimeout(() => window.postMessage({ type, payload, replyTo: message.id }, '*'), 0);
  window.acquireVsCodeApi = () => ({
    postMessage(message) {
      if (message.type === 'logprobs/get') reply(message, 'logprobs/reply', { source: message.payload.source, result: { kind: 'tokens', tokens: completion, backend: 'local', model: 'bench' } });
      if (message.type === 'nextTokens/get') reply(message, 'nextTokens/reply', { ...message.payload, result: { kind: 'distribution', distribution } });
    },
    getState() { return undefined; },
    setState() {},
  });
}

/** In the page: toggles the probability view `runs` times; the time from click to laid-out tokens. */
async function viewTimes({ runs, tokens }) {
  const toggle = document.querySelector('.run .prob-toggle');
  const times = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    toggle.click();
    await new Promise((resolve) => {
      const check = () => (document.querySelectorAll('.prob-token').length === tokens ? resolve() : setTimeout(check, 0));
      check();
    });
    document.querySelector('.prob-tokens').getBoundingClientRect(); // layout
    times.push(performance.now() - started);
    toggle.click(); // off again
  }
  return times;
}

/** In the page: one slider change after another; the time from the input event to the laid-out chart. */
function sliderTimes({ runs }) {
  const settings = [['temperature', (i) => (i % 20) / 10], ['topK', (i) => (i * 7) % 100], ['topP', (i) => 0.5 + (i % 50) / 100], ['minP', (i) => (i % 10) / 100]];
  const times = [];
  for (let i = 0; i < runs; i++) {
    const [key, value] = settings[i % settings.length];
    const input = document.querySelector(`.explorer-${key}`);
    const started = performance.now();
    input.value = String(value(i));
    input.dispatchEvent(new Event('input', { bubbles: true }));
    document.querySelector('.explorer-chart').getBoundingClientRect(); // layout
    times.push(performance.now() - started);
  }
  return times;
}

const stats = (times) => {
  const sorted = [...times].sort((a, b) => a - b);
  return { median: sorted[Math.floor(sorted.length / 2)], p95: sorted[Math.ceil(sorted.length * 0.95) - 1], worst: sorted.at(-1) };
};

const server = await startPanelServer();
const browser = await launchChromium();
let view;
let slider;
try {
  const page = await browser.newPage({ viewport: { width: 1200, height: 900 } });
  await page.addInitScript(fakeHost, { tokens: TOKENS, candidates: CANDIDATES });
  await page.goto(server.origin);
  await page.waitForSelector('h1');
  const run = { id: 'bench', fileName: 'bench.prompt', backend: 'local', model: 'bench' };
  const result = { text: 'x', finishReason: 'length', usage: { promptTokens: 10, completionTokens: TOKENS, estimated: false }, latencyMs: 1, backend: 'local', model: 'bench', parameters: {}, warnings: [] };
  await page.evaluate(([header, finished]) => {
    window.postMessage({ type: 'run/started', payload: header }, '*');
    window.postMessage({ type: 'run/finished', payload: { id: header.id, result: finished } }, '*');
  }, [run, result]);
  await page.waitForSelector('.run .prob-toggle');
  view = stats((await page.evaluate(viewTimes, { runs: VIEW_RUNS + 1, tokens: TOKENS })).slice(1));
  // The explorer at the first token.
  await page.evaluate(() => document.querySelector('.run .prob-toggle').click());
  await page.waitForFunction((n) => document.querySelectorAll('.prob-token').length === n, TOKENS);
  await page.evaluate(() => document.querySelector('.prob-token').click());
  await page.waitForSelector('.explorer-chart tbody tr');
  slider = stats((await page.evaluate(sliderTimes, { runs: SLIDER_RUNS + 1 })).slice(1));
  await page.close();
} finally {
  await browser.close();
  await server.close();
}

const ms = (value) => `${value.toFixed(1)} ms`;
console.log(`probability view, ${TOKENS} tokens: median ${ms(view.median)}, p95 ${ms(view.p95)}, worst ${ms(view.worst)} (budget 100 ms, p95 included)`);
console.log(`explorer slider change, ${CANDIDATES} candidates: median ${ms(slider.median)}, p95 ${ms(slider.p95)}, worst ${ms(slider.worst)} (budget 16 ms)`);
if (view.p95 > 100 || slider.median > 16) process.exitCode = 1;
