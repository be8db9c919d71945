// Hostile files (issue 15) against every command that reads them and the editor's language
// features: an exception from a library (YAML, Handlebars, the model client, JSON) must reach the
// user as a positioned diagnostic or a worded error with exit 1 or 2, never as exit 70 (a bug in
// Prompt Lab), a stack trace, a crash or a hang. hostileInput.test.ts (prototype pollution, the
// alias bomb's exact position) and badFiles.test.ts (binary junk, sizes) cover what is not here.
//
// The CLI runs in this process (test/support/inProcessCli.ts); a rejection of runCli is what
// dist/cli.js turns into exit 70, so it counts as 70 here. Each call has a budget of processor time
// (this process's, so other work on a shared machine does not count): a call that never settles
// fails on a wall-clock timer, and one that settles (it may block the event loop, where no timer can
// fire) fails when it used more than its budget.
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { checkPrompt } from '../../src/core/check/checkPrompt';
import { memoryEnvironment } from '../../src/core/promptEnvironment';
import { countPromptTokens } from '../../src/core/promptTokens';
import { renderChecked } from '../../src/core/render';
import { renderedPromptView } from '../../src/core/renderedPromptView';
import { promptParts } from '../../src/core/structure';
import { completionSite } from '../../src/extension/language/completionSite';
import { childKeys, frontmatterLines, inFrontmatter, parentKey, topLevelKeys } from '../../src/extension/language/frontmatterLines';
import { blankComments, expressionAt, openBlocks, scopeOf } from '../../src/extension/language/templateScopes';
import { declaredInputs } from '../../src/core/inputSchema';
import { startFaultServer, type FaultServer } from '../support/faultServer';
import { cli, type CliOutcome } from '../support/inProcessCli';

/** No single call may use more processor time (a hang or a super-linear blow-up). */
const BUDGET_MS = 10_000;
/** No single completion or hover request may use more. */
const REQUEST_BUDGET_MS = 1_000;
/** A call still running after this long never ends. */
const HANG_MS = 120_000;

/** Processor time this process used since `since` (process.cpuUsage()), in ms. */
const cpuMsSince = (since: NodeJS.CpuUsage): number => {
  const used = process.cpuUsage(since);
  return Math.round((used.user + used.system) / 1000);
};

interface HostilePrompt {
  name: string;
  text: string | Buffer;
  /** Partials written beside it (name without `_` and `.prompt` → text). */
  partials?: Record<string, string>;
  /** The file is broken: every command ends 1 or 2 and names file:line:column. Otherwise it is
   * strange but valid, and may succeed (exit 0). */
  broken: boolean;
  /** Input for render/tokens/run (--input-file contents). */
  input?: unknown;
}

// Ten lists of ten aliases to the one before: 10^9 nodes if expanded.
const aliasBomb = (() => {
  const lines = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
  for (let i = 0, previous = 'a'; i < 8; i += 1, previous = `b${i - 1}`) lines.push(`b${i}: &b${i} [${Array(10).fill(`*${previous}`).join(', ')}]`);
  return lines.join('\n');
})();
const DEEP = 10_000;
const hugeUrl = `https://x.example/${'a'.repeat(1_000_000)}.png`;

const PROMPTS: HostilePrompt[] = [
  { name: 'alias-bomb', text: `---\n${aliasBomb}\n---\nHi`, broken: true },
  { name: 'alias-bomb-in-input-default', text: `---\ninput:\n  default:\n${aliasBomb.split('\n').map((l) => `    ${l}`).join('\n')}\n---\nHi {{a}}`, broken: true },
  { name: 'deep-flow-sequence', text: `---\nraw: ${'['.repeat(DEEP)}${']'.repeat(DEEP)}\n---\nHi`, broken: false },
  { name: 'deep-flow-mapping', text: `---\nraw: ${'{a: '.repeat(DEEP)}1${'}'.repeat(DEEP)}\n---\nHi`, broken: false },
  { name: 'deep-block-sequence', text: `---\nraw:\n  ${'- '.repeat(DEEP)}x\n---\nHi`, broken: false },
  { name: 'deep-input-default', text: `---\ninput:\n  default:\n    a: ${'['.repeat(DEEP)}${']'.repeat(DEEP)}\n---\nHi {{a}}`, broken: false },
  { name: 'deep-unclosed-flow', text: `---\nraw: ${'{a: '.repeat(DEEP)}\n---\nHi`, broken: true },
  { name: 'frontmatter-5mb', text: `---\n${'k: v\n'.repeat(1_000_000)}---\nHi`, broken: true },
  // Just under the size limit (2 million characters), so it is parsed.
  { name: 'frontmatter-1_9mb', text: `---\n${Array.from({ length: 19_000 }, (_, i) => `k${i}: ${'v'.repeat(90)}`).join('\n')}\n---\nHi`, broken: false },
  // The yaml package compared each key with every key before it: minutes for this (yamlDocument.ts).
  { name: 'frontmatter-50k-keys', text: `---\n${Array.from({ length: 50_000 }, (_, i) => `k${i}: v`).join('\n')}\nk7: again\n---\nHi`, broken: true },
  { name: 'numbers-for-strings', text: '---\nmodel: 1e400\ndescription: .nan\nname: 2024-01-01\nconfig:\n  temperature: .nan\n  maxOutputTokens: 1e400\n  topK: -.inf\n  stopSequences: [1, 2024-01-01, .nan]\n---\nHi', broken: true },
  { name: 'dates-in-schema', text: '---\ninput:\n  schema:\n    a: 2024-01-01\n    b(1e400): string\n    c: .nan\n  default: { a: 2024-01-01 }\n---\nHi {{a}}', broken: true },
  { name: 'wrong-types', text: '---\nmodel: [a, b]\nconfig: 7\ninput: text\noutput: { format: 9, schema: [] }\ntools: { a: 1 }\npromptlab: 3\n---\nHi', broken: true },
  { name: 'non-utf8', text: Buffer.concat([Buffer.from('---\nmodel: '), Buffer.from([0xff, 0xfe, 0xc3, 0x28, 0x80]), Buffer.from('\n---\nHi '), Buffer.from([0xed, 0xa0, 0x80, 0xf8]), Buffer.from(' {{x}}')]), broken: false, input: { x: 1 } },
  { name: 'bom-crlf', text: '\uFEFF---\r\ninput:\r\n  default: { who: Ada }\r\n---\r\nHello {{who}}\r\n', broken: false },
  { name: 'nul-bytes', text: '---\nmodel: a\0b\ninput:\n  default: { who: "A\0" }\n---\nHello\0{{who}}\0', broken: false },
  { name: 'lone-cr', text: '---\rinput:\r  default: { who: Ada }\r---\rHello {{who}}\r', broken: false },
  { name: 'lone-cr-broken', text: '---\rmodel: [\r---\rHello {{#if}}\r', broken: true },
  { name: 'unterminated-frontmatter', text: '---\nmodel: x\ninput:\n  schema:\n    a: string\nHello {{a}}\n', broken: true },
  { name: 'unclosed-block', text: 'Hello {{#if a}} there {{#each b}}', broken: true },
  { name: 'mismatched-block', text: 'Hello {{#if a}} there {{/each}}', broken: true },
  { name: 'each-over-non-array', text: '---\ninput:\n  default: { items: 5, text: abc, obj: { a: 1 } }\n---\n{{#each items}}[{{this}}]{{/each}}{{#each text}}<{{this}}>{{/each}}{{#each obj}}{{@key}}{{/each}}', broken: false },
  { name: 'self-partial', text: 'Hi {{> self}}', partials: { self: 'again {{> self}}' }, broken: true },
  { name: 'mutual-partials', text: 'Hi {{> ping}}', partials: { ping: 'ping {{> pong}}', pong: 'pong {{> ping}}' }, broken: true },
  // Dotprompt passes a `model:` that is not text on to the result; the tokenizer is chosen by it.
  { name: 'model-not-text', text: '---\nmodel: [gpt-4o, 5]\n---\nHi', broken: true },
  { name: 'model-null', text: '---\nmodel:\n---\nHi', broken: true },
  { name: 'broken-partial', text: 'Hi {{> broken}}', partials: { broken: 'x {{#if}}' }, broken: true },
  { name: 'deep-partial', text: 'Hi {{> deep}}', partials: { deep: `${'{{#if a}}'.repeat(DEEP)}x${'{{/if}}'.repeat(DEEP)}` }, broken: true },
  { name: 'broken-partial-through-another', text: 'Hi {{> outer}}', partials: { outer: 'o {{> inner}}', inner: '{{#each}}' }, broken: true },
  // Each partial includes the next twice: a billion partials to render (and, unchecked, 2^30 paths to
  // search for a cycle).
  { name: 'partial-bomb', text: 'Hi {{> p0}}', partials: Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`p${i}`, i < 30 ? `{{> p${i + 1}}}{{> p${i + 1}}}` : 'x'])), broken: true },
  // Nested as deep as Prompt Lab reads (1,000): checked, rendered and counted like any prompt.
  { name: 'blocks-at-the-limit', text: `---\ninput:\n  default: { a: true }\n---\n${'{{#if a}}'.repeat(1000)}deep${'{{/if}}'.repeat(1000)}`, broken: false },
  { name: 'deep-blocks', text: `---\ninput:\n  default: { a: true }\n---\n${'{{#if a}}'.repeat(DEEP)}deep${'{{/if}}'.repeat(DEEP)}`, broken: true },
  { name: 'deep-unclosed-blocks', text: `${'{{#each a}}'.repeat(DEEP)}x`, broken: true },
  { name: 'deep-subexpressions', text: `Hi {{${'(lookup '.repeat(2000)}this${' "a")'.repeat(2000)}}}`, broken: true },
  { name: 'deep-valid-subexpressions', text: `Hi {{lookup ${'(lookup '.repeat(DEEP)}this${' "a")'.repeat(DEEP)} "a"}}`, broken: true },
  { name: 'deep-else-chain', text: `---\ninput:\n  default: { a: true }\n---\n{{#if a}}${'{{else if a}}'.repeat(DEEP)}{{/if}}`, broken: true },
  { name: 'unknown-helper', text: '---\ninput:\n  default: { a: 1 }\n---\nHi {{frobnicate a}} {{#frob a}}x{{/frob}}', broken: true },
  { name: 'missing-partial', text: 'Hi {{> missing}} {{> ../../etc/passwd}}', broken: true },
  { name: 'role-hostile-args', text: 'Hi {{role 123}} {{role}} {{role "user" "system"}} {{role (lookup this "constructor")}}', broken: true },
  { name: 'media-huge-url', text: `---\ninput:\n  default: { u: "${hugeUrl.slice(0, 100)}" }\n---\n{{media url="${hugeUrl}"}} {{media url=u}} {{media}} {{media url=123}}`, broken: true },
  { name: 'triple-stash', text: '---\ninput:\n  default: { html: "<b>&amp;</b>" }\n---\n{{{html}}} {{{html}}} {{{{raw}}}} {{x}} {{{{/raw}}}}', broken: false },
  { name: 'lookup-constructor', text: '---\ninput:\n  default: { a: { b: 1 } }\n---\n{{lookup this "constructor"}} {{lookup a "__proto__"}} {{lookup (lookup a "constructor") "name"}} {{a.constructor.name}} {{this.__proto__}}', broken: false },
  { name: 'handlebars-garbage', text: '{{#}} {{/}} {{> }} {{!-- never closed', broken: true },
];

interface HostileData { name: string; file: string; text: string }

/** Broken test datasets for `eval --tests`. */
const DATASETS: HostileData[] = [
  { name: 'csv-unbalanced-quote', file: 'data.csv', text: 'question,__expected\n"What is,Paris\n"a""b,c\n' },
  { name: 'csv-ragged', file: 'data.csv', text: 'question,__expected\nFrance,Paris,extra,more\n\n,,,\n' },
  { name: 'csv-nul', file: 'data.csv', text: 'question\0,__expected\nFr\0ance,"P\0aris"\n' },
  { name: 'jsonl-broken', file: 'data.jsonl', text: '{"vars": {"question": "France"}}\n{broken\n[1,2]\n"text"\n{"vars": 5}\n' },
  { name: 'jsonl-deep', file: 'data.jsonl', text: `{"vars": {"question": ${'['.repeat(DEEP)}${']'.repeat(DEEP)}}}\n` },
  { name: 'yaml-alias-bomb', file: 'data.tests.yaml', text: `${aliasBomb}\ntests:\n  - vars: { question: *b7 }\n` },
  { name: 'yaml-deep', file: 'data.tests.yaml', text: `tests:\n  - vars: { question: ${'['.repeat(DEEP)}${']'.repeat(DEEP)} }\n` },
  { name: 'yaml-wrong-types', file: 'data.tests.yaml', text: 'tests: 5\ndefaultTest: [1]\n' },
  { name: 'yaml-broken-rows', file: 'data.tests.yaml', text: 'tests:\n  - vars: 5\n  - assert: { type: nope }\n  - 7\n  - vars: { question: [unclosed\n' },
];

/** Broken promptlab.config.json files for `--config`. */
const CONFIGS: HostileData[] = [
  { name: 'config-invalid-json', file: 'promptlab.config.json', text: '{"backends": [' },
  { name: 'config-array', file: 'promptlab.config.json', text: '[1, 2]' },
  { name: 'config-wrong-types', file: 'promptlab.config.json', text: '{"backends": {"id": 1}, "defaultBackend": 5}' },
  { name: 'config-wrong-entry-types', file: 'promptlab.config.json', text: '{"backends": [{"id": 7, "kind": "openai", "baseURL": 5, "concurrency": "x"}, null, "s"]}' },
  { name: 'config-deep', file: 'promptlab.config.json', text: `{"backends": ${'['.repeat(DEEP)}${']'.repeat(DEEP)}}` },
  { name: 'config-bom-nul', file: 'promptlab.config.json', text: '\uFEFF{"backends": [{"id": "a\\u0000", "kind": "local"}]}' },
];

/** Files `import` reads. */
const IMPORTS: HostileData[] = [
  { name: 'prompt-yml-alias-bomb', file: 'x.prompt.yml', text: `${aliasBomb}\nmessages:\n  - role: user\n    content: hi\n` },
  { name: 'prompt-yml-deep', file: 'x.prompt.yml', text: `messages: ${'['.repeat(DEEP)}${']'.repeat(DEEP)}\n` },
  { name: 'prompt-yml-wrong-types', file: 'x.prompt.yml', text: 'messages: 5\nmodelParameters: [1]\ntestData: {a: 1}\nevaluators: 7\n' },
  { name: 'prompt-yml-broken', file: 'x.prompt.yml', text: 'messages:\n  - role: user\n    content: [unclosed\n' },
  { name: 'prompty-alias-bomb', file: 'x.prompty', text: `---\n${aliasBomb}\n---\nsystem:\nhi\n` },
  { name: 'prompty-deep', file: 'x.prompty', text: `---\nmodel: ${'{a: '.repeat(DEEP)}1${'}'.repeat(DEEP)}\n---\nuser:\nhi\n` },
  { name: 'prompty-wrong-types', file: 'x.prompty', text: '---\nmodel: 5\ninputs: [1]\nsample: 7\n---\nuser:\n{{x}}\n' },
  { name: 'prompty-unterminated', file: 'x.prompty', text: '---\nmodel:\n  api: chat\nuser:\nhi\n' },
];

const STACK_TRACE = /\n\s+at .*[(\s][^\s()]+:\d+:\d+\)?/;

/** The CLI under its time budget; a rejection is exit 70, as dist/cli.js reports it. */
async function budgeted(argv: string[]): Promise<CliOutcome> {
  const started = process.cpuUsage();
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`prompt-lab ${argv[0]} did not end within ${HANG_MS} ms`)), HANG_MS); });
  try {
    const outcome = await Promise.race([
      cli(...argv).catch((error: unknown): CliOutcome => ({ code: 70, stdout: '', stderr: `internal error: ${error instanceof Error ? error.stack : String(error)}` })),
      hang,
    ]);
    const took = cpuMsSince(started);
    assert.ok(took < BUDGET_MS, `prompt-lab ${argv[0]} used ${took} ms of processor time (budget ${BUDGET_MS} ms)`);
    return outcome;
  } finally {
    clearTimeout(timer);
  }
}

const shown = (argv: string[], outcome: CliOutcome) => `prompt-lab ${argv.map((a) => (a.length > 80 ? `${a.slice(0, 80)}…` : a)).join(' ')} → ${outcome.code}\n${(outcome.stdout + outcome.stderr).slice(0, 2000)}`;

function assertHandled(argv: string[], outcome: CliOutcome, { broken, file, positioned }: { broken: boolean; file: string; positioned: boolean }): void {
  const all = outcome.stdout + outcome.stderr;
  assert.notEqual(outcome.code, 70, shown(argv, outcome));
  assert.doesNotMatch(all, STACK_TRACE, shown(argv, outcome));
  if (broken) assert.ok(outcome.code === 1 || outcome.code === 2, shown(argv, outcome));
  else assert.ok([0, 1, 2].includes(outcome.code), shown(argv, outcome));
  if (outcome.code !== 0) {
    const name = path.basename(file).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    assert.match(all, positioned ? new RegExp(`${name}:\\d+:\\d+`) : new RegExp(name), shown(argv, outcome));
  }
}

describe('hostile files', function () {
  this.timeout(10 * 60_000);
  let dir: string;
  let server: FaultServer;
  const cwd = process.cwd();

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'prompt-lab-hostile-'));
    server = await startFaultServer({ chunkDelayMs: 0 });
    // A config file in the working folder is read by run, compare and eval: keep theirs out.
    process.chdir(dir);
  });
  after(async () => {
    process.chdir(cwd);
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Writes `prompt` (and its partials and input) into a folder of its own; returns the paths. */
  function write(prompt: HostilePrompt): { file: string; input?: string } {
    const folder = path.join(dir, prompt.name);
    mkdirSync(folder, { recursive: true });
    const file = path.join(folder, `${prompt.name}.prompt`);
    writeFileSync(file, prompt.text);
    for (const [name, text] of Object.entries(prompt.partials ?? {})) writeFileSync(path.join(folder, `_${name}.prompt`), text);
    if (prompt.input === undefined) return { file };
    const input = path.join(folder, 'input.json');
    writeFileSync(input, JSON.stringify(prompt.input));
    return { file, input };
  }

  const remote = () => ['--base-url', server.url, '--model', 'hostile/model', '--max-tokens', '4'];

  describe('prompt files × check, render, tokens, run, compare, eval', () => {
    for (const prompt of PROMPTS) {
      it(prompt.name, async () => {
        const { file, input } = write(prompt);
        const inputs = input ? ['--input-file', input] : [];
        const commands: string[][] = [
          ['check', file],
          ['check', '--json', file],
          ['render', file, ...inputs],
          ['render', '--json', file, ...inputs],
          ['tokens', file, ...inputs],
          ['tokens', '--show', file, ...inputs],
          ['run', file, ...inputs, ...remote()],
          ['compare', file, ...inputs, ...remote(), '--temperatures', '0', '--samples', '1', '--no-history'],
          ['eval', file, ...inputs, ...remote(), '--no-history'],
        ];
        for (const argv of commands) {
          const outcome = await budgeted(argv);
          // eval without a dataset says so (exit 2) and names the dataset it looked for.
          const positioned = prompt.broken && !(argv[0] === 'check' && argv[1] === '--json');
          assertHandled(argv, outcome, { broken: prompt.broken || argv[0] === 'eval', file, positioned });
          if (argv[0] === 'check' && argv[1] === '--json') {
            const { diagnostics } = JSON.parse(outcome.stdout) as { diagnostics: { line: number; column: number; severity: string }[] };
            if (prompt.broken) assert.ok(diagnostics.some((d) => d.severity === 'error' && d.line >= 1 && d.column >= 1), shown(argv, outcome));
          }
        }
      });
    }
  });

  describe('input files × render, tokens, run', () => {
    const inputs: HostileData[] = [
      { name: 'input-deep', file: 'input.json', text: `{"who": ${'['.repeat(DEEP)}${']'.repeat(DEEP)}}` },
      { name: 'input-deep-object', file: 'input.json', text: `{"who": ${'{"a": '.repeat(DEEP)}1${'}'.repeat(DEEP)}}` },
      { name: 'input-huge', file: 'input.json', text: JSON.stringify({ who: 'x'.repeat(5_000_000) }) },
      { name: 'input-many-keys', file: 'input.json', text: JSON.stringify(Object.fromEntries(Array.from({ length: 200_000 }, (_, i) => [`k${i}`, i]))) },
      { name: 'input-invalid', file: 'input.json', text: '{"who": "Ada",' },
      { name: 'input-nul-bom', file: 'input.json', text: '\uFEFF{"who": "A\\u0000da"}' },
    ];
    it('input-deep-inline (--input key:=JSON)', async () => {
      const folder = path.join(dir, 'input-deep-inline');
      mkdirSync(folder, { recursive: true });
      const prompt = path.join(folder, 'hi.prompt');
      writeFileSync(prompt, '---\ninput:\n  schema:\n    who?: any\n---\nHi {{who}}');
      for (const command of ['render', 'tokens']) {
        const argv = [command, prompt, '--input', `who:=${'['.repeat(DEEP)}${']'.repeat(DEEP)}`];
        const outcome = await budgeted(argv);
        assert.equal(outcome.code, 2, shown(argv, outcome));
        assert.match(outcome.stderr, /--input who: the value at who\[0\][[\]0]*… nests lists or objects more than 1000 deep/, shown(argv, outcome));
      }
    });
    for (const data of inputs) {
      it(data.name, async () => {
        const folder = path.join(dir, data.name);
        mkdirSync(folder, { recursive: true });
        const prompt = path.join(folder, 'hi.prompt');
        writeFileSync(prompt, '---\ninput:\n  schema:\n    who?: any\n---\nHi {{who}} {{#each who}}{{this}}{{/each}}');
        const input = path.join(folder, data.file);
        writeFileSync(input, data.text);
        for (const argv of [['render', prompt, '--input-file', input], ['tokens', prompt, '--input-file', input], ['run', prompt, '--input-file', input, ...remote()]]) {
          const outcome = await budgeted(argv);
          assertHandled(argv, outcome, { broken: data.name === 'input-invalid', file: data.file, positioned: false });
        }
      });
    }
  });

  describe('datasets × eval', () => {
    for (const data of DATASETS) {
      it(data.name, async () => {
        const folder = path.join(dir, data.name);
        mkdirSync(folder, { recursive: true });
        const prompt = path.join(folder, 'capital.prompt');
        writeFileSync(prompt, '---\ninput:\n  schema:\n    question?: any\n---\nThe capital of {{question}}?');
        const dataset = path.join(folder, data.file);
        writeFileSync(dataset, data.text);
        const argv = ['eval', prompt, '--tests', dataset, ...remote(), '--no-history'];
        const outcome = await budgeted(argv);
        // Broken rows are reported (exit 1 or 2) or skipped; a row that ran is graded (exit 0 or 1).
        assertHandled(argv, outcome, { broken: false, file: data.file, positioned: false });
      });
    }
  });

  describe('config files × run, compare, eval', () => {
    for (const data of CONFIGS) {
      it(data.name, async () => {
        const folder = path.join(dir, data.name);
        mkdirSync(folder, { recursive: true });
        const prompt = path.join(folder, 'hi.prompt');
        writeFileSync(prompt, 'Hi');
        writeFileSync(path.join(folder, 'hi.tests.yaml'), 'tests:\n  - vars: {}\n');
        const config = path.join(folder, data.file);
        writeFileSync(config, data.text);
        for (const command of [['run'], ['compare', '--no-history'], ['eval', '--no-history']]) {
          const argv = [command[0]!, prompt, '--config', config, ...command.slice(1)];
          const outcome = await budgeted(argv);
          assertHandled(argv, outcome, { broken: data.name !== 'config-bom-nul', file: data.file, positioned: false });
        }
      });
    }
  });

  describe('import', () => {
    for (const data of IMPORTS) {
      it(data.name, async () => {
        const folder = path.join(dir, data.name);
        mkdirSync(folder, { recursive: true });
        const file = path.join(folder, data.file);
        writeFileSync(file, data.text);
        const argv = ['import', file, '--out', path.join(folder, 'out'), '--force'];
        const outcome = await budgeted(argv);
        assertHandled(argv, outcome, { broken: !/wrong-types/.test(data.name), file: data.file, positioned: false });
      });
    }
  });

  describe('the editor\'s language features never throw', () => {
    /** Offsets to ask completions and hovers at: the ends, every line start and a spread between. */
    function offsetsOf(text: string): number[] {
      const offsets = new Set<number>([0, text.length]);
      for (let i = 0; i < text.length && offsets.size < 400; i = text.indexOf('\n', i) + 1 || text.length) offsets.add(i);
      for (let k = 1; k < 200; k++) offsets.add(Math.floor((text.length * k) / 200));
      return [...offsets].sort((a, b) => a - b);
    }

    for (const prompt of PROMPTS) {
      it(prompt.name, async () => {
        const text = typeof prompt.text === 'string' ? prompt.text : prompt.text.toString('utf8');
        const environment = memoryEnvironment(Object.fromEntries(Object.entries(prompt.partials ?? {}).map(([name, partial]) => [name, partial])));
        const started = process.cpuUsage();
        // Diagnostics: always a result, and every range inside the document.
        const checked = await checkPrompt(text, environment);
        const lineCount = text.split(/\r\n|\r|\n/).length;
        for (const d of checked.diagnostics) {
          assert.ok(d.range.start.line >= 0 && d.range.start.line < lineCount && d.range.end.line < lineCount, `${d.code} at ${JSON.stringify(d.range)}`);
          assert.ok(d.range.start.character >= 0, d.code);
        }
        if (prompt.broken) assert.equal(checked.ok, false, JSON.stringify(checked.diagnostics.slice(0, 3)));
        // Token counts and the rendered view (what the status bar, CodeLens and panel show).
        if (checked.ok) {
          const result = await renderChecked(checked, { input: (prompt.input ?? {}) as Record<string, unknown> }).catch((error: Error) => error);
          if (!(result instanceof Error)) {
            const parts = await promptParts(checked, result, (shots) => renderChecked(checked, { input: (prompt.input ?? {}) as Record<string, unknown>, shots }));
            const report = await countPromptTokens(result.model, result.text, parts);
            renderedPromptView(result.text, parts, report);
          }
        }
        // Completions, hovers and the outline read the text around the cursor.
        const frontmatter = frontmatterLines(text);
        if (frontmatter) {
          topLevelKeys(frontmatter);
          for (let line = 0; line < Math.min(frontmatter.lines.length, 2000); line += 1 + Math.floor(frontmatter.lines.length / 200)) {
            if (inFrontmatter(frontmatter, line)) {
              parentKey(frontmatter, line);
              childKeys(frontmatter, line);
            }
          }
        }
        blankComments(text);
        const bodyStart = checked.source.body.start;
        const inputs = checked.frontmatter.broken ? undefined : declaredInputs(checked.frontmatter);
        const took = cpuMsSince(started);
        assert.ok(took < BUDGET_MS, `the language features used ${took} ms of processor time (budget ${BUDGET_MS} ms)`);
        // A completion or hover is asked at every keystroke or move: each one, at hundreds of places,
        // within a second.
        for (const offset of offsetsOf(text)) {
          const asked = process.cpuUsage();
          completionSite(text, offset);
          expressionAt(text, offset, bodyStart);
          if (offset >= bodyStart) scopeOf(inputs, openBlocks(text, bodyStart, offset));
          const one = cpuMsSince(asked);
          assert.ok(one < REQUEST_BUDGET_MS, `a completion at offset ${offset} used ${one} ms of processor time (budget ${REQUEST_BUDGET_MS} ms)`);
        }
      });
    }
  });
});
