// Rendering: what checking, rendering and counting a 50 KB prompt costs, cold and per edit.
//
//   npm run build && node bench/render.bench.mjs
//
// (`npx tsc -p test` is enough: it runs the engine from tsc's out/.) Run it alone: two cores, and
// anything else running skews the figures. Every figure is measured in this run. Ratios compare
// Prompt Lab's path with the bare `dotprompt` render of the same file, measured here too: the
// price of the checks, the defaults, the schema validation and finding the prompt's parts.
//
// The live count while typing (status bar, CodeLens) is: check + render + parts + count. The
// extension runs the count in a worker; here everything runs in-process, which is the upper bound.
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const core = (file) => require(path.join(root, 'out/src/core', file));
const { checkPrompt } = core('check/checkPrompt.js');
const { analyzePrompt } = core('analyzePrompt.js');
const { countPromptTokens } = core('promptTokens.js');
const { memoryEnvironment } = core('promptEnvironment.js');
const { Dotprompt } = require(path.join(root, 'node_modules/dotprompt'));
const FRAME_MS = 16;

/** A summarize prompt of about `size` characters: its few-shot examples live in input.default. */
function promptText(size) {
  const names = ['Ana', 'Ben', 'Chloé', 'Dmitri', 'Eun-ji', 'Farid'];
  const topics = ['the budget report', 'Friday\'s demo', 'the server outage', 'lunch at 2pm', 'the client invoice'];
  const head = `---
model: openai/gpt-4o-mini
config: { temperature: 0.3, maxOutputTokens: 80 }
input:
  schema:
    dialogue: string
    examples?(array):
      dialogue: string
      summary: string
  default:
    dialogue: "Ana: Can we move the review?\\nBen: Thursday works."
    examples:
`;
  const tail = `promptlab.examples: examples
---
{{role "system"}}You summarize dialogues in one sentence.
{{#each examples}}
{{role "user"}}Dialogue:
{{dialogue}}

Summary:
{{role "model"}}{{summary}}
{{/each}}
{{role "user"}}Dialogue:
{{dialogue}}

Summary:
`;
  let examples = '';
  for (let i = 0; head.length + examples.length + tail.length < size; i++) {
    const [a, b] = [names[i % names.length], names[(i + 1) % names.length]];
    const topic = topics[i % topics.length];
    examples += `      - dialogue: "${a}: Did you look at ${topic}?\\n${b}: Yes, there are ${i} open questions left.\\n${a}: Let's go through them tomorrow."\n`
      + `        summary: "${a} and ${b} will go through the ${i} open questions about ${topic} tomorrow."\n`;
  }
  return head + examples + tail;
}

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p95: at(0.95) };
}

async function time(fn, runs) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn(i);
    samples.push(performance.now() - start);
  }
  return stats(samples);
}

const ms = (value) => `${value.toFixed(2)} ms`;
const text = promptText(50_000);
const environment = memoryEnvironment();
const live = async (source) => {
  const { result, parts } = await analyzePrompt(source, environment);
  return countPromptTokens(result.model, result.text, parts);
};

console.log(`prompt: ${(text.length / 1000).toFixed(1)} KB, ${text.split('\n').length} lines`);
let start = performance.now();
const first = await live(text);
console.log(`cold check + render + parts + count (loads the tokenizer): ${ms(performance.now() - start)} → ${first.total} tokens, ${first.messages.length} messages`);

const dotprompt = new Dotprompt();
const parsed = dotprompt.parse(text);
const bare = await time(() => dotprompt.render(text, { input: parsed.input.default }), 30);
const check = await time(() => checkPrompt(text, environment), 30);
const edits = await time((i) => live(text.replace('Thursday works.', `Thursday works${'!'.repeat(i % 7)}.`)), 60);
console.log(`bare dotprompt render (baseline): median ${ms(bare.median)}, p95 ${ms(bare.p95)}`);
console.log(`check only:                       median ${ms(check.median)}, p95 ${ms(check.p95)}`);
console.log(`live count per edit (check + render + parts + count): median ${ms(edits.median)}, p95 ${ms(edits.p95)}`);
console.log(`ratio live count / bare render: ${(edits.median / bare.median).toFixed(2)}×`);
console.log(`live count per edit under one frame (${FRAME_MS} ms): ${edits.median < FRAME_MS ? 'yes' : 'NO'} (median), ${edits.p95 < FRAME_MS ? 'yes' : 'NO'} (p95)`);
