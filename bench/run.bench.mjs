// What `prompt-lab run` adds over calling the `openai` client yourself, against the same
// OpenAI-compatible server (`prompt-lab serve` over the local model, started here).
//
//   npm run build && node bench/run.bench.mjs
//
// (`npx tsc -p test && node esbuild.mjs` is enough: the server and engine run from tsc's out/, the
// CLI from dist/.) Run it alone: two cores. Both sides generate the same 40 tokens at temperature 0.
//   in process: a raw streamed `chat.completions.create` vs Prompt Lab's path (check, render, map
//               the config, the openai backend, the result record) on prompts/continue-story.prompt;
//   as processes: `node raw-client.js` vs `node dist/cli.js run … --base-url`, start-up included.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { analyzeStory, out, require, root, startLocalServe, STORY_FILE } from './localServe.mjs';

const { runPrompt } = out('backends/runPrompt.js');
const OpenAI = require('openai').default ?? require('openai');

const TOKENS = 40;
const RUNS = 15;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(1)} ms`;

const served = await startLocalServe(1);
const { server } = served;
try {
  const { result: rendered } = await analyzeStory();
  const content = rendered.text[0].content;
  const client = new OpenAI({ baseURL: server.url, apiKey: 'unused' });
  const raw = async () => {
    const stream = await client.chat.completions.create({ model: 'stories260K', messages: [{ role: 'user', content }], max_tokens: TOKENS, temperature: 0, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
    return text;
  };
  const viaPromptLab = async () => {
    const { result } = await analyzeStory();
    const run = await runPrompt(served.viaServe, { rendered: result, model: 'stories260K', overrides: { temperature: 0, maxOutputTokens: TOKENS } });
    return run.text;
  };
  const time = async (fn) => { const t0 = performance.now(); await fn(); return performance.now() - t0; };
  for (let i = 0; i < 3; i++) { await raw(); await viaPromptLab(); }
  const same = (await raw()) === (await viaPromptLab());
  const rawTimes = [];
  const labTimes = [];
  for (let i = 0; i < RUNS; i++) { rawTimes.push(await time(raw)); labTimes.push(await time(viaPromptLab)); }
  console.log(`server: prompt-lab serve over stories260K at ${server.url}; ${TOKENS} tokens at temperature 0; same text both ways: ${same ? 'yes' : 'NO'}`);
  console.log(`in process, raw openai client (baseline): median ${ms(median(rawTimes))}`);
  console.log(`in process, Prompt Lab run path:          median ${ms(median(labTimes))}`);
  console.log(`in process, ratio Prompt Lab / raw client: ${(median(labTimes) / median(rawTimes)).toFixed(2)}x`);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'run-bench-'));
  const rawScript = path.join(dir, 'raw-client.cjs');
  writeFileSync(rawScript, `const OpenAI = require(${JSON.stringify(require.resolve('openai'))}).default;
(async () => { const c = new OpenAI({ baseURL: ${JSON.stringify(server.url)}, apiKey: 'unused' });
const s = await c.chat.completions.create({ model: 'stories260K', messages: [{ role: 'user', content: ${JSON.stringify(content)} }], max_tokens: ${TOKENS}, temperature: 0, stream: true });
for await (const chunk of s) process.stdout.write(chunk.choices[0]?.delta?.content ?? ''); })();`);
  const cli = ['run', STORY_FILE, '--base-url', server.url, '--max-tokens', String(TOKENS), '--temperature', '0'];
  // Asynchronously: the server runs in this process and must keep serving while a client waits.
  const runChild = (args) => new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'ignore'] });
    child.on('exit', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`${args.join(' ')} exited ${code}`))));
  });
  const rawProcess = [];
  const cliProcess = [];
  for (let i = 0; i < 8; i++) { rawProcess.push(await runChild([rawScript])); cliProcess.push(await runChild([path.join(root, 'dist/cli.js'), ...cli])); }
  console.log(`as processes, node raw-client.js (baseline): median ${ms(median(rawProcess))}`);
  console.log(`as processes, prompt-lab run --base-url:     median ${ms(median(cliProcess))}`);
  console.log(`as processes, ratio prompt-lab run / raw client: ${(median(cliProcess) / median(rawProcess)).toFixed(2)}x`);
} finally {
  await served.close();
}
