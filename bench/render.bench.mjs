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
const { cachedCountTexts, countInProcess, countPromptTokens } = core('promptTokens.js');
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

/** The same size with the bulk in the template: a long retrieved context, few variables. */
function bodyHeavyText(size) {
  const head = `---
model: openai/gpt-4o-mini
input:
  schema:
    question: string
  default:
    question: What changed in the third quarter?
---
{{role "system"}}Answer from the context only. Cite passage numbers.
{{role "user"}}Context:
`;
  let body = '';
  for (let i = 0; head.length + body.length < size; i++) {
    body += `[${i}] In week ${i % 52}, the team shipped release 3.${i} with ${i * 7 % 100} fixes; the on-call load fell by ${i % 9} pages and the budget review moved to Thursday.\n`;
  }
  return `${head}${body}\nQuestion: {{question}}\nAnswer:\n`;
}

const ms = (value) => `${value.toFixed(2)} ms`;
const text = promptText(50_000);
const environment = memoryEnvironment();
// As in the extension: chunk counts are remembered between edits (the worker does the counting).
const countTexts = cachedCountTexts(countInProcess);
const live = async (source) => {
  const { result, parts } = await analyzePrompt(source, environment);
  return countPromptTokens(result.model, result.text, parts, countTexts);
};

console.log(`prompt: ${(text.length / 1000).toFixed(1)} KB, ${text.split('\n').length} lines`);
let start = performance.now();
const first = await live(text);
console.log(`cold check + render + parts + count (loads the tokenizer): ${ms(performance.now() - start)} → ${first.total} tokens, ${first.messages.length} messages`);

const dotprompt = new Dotprompt();
const parsed = dotprompt.parse(text);
const bare = await time(() => dotprompt.render(text, { input: parsed.input.default }), 30);
const check = await time(() => checkPrompt(text, environment), 30);
// Typing: each edit differs from the last (no cache can answer for the whole text).
const inFrontmatter = await time((i) => live(text.replace('Thursday works.', `Thursday works ${i}.`)), 60);
const inBody = await time((i) => live(text.replace('one sentence.', `one sentence ${i}.`)), 60);
const heavyBody = bodyHeavyText(50_000);
const heavyBare = await time(() => dotprompt.render(heavyBody, { input: { question: 'Why?' } }), 30);
await live(heavyBody);
const inHeavyBody = await time((i) => live(heavyBody.replace('Answer from the context only.', `Answer from the context only (${i}).`)), 60);
console.log(`bare dotprompt render (baseline): median ${ms(bare.median)}, p95 ${ms(bare.p95)}`);
console.log(`check only, unchanged text:       median ${ms(check.median)}, p95 ${ms(check.p95)}`);
const report = (name, edits, baseline) => {
  console.log(`live count per edit, ${name} (check + render + parts + count): median ${ms(edits.median)}, p95 ${ms(edits.p95)}; ratio to bare render ${(edits.median / baseline.median).toFixed(2)}×; under one frame (${FRAME_MS} ms): ${edits.median < FRAME_MS ? 'yes' : 'NO'} (median), ${edits.p95 < FRAME_MS ? 'yes' : 'NO'} (p95)`);
};
report('edit in the 50 KB frontmatter', inFrontmatter, bare);
report('edit in the template', inBody, bare);
console.log(`body-heavy 50 KB prompt: bare dotprompt render median ${ms(heavyBare.median)}`);
report('body-heavy prompt, edit in the template', inHeavyBody, heavyBare);
