// An eval's overhead and its cache: a 50-test × 2-variant eval (`prompt-lab eval`, in-process,
// against `prompt-lab serve` over stories260K) against the same 100 requests sent by a raw
// `openai` client at the same concurrency (goal ≤ 1.2×), and the same eval with --cache run twice
// (goal: the second run ≤ 0.1× of the first).
//
//   npx tsc -p . && node bench/eval.bench.mjs
//
// Run it alone: two cores. Every request is the same greedy one (temperature 0, 24 tokens), so the
// raw client and the eval ask the model for exactly the same work.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { out, require, startLocalServe } from './localServe.mjs';

const OpenAI = require('openai').default;
const { runCli } = out('cli/main.js');
const { renderPrompt } = out('core/render.js');
const { memoryEnvironment } = out('core/promptEnvironment.js');

const CONCURRENCY = 2;
const TOKENS = 24;
const ANIMALS = ['cat', 'dog', 'bird', 'fish', 'frog', 'bear', 'lion', 'duck', 'cow', 'pig'];
const TESTS = Array.from({ length: 50 }, (_, i) => ({ animal: ANIMALS[i % ANIMALS.length], name: `Kid${i}` }));

const frontmatter = `---
model: stories260K
config:
  temperature: 0
  maxOutputTokens: ${TOKENS}
input:
  schema:
    animal: string
    name: string
---
`;
const PROMPTS = {
  default: `${frontmatter}Once upon a time, {{name}} had a little {{animal}}.`,
  formal: `${frontmatter}There was a {{animal}}. Its owner was called {{name}}.`,
};

const dir = mkdtempSync(path.join(tmpdir(), 'prompt-lab-eval-bench-'));
const file = path.join(dir, 'story.prompt');
writeFileSync(file, PROMPTS.default);
writeFileSync(path.join(dir, 'story.formal.prompt'), PROMPTS.formal);
writeFileSync(path.join(dir, 'story.tests.yaml'), TESTS.map((vars) => [
  `- vars: { animal: ${vars.animal}, name: ${vars.name} }`,
  '  assert:',
  `    - { type: icontains, value: ${vars.animal} }`,
  '    - { type: word-count, value: { min: 3 } }',
].join('\n')).join('\n') + '\n');

async function evalRun(baseURL, ...flags) {
  let stdout = '';
  let stderr = '';
  const t0 = performance.now();
  const code = await runCli(['eval', file, '--base-url', baseURL, '--axis', 'variant=default,formal', '--max-concurrency', String(CONCURRENCY), '--json', ...flags],
    { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } }, 'bench');
  const ms = performance.now() - t0;
  if (code !== 0 && code !== 1) throw new Error(`eval exited ${code}: ${stderr}`);
  const record = JSON.parse(stdout);
  if (record.cells.length !== 100 || !record.cells.every((cell) => cell.status === 'done')) throw new Error('not every cell ran');
  return { ms, record, cached: record.cells.filter((cell) => cell.cached).length };
}

/** The same 100 requests through the openai client, CONCURRENCY at a time, streamed as the eval streams. */
async function rawRun(baseURL) {
  const client = new OpenAI({ baseURL, apiKey: 'unused' });
  const requests = [];
  for (const vars of TESTS) {
    for (const variant of ['default', 'formal']) {
      const rendered = await renderPrompt(PROMPTS[variant], memoryEnvironment(), { input: vars });
      requests.push(rendered.text.map((m) => ({ role: m.role === 'model' ? 'assistant' : m.role, content: m.content })));
    }
  }
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const messages = requests[next++];
      const stream = await client.chat.completions.create({ model: 'stories260K', messages, temperature: 0, max_tokens: TOKENS, stream: true, stream_options: { include_usage: true } });
      let text = '';
      for await (const chunk of stream) text += chunk.choices[0]?.delta?.content ?? '';
      if (!text) throw new Error('an empty completion');
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return performance.now() - t0;
}

const served = await startLocalServe(CONCURRENCY);
const cwd = process.cwd();
process.chdir(dir); // --cache keeps ./.promptlab/cache
try {
  const baseURL = served.server.url;
  await rawRun(baseURL); // warm: the model is loaded, the prompts compiled once
  const raw = [await rawRun(baseURL), await rawRun(baseURL)];
  const plain = [await evalRun(baseURL), await evalRun(baseURL)];
  const rawMs = Math.min(...raw);
  const evalMs = Math.min(...plain.map((run) => run.ms));
  const passRate = plain[0].record.summary.passRate;
  console.log(`50 tests × 2 variants, concurrency ${CONCURRENCY}, ${TOKENS} tokens each, through prompt-lab serve on stories260K (1 thread)`);
  console.log(`raw openai client: ${rawMs.toFixed(0)} ms (runs ${raw.map((ms) => ms.toFixed(0)).join(', ')})`);
  console.log(`prompt-lab eval:   ${evalMs.toFixed(0)} ms (runs ${plain.map((run) => run.ms.toFixed(0)).join(', ')}); ratio ${(evalMs / rawMs).toFixed(2)}x (goal ≤ 1.2x); pass rate ${(passRate * 100).toFixed(0)}%`);
  const first = await evalRun(baseURL, '--cache');
  const second = await evalRun(baseURL, '--cache');
  console.log(`--cache: first run ${first.ms.toFixed(0)} ms (${first.cached} cached), second run ${second.ms.toFixed(0)} ms (${second.cached} cached); ratio ${(second.ms / first.ms).toFixed(3)}x (goal ≤ 0.1x)`);
  const same = first.record.cells.every((cell, i) => cell.text === second.record.cells[i].text);
  console.log(`second run's outputs identical to the first's: ${same}`);
} finally {
  process.chdir(cwd);
  await served.close();
  rmSync(dir, { recursive: true, force: true });
}
