// The next-token distribution at a position on the local model (goal ≤ 50 ms), and the sampler
// chain over it (what a slider change recomputes), on stories260K.
//
//   npx tsc -p test && node bench/probabilities.bench.mjs
//
// The distribution: LocalBackend.nextTokens, the model already loaded, a fresh sequence, the story
// prompt (and later a position 20 tokens into a completion) evaluated, the whole vocabulary (512
// tokens) back over IPC with texts. Median and worst of ROUNDS. Run it alone: two cores.
import { performance } from 'node:perf_hooks';
import { analyzeStory, MODEL, out } from './localServe.mjs';

const { LocalBackend } = out('backends/local/localBackend.js');
const { chatMessagesOf } = out('backends/runPrompt.js');
const { applySampler } = out('core/sampling/index.js');

const ROUNDS = 30;
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const line = (label, values, unit = 'ms', goal) => console.log(`${label.padEnd(60)} median ${median(values).toFixed(2)} ${unit} · worst ${Math.max(...values).toFixed(2)} ${unit}${goal ? ` (goal ≤ ${goal} ${unit})` : ''}`);

const { result: rendered } = await analyzeStory();
const messages = chatMessagesOf(rendered);
const local = new LocalBackend({ id: 'local', kind: 'local', modelPath: MODEL, threads: 1 });
try {
  const t0 = performance.now();
  const first = await local.nextTokens({ model: '', messages });
  console.log(`${'first distribution (model load included)'.padEnd(60)} ${(performance.now() - t0).toFixed(0)} ms`);
  const completion = await local.generate({ model: '', messages, config: { temperature: 0, maxOutputTokens: 20 } });
  for (const [label, after] of [['at the end of the prompt', undefined], ['20 tokens into the completion', completion.text]]) {
    const times = [];
    let size = 0;
    for (let i = 0; i < ROUNDS; i++) {
      const started = performance.now();
      const answer = await local.nextTokens({ model: '', messages, ...(after !== undefined ? { after } : {}) });
      times.push(performance.now() - started);
      size = answer.distribution.tokens.length;
    }
    line(`distribution ${label} (${size} tokens)`, times, 'ms', 50);
  }
  const distribution = first.distribution;
  const settings = [{ temperature: 0.7, topK: 40, topP: 0.95, minP: 0.05 }, { temperature: 1.3, topK: 0, topP: 1, minP: 0 }, { temperature: 0, topK: 0, topP: 1, minP: 0 }];
  const times = [];
  for (let i = 0; i < 300; i++) {
    const started = performance.now();
    applySampler(distribution, settings[i % settings.length]);
    times.push(performance.now() - started);
  }
  line(`sampler chain over ${distribution.tokens.length} tokens (a slider change)`, times);
} finally {
  await local.dispose();
}
