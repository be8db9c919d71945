// The local backend: cold start, tokens per second for one request and for three at once, and the
// price of the child process, against raw node-llama-cpp on the same model and prompt in this run.
//
//   npx tsc -p test && node bench/local.bench.mjs [model.gguf]
//
// (It runs the backend from tsc's out/, forking out/src/backends/local/localModelHost.js.) Run it
// alone: two cores, and anything else running skews the figures. Every figure is measured here, the
// median of ROUNDS runs; ratios compare with raw node-llama-cpp (LlamaCompletion.generateCompletion,
// in this process, 1 thread) measured in the same run.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { getLlama, LlamaCompletion, LlamaLogLevel } from 'node-llama-cpp';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const { LocalBackend } = require(path.join(root, 'out/src/backends/local/localBackend.js'));
const MODEL = path.resolve(process.argv[2] ?? path.join(root, '../shared/models/stories260K.gguf'));
const PROMPT = 'Once upon a time, there was a little cat who lived in a big garden. One day,';
const TOKENS = 300;
const ROUNDS = 3;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const line = (label, value, unit) => console.log(`${label.padEnd(58)} ${typeof value === 'number' ? value.toFixed(value < 10 ? 2 : 0) : value} ${unit}`);

// Raw node-llama-cpp: load, then one completion of TOKENS tokens.
async function raw() {
  const t0 = performance.now();
  const llama = await getLlama({ gpu: false, build: 'never', maxThreads: 1, logLevel: LlamaLogLevel.error });
  const model = await llama.loadModel({ modelPath: MODEL });
  const context = await model.createContext({ contextSize: 2048, threads: 1 });
  const loadMs = performance.now() - t0;
  const completion = new LlamaCompletion({ contextSequence: context.getSequence() });
  const speeds = [];
  for (let i = 0; i < ROUNDS; i++) {
    let count = 0;
    const t1 = performance.now();
    await completion.generateCompletion(PROMPT, { temperature: 0.8, topK: 0, topP: 1, minP: 0, seed: i + 1, maxTokens: TOKENS, onToken: (tokens) => { count += tokens.length; } });
    speeds.push(count / ((performance.now() - t1) / 1000));
  }
  await llama.dispose();
  return { loadMs, tokensPerSecond: median(speeds) };
}

const request = (seed) => ({ model: '', messages: [{ role: 'user', content: PROMPT }], config: { temperature: 0.8, seed, maxOutputTokens: TOKENS } });

async function backend(concurrency) {
  const local = new LocalBackend({ id: 'local', kind: 'local', modelPath: MODEL, concurrency });
  const cold = await local.generate({ ...request(1), config: { temperature: 0, maxOutputTokens: 1 } });
  const single = [];
  const decode = [];
  for (let i = 0; i < ROUNDS; i++) {
    const result = await local.generate(request(i + 1));
    single.push(result.usage.completionTokens / (result.latencyMs / 1000));
    decode.push(result.tokensPerSecond);
  }
  const together = [];
  for (let i = 0; i < ROUNDS; i++) {
    const t0 = performance.now();
    const results = await Promise.all([1, 2, 3].map((seed) => local.generate(request(10 * i + seed))));
    together.push(results.reduce((sum, r) => sum + r.usage.completionTokens, 0) / ((performance.now() - t0) / 1000));
  }
  await local.dispose();
  return { coldMs: cold.latencyMs, single: median(single), decode: median(decode), together: median(together) };
}

const base = await raw();
const two = await backend(2);
const three = await backend(3);
line('raw node-llama-cpp: load (getLlama + model + context)', base.loadMs, 'ms');
line('raw node-llama-cpp: 1 request', base.tokensPerSecond, 'tokens/s');
line('local backend: cold first token (fork + load + 1 token)', two.coldMs, 'ms');
line('local backend: 1 request, end to end (latency)', two.single, 'tokens/s');
line('local backend: 1 request, decoding (child-side)', two.decode, 'tokens/s');
line('local backend: overhead ratio raw / end to end (1 = none)', base.tokensPerSecond / two.single, '×');
line('local backend: 3 concurrent, concurrency 2, total', two.together, 'tokens/s');
line('local backend: 3 concurrent, concurrency 3, total', three.together, 'tokens/s');
line('local backend: 3 concurrent (conc. 3) / 1 request', three.together / three.single, '×');
