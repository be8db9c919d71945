// The command line as a user meets it, whole processes (issue 15):
//   1. `prompt-lab --help` and `prompt-lab compare --help`: median of 10 each, beside `node -e 0` in
//      the same run (Node's own start-up, the floor). Goal: <= 300 ms each.
//   2. `prompt-lab compare` (4 temperatures × 3 samples, 48 tokens each) against a scripted
//      OpenAI-compatible server, beside a raw `openai` client script that sends the same 12
//      streaming requests at the same concurrency (4) to the same server. Goal: <= 1.2× the raw
//      client. Also when each sends its first request, counted from its launch. Then the same
//      against `prompt-lab serve` over the local model (stories260K, in this process).
//
//   npm run compile && npm run bundle && node bench/cli.bench.mjs [--runs 10] [--cli dist/cli.js]
//
// It runs `node dist/cli.js` (package.json's bin) as built: `npm run bundle` is not minified, the
// packaged one (`node esbuild.mjs --production`) is, and starts faster; say which was measured.
// The server is test/support/faultServer.ts from tsc's out/. Run it alone: two cores, and the
// figures are wall times, so a loaded machine inflates all of them (the ratios less).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir, loadavg } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { startFaultServer } = require(path.join(root, 'out/test/support/faultServer.js'));
const { startLocalServe } = await import('./localServe.mjs');

const arg = (name, fallback) => {
  const index = process.argv.indexOf(`--${name}`);
  return index > 0 ? process.argv[index + 1] : fallback;
};
const RUNS = Number(arg('runs', 10));
const CLI = path.resolve(root, arg('cli', 'dist/cli.js'));
const TOKENS = 48;
const CONCURRENCY = 4;
const TEMPERATURES = [0, 0.5, 1, 1.5];
const SAMPLES = 3;

/** Runs `node args…` to its end; resolves with its wall time in ms (throws on a non-zero exit). */
function timed(args, env = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, ...env } });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (text) => { stderr += text; });
    child.on('close', (code) => (code === 0 ? resolve({ ms: performance.now() - started, startedAt: Date.now() - (performance.now() - started), stderr }) : reject(new Error(`node ${args.join(' ')} exited ${code}:\n${stderr}`))));
  });
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const ms = (value) => `${value.toFixed(0)} ms`;

/** Median wall times of several commands, their runs interleaved so that load hits them alike. */
async function medians(commands) {
  const times = Object.fromEntries(Object.keys(commands).map((name) => [name, []]));
  for (let run = 0; run < RUNS; run++) {
    for (const [name, args] of Object.entries(commands)) times[name].push((await timed(args)).ms);
  }
  return Object.fromEntries(Object.entries(times).map(([name, values]) => [name, median(values)]));
}

console.log(`cli.bench: ${path.relative(root, CLI)} (${(statSync(CLI).size / 1e6).toFixed(2)} MB), node ${process.version}, load average ${loadavg().map((n) => n.toFixed(2)).join(' ')}`);

// 1. Start-up.
const startup = await medians({ 'node -e 0': ['-e', '0'], '--help': [CLI, '--help'], 'compare --help': [CLI, 'compare', '--help'] });
const floor = startup['node -e 0'];
for (const [name, value] of Object.entries(startup)) {
  const goal = name === 'node -e 0' ? '' : ` (node's start-up + ${ms(value - floor)}; goal <= 300 ms: ${value <= 300 ? 'met' : 'NOT met'})`;
  console.log(`  ${name.padEnd(16)} median of ${RUNS}: ${ms(value)}${goal}`);
}

// 2. compare against a server, beside the raw client: a scripted one (what the CLI itself costs),
// then `prompt-lab serve` over the local model (where the model's own time is part of both).
/** The same 12 requests, 4 at a time, streamed and read to the end, as `openai`'s own client sends them. */
const RAW = `
const OpenAI = require('openai');
const client = new OpenAI({ baseURL: process.env.BENCH_URL, apiKey: 'sk-bench', maxRetries: 0 });
const temperatures = ${JSON.stringify(TEMPERATURES)};
const jobs = temperatures.flatMap((temperature) => Array.from({ length: ${SAMPLES} }, (_, sample) => ({ temperature, seed: 1 + sample })));
async function worker() {
  for (let job = jobs.shift(); job; job = jobs.shift()) {
    const stream = await client.chat.completions.create({ model: process.env.BENCH_MODEL, messages: [{ role: 'user', content: process.env.BENCH_CONTENT }],
      temperature: job.temperature, seed: job.seed, max_tokens: ${TOKENS}, stream: true, stream_options: { include_usage: true } });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    if (!text) throw new Error('no text');
  }
}
Promise.all(Array.from({ length: ${CONCURRENCY} }, worker)).catch((error) => { console.error(error); process.exitCode = 1; });`;

/** Median wall times of the raw client and `prompt-lab compare` against `url`, runs interleaved.
 * `requests()` (when the server records them) gives when each request arrived. */
async function versusRaw(label, url, model, content, requests) {
  const dir = mkdtempSync(path.join(tmpdir(), 'prompt-lab-cli-bench-'));
  const prompt = path.join(dir, 'bench.prompt');
  writeFileSync(prompt, `---\nmodel: openai/${model}\nconfig: { maxOutputTokens: ${TOKENS} }\n---\n${content}\n`);
  const compareArgs = [CLI, 'compare', prompt, '--base-url', url, '--api-key-env', 'OPENAI_API_KEY', '--temperatures', TEMPERATURES.join(','),
    '--samples', String(SAMPLES), '--seed', '1', '--max-tokens', String(TOKENS), '--no-history']; // concurrency: the default (4)
  const env = { BENCH_URL: url, BENCH_MODEL: model, BENCH_CONTENT: content, OPENAI_API_KEY: 'sk-bench' };
  try {
    const walls = { raw: [], compare: [] };
    const firsts = { raw: [], compare: [] };
    for (let run = 0; run < Math.max(3, Math.ceil(RUNS / 2)); run++) {
      for (const [name, args] of [['raw', ['-e', RAW]], ['compare', compareArgs]]) {
        requests?.reset();
        const { ms: wall, startedAt, stderr } = await timed(args, env);
        if (requests && requests.list().length !== TEMPERATURES.length * SAMPLES) throw new Error(`${name} sent ${requests.list().length} requests:\n${stderr}`);
        walls[name].push(wall);
        if (requests) firsts[name].push(requests.list()[0].at - startedAt);
      }
    }
    const raw = median(walls.raw);
    const compare = median(walls.compare);
    const first = (name) => (requests ? ` (first request at ${ms(median(firsts[name]))})` : '');
    console.log(`  compare vs raw openai client on ${label}, ${TEMPERATURES.length} × ${SAMPLES} × ${TOKENS} tokens, ${CONCURRENCY} at once, median of ${walls.raw.length}:`);
    console.log(`    raw client ${ms(raw)}${first('raw')}; prompt-lab compare ${ms(compare)}${first('compare')}`);
    console.log(`    ratio ${(compare / raw).toFixed(2)}× (goal <= 1.2×: ${compare / raw <= 1.2 ? 'met' : 'NOT met'}); net of node's start-up ${((compare - floor) / (raw - floor)).toFixed(2)}×`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const words = Array.from({ length: TOKENS }, (_, i) => (i === 0 ? 'Once' : ` w${i}`));
const scripted = await startFaultServer({ tokens: words, chunkDelayMs: 1 });
try {
  await versusRaw('a scripted server', scripted.url, 'gpt-4o-mini', 'Say hello to the world in one short line.', { reset: () => scripted.reset(), list: () => scripted.requests });
} finally {
  await scripted.close();
}
const serve = await startLocalServe();
try {
  await versusRaw('prompt-lab serve (stories260K)', serve.server.url, 'stories260K', 'Once upon a time, there was a little dog named Max.');
} finally {
  await serve.close();
}
