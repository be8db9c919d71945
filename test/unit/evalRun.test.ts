// `prompt-lab eval` end to end, in-process through runCli: over a scripted OpenAI-compatible server
// (completions chosen by the question, deterministic judge verdicts, a judge that fails, a test
// with bad vars, a CSV dataset with quoting), over the real stories260K model (contains, regex,
// perplexity from its logprobs), the exit codes and outputs, JUnit well-formedness, the response
// cache, and Ctrl+C.
import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';
import type { EvalRecord } from '../../src/core/eval/evalRecord';
import { startFaultServer, type Fault, type FaultServer } from '../support/faultServer';

const root = path.resolve(__dirname, '../../..');
const STORIES_MODEL = path.resolve(root, '../shared/models/stories260K.gguf');

// sax (installed with the toolchain) in strict mode: a real XML well-formedness check.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sax = require('sax') as { parser(strict: boolean): { onerror: (e: Error) => void; onopentag: (t: { name: string; attributes: Record<string, string> }) => void; write(s: string): { close(): void } } };

function parseXml(text: string): { name: string; attributes: Record<string, string> }[] {
  const tags: { name: string; attributes: Record<string, string> }[] = [];
  const parser = sax.parser(true);
  parser.onerror = (error) => { throw error; };
  parser.onopentag = (tag) => tags.push(tag);
  parser.write(text).close();
  return tags;
}

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } }, 'test');
  return { code, stdout, stderr };
}

const lastUser = (body: Record<string, unknown>) => {
  const messages = (body.messages ?? []) as { role: string; content: string }[];
  return messages.filter((m) => m.role === 'user').at(-1)?.content ?? '';
};
const isJudge = (body: Record<string, unknown>) => ((body.messages ?? []) as { content: string }[]).some((m) => /You are grading output/.test(m.content));

/** Capitals by the country asked about; the judge passes an output that names Paris, and breaks on FAILJUDGE. */
function respondTo(body: Record<string, unknown>): Fault {
  const user = lastUser(body);
  if (isJudge(body)) {
    if (user.includes('FAILJUDGE')) return { kind: 'status', status: 400, message: 'the judge is out to lunch' };
    const pass = /<Output>\s*Paris/.test(user);
    return { kind: 'ok', tokens: [JSON.stringify({ reason: pass ? 'names Paris' : 'no Paris', pass, score: pass ? 1 : 0 })] };
  }
  if (user.includes('France')) return { kind: 'ok', tokens: ['Paris', ' is', ' the', ' capital', '.'] };
  if (user.includes('Spain')) return { kind: 'ok', tokens: ['Madrid', '.'] };
  if (user.includes('Germany')) return { kind: 'ok', tokens: ['Bonn', '?'] };
  return { kind: 'ok', tokens: ['=cmd|', ' "/c calc"', '!A1'] };
}

const PROMPT = `---
model: gpt-test
config:
  temperature: 0
  maxOutputTokens: 20
input:
  schema:
    country: string
---
What is the capital of {{country}}?
`;

const DATASET = `tests:
  - description: France
    vars: { country: France }
    assert:
      - type: contains
        value: Paris
      - type: llm-rubric
        value: Names the capital correctly
  - description: Germany
    vars: { country: Germany }
    assert:
      - type: equals
        value: Berlin
  - description: judge fails
    vars: { country: Spain }
    assert:
      - type: llm-rubric
        value: FAILJUDGE
  - description: bad vars
    vars:
      country: 42
`;

describe('prompt-lab eval over a scripted OpenAI-compatible server', function () {
  this.timeout(30000);
  let server: FaultServer;
  let dir: string;
  let prompt: string;
  const cwd = process.cwd();

  before(async () => {
    server = await startFaultServer({ respondTo, chunkDelayMs: 1 });
  });
  after(async () => { await server.close(); });
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'prompt-lab-eval-'));
    prompt = path.join(dir, 'capital.prompt');
    writeFileSync(prompt, PROMPT);
    writeFileSync(path.join(dir, 'capital.tests.yaml'), DATASET);
    server.reset();
    // The cache lives in the working folder.
    process.chdir(dir);
  });
  afterEach(() => {
    process.chdir(cwd);
    rmSync(dir, { recursive: true, force: true });
  });

  it('grades every test: a pass, a failure, a judge that fails is an error, bad vars skipped with file:line; exit 1', async () => {
    const junit = path.join(dir, 'out.xml');
    const { code, stdout, stderr } = await cli('eval', prompt, '--base-url', server.url, '--judge', 'cli/judge-model', '--junit', junit);
    assert.equal(code, 1, stderr);
    // The bad test: where its var is, which field, skipped; the other three ran.
    assert.match(stderr, /capital\.tests\.yaml:21:7: vars\.country: .*string.* \(test skipped\)/);
    assert.match(stderr, /3 tests × 1 column × 1 sample on cli\/gpt-test, judge cli\/judge-model/);
    const lines = stdout.split('\n');
    assert.match(lines.find((l) => l.startsWith('France'))!, /│ ✓$/);
    assert.match(lines.find((l) => l.startsWith('Germany'))!, /✗ equals: /);
    // (the table wraps a long reason onto the next lines of its row)
    assert.match(lines.find((l) => l.startsWith('judge fails'))!, /✗ error llm-rubric could not be/);
    assert.match(stdout.replace(/\n\s*│ /g, ' '), /The judge failed: 400 from 127\.0\.0\.1:\d+: the judge is out to lunch/);
    assert.match(stdout, /pass rate\s+│ 33% \(1\/3\)/);
    // The judge got the rubric prompt with the output, at temperature 0, on its own model.
    const judged = server.requests.filter((r) => r.body && isJudge(r.body));
    assert.equal(judged.length, 2);
    assert.ok(judged.every((r) => r.body!.model === 'judge-model' && r.body!.temperature === 0));
    // No assertion reads logprobs: none asked for.
    assert.ok(server.requests.every((r) => r.body?.logprobs === undefined));
    // JUnit: well-formed, a testcase per test × column, the failure, the error and the skipped test.
    const tags = parseXml(readFileSync(junit, 'utf8'));
    const suite = tags.find((t) => t.name === 'testsuite')!;
    assert.deepEqual([suite.attributes.tests, suite.attributes.failures, suite.attributes.errors, suite.attributes.skipped], ['4', '1', '1', '1']);
    assert.equal(tags.filter((t) => t.name === 'testcase').length, 4);
  });

  it('a judge prompt in ./.promptlab/judges overrides the built-in one', async () => {
    mkdirSync(path.join(dir, '.promptlab', 'judges'), { recursive: true });
    writeFileSync(path.join(dir, '.promptlab', 'judges', 'llm-rubric.prompt'), '---\ninput:\n  schema:\n    output: string\n    rubric: string\n---\n{{role "system"}}You are grading output, house style.\n{{role "user"}}<Output>{{output}}</Output> {{rubric}}\n');
    const { code } = await cli('eval', prompt, '--base-url', server.url, '--judge', 'cli/j', '--filter', 'France');
    assert.equal(code, 0);
    const judged = server.requests.filter((r) => r.body && isJudge(r.body));
    assert.equal(judged.length, 1);
    assert.match(JSON.stringify(judged[0]!.body!.messages), /house style/);
  });

  it('--min-pass-rate decides the exit code; --json is the whole record; without --judge a rubric is an error, never a pass', async () => {
    assert.equal((await cli('eval', prompt, '--base-url', server.url, '--judge', 'cli/j', '--min-pass-rate', '0.3')).code, 0);
    assert.equal((await cli('eval', prompt, '--base-url', server.url, '--judge', 'cli/j', '--min-pass-rate', '0.5')).code, 1);
    const { code, stdout } = await cli('eval', prompt, '--base-url', server.url, '--json');
    assert.equal(code, 1);
    const record = JSON.parse(stdout) as EvalRecord;
    assert.equal(record.kind, 'eval');
    assert.equal(record.tests.length, 4);
    assert.equal(record.tests[3]!.problems[0]!.field, 'vars.country');
    assert.equal(record.cells.length, 3);
    const france = record.cells.find((c) => record.tests[c.test]!.description === 'France')!;
    assert.equal(france.text, 'Paris is the capital.');
    assert.deepEqual(france.assertions!.map((a) => [a.type, a.pass, a.error ?? false]), [['contains', true, false], ['llm-rubric', false, true]]);
    assert.match(france.assertions![1]!.reason, /needs a judge model/);
    assert.equal(record.summary!.passRate, 0);
    assert.deepEqual(record.summary!.tests.map((t) => t.columns[0]), ['error', 'fail', 'error']);
  });

  it('every test × every column of an axis; --filter keeps the matching tests', async () => {
    const { code, stdout } = await cli('eval', prompt, '--base-url', server.url, '--axis', 'temperature=0,0.5', '--seed', '7', '--filter', 'fran', '--json');
    assert.equal(code, 1); // the rubric without a judge
    const record = JSON.parse(stdout) as EvalRecord;
    assert.deepEqual(record.tests.map((t) => t.description), ['France']);
    assert.deepEqual(record.columns.map((c) => c.label), ['temperature 0', 'temperature 0.5']);
    assert.deepEqual(server.requests.map((r) => r.body!.temperature).sort(), [0, 0.5]);
    assert.ok(server.requests.every((r) => r.body!.seed === 7));
  });

  it('a CSV dataset with quoting: vars with commas and quotes, __expected assertions; the CSV export guards formulas', async () => {
    const csv = path.join(dir, 'capitals.csv');
    writeFileSync(csv, 'country,__expected,__description\r\nFrance,contains: Paris,"plain, with a comma"\r\n"Spain ""the kingdom""",contains: Madrid,quoted\r\nAtlantis,"not-contains: ""Paris""",formula\r\n');
    const { code, stdout, stderr } = await cli('eval', prompt, '--base-url', server.url, '--tests', csv, '--json');
    assert.equal(code, 0, stderr);
    const record = JSON.parse(stdout) as EvalRecord;
    assert.deepEqual(record.tests.map((t) => [t.description, t.vars.country]), [['plain, with a comma', 'France'], ['quoted', 'Spain "the kingdom"'], ['formula', 'Atlantis']]);
    assert.ok(server.requests.some((r) => lastUser(r.body!).includes('Spain "the kingdom"')));
    const { evalToCsv } = await import('../../src/core/eval/evalExport');
    const out = evalToCsv(record);
    // The model's `=cmd|…` answer cannot become a formula, and quotes are doubled.
    assert.match(out, /,"'=cmd\| ""\/c calc""!A1",/);
    assert.match(out, /"\{""country"":""Spain \\""the kingdom\\""""\}"/);
  });

  it('exit 2: no dataset, a dataset that does not parse (file:line), bad flags', async () => {
    rmSync(path.join(dir, 'capital.tests.yaml'));
    const missing = await cli('eval', prompt, '--base-url', server.url);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /capital\.prompt has no dataset: write its tests in .*capital\.tests\.yaml/);
    const broken = path.join(dir, 'broken.yaml');
    writeFileSync(broken, 'tests:\n  - vars: { country: France\n  - oops: [\n');
    const unreadable = await cli('eval', prompt, '--base-url', server.url, '--tests', broken);
    assert.equal(unreadable.code, 2);
    assert.match(unreadable.stderr, /broken\.yaml:\d+:\d+: /);
    for (const flags of [['--samples', '0'], ['--min-pass-rate', '2'], ['--max-concurrency', 'x'], ['--axis', 'nope=1'], ['--judge', 'a b']]) {
      const { code } = await cli('eval', prompt, '--base-url', server.url, ...flags);
      assert.equal(code, 2, flags.join(' '));
    }
    assert.equal(server.requests.length, 0);
  });

  it('--cache: the second run is answered from .promptlab/cache; never at temperature > 0 without --seed; keys stay out', async () => {
    writeFileSync(path.join(dir, 'capital.tests.yaml'), 'tests:\n  - vars: { country: France }\n    assert: [{ type: contains, value: Paris }]\n  - vars: { country: Spain }\n    assert: [{ type: contains, value: Madrid }]\n');
    process.env.EVAL_TEST_API_KEY = 'sk-evaltest-0123456789abcdef';
    try {
      const base = ['eval', prompt, '--base-url', server.url, '--api-key-env', 'EVAL_TEST_API_KEY', '--cache'];
      const first = await cli(...base);
      assert.equal(first.code, 0, first.stderr);
      assert.equal(server.requests.length, 2);
      const second = await cli(...base);
      assert.equal(second.code, 0);
      assert.equal(server.requests.length, 2, 'the second run sent nothing');
      assert.equal((second.stderr.match(/\(cached\)/g) ?? []).length, 2);
      assert.equal(second.stdout, first.stdout);
      const folder = path.join(dir, '.promptlab', 'cache');
      const files = readdirSync(folder, { recursive: true }).map(String).filter((f) => f.endsWith('.json'));
      assert.equal(files.length, 2);
      for (const file of files) {
        const text = readFileSync(path.join(folder, file), 'utf8');
        assert.ok(!text.includes('sk-evaltest') && !/authorization/i.test(text), 'no key or header in an entry');
      }
      // Temperature 0.7 without a seed: sent every time, nothing stored.
      server.reset();
      rmSync(folder, { recursive: true });
      await cli(...base, '--temperature', '0.7');
      await cli(...base, '--temperature', '0.7');
      assert.equal(server.requests.length, 4);
      assert.ok(!existsSync(folder) || readdirSync(folder, { recursive: true }).map(String).every((f) => !f.endsWith('.json')));
      // With a fixed seed it may be reused.
      await cli(...base, '--temperature', '0.7', '--seed', '3');
      await cli(...base, '--temperature', '0.7', '--seed', '3');
      assert.equal(server.requests.length, 6);
    } finally {
      delete process.env.EVAL_TEST_API_KEY;
    }
  });

  it('a corrupt cache entry is ignored with a log line and replaced', async () => {
    writeFileSync(path.join(dir, 'capital.tests.yaml'), '- vars: { country: France }\n  assert: [{ type: contains, value: Paris }]\n');
    const base = ['eval', prompt, '--base-url', server.url, '--cache'];
    assert.equal((await cli(...base)).code, 0);
    const folder = path.join(dir, '.promptlab', 'cache');
    const file = readdirSync(folder, { recursive: true }).map(String).find((f) => f.endsWith('.json'))!;
    writeFileSync(path.join(folder, file), '{"format":1,"result":{"text":');
    const again = await cli(...base);
    assert.equal(again.code, 0);
    assert.match(again.stderr, /note: cache: entry [0-9a-f]{12} is corrupt, ignored/);
    assert.equal(server.requests.length, 2);
    assert.doesNotThrow(() => JSON.parse(readFileSync(path.join(folder, file), 'utf8')));
    assert.equal((await cli(...base)).code, 0);
    assert.equal(server.requests.length, 2, 'the replaced entry answers');
  });

  it('Ctrl+C stops the run and still writes what finished', async () => {
    // France answers; Spain and Germany never do.
    const slow = await startFaultServer({ respondTo: (body) => (lastUser(body).includes('France') ? respondTo(body) : { kind: 'hang' }) });
    try {
      writeFileSync(path.join(dir, 'capital.tests.yaml'), '- vars: { country: France }\n  assert: [{ type: contains, value: Paris }]\n- vars: { country: Spain }\n- vars: { country: Germany }\n');
      const junit = path.join(dir, 'partial.xml');
      const interrupt = setInterval(() => { if (slow.requests.length >= 3) { clearInterval(interrupt); process.emit('SIGINT'); } }, 10);
      const { code, stdout } = await cli('eval', prompt, '--base-url', slow.url, '--max-concurrency', '2', '--json', '--junit', junit);
      clearInterval(interrupt);
      assert.equal(code, 130);
      const record = JSON.parse(stdout) as EvalRecord;
      assert.deepEqual(record.cells.map((c) => c.status), ['done', 'stopped', 'stopped']);
      assert.equal(record.cells[0]!.outcome!.pass, true);
      const tags = parseXml(readFileSync(junit, 'utf8'));
      assert.equal(tags.filter((t) => t.name === 'skipped').length, 2);
    } finally {
      await slow.close();
    }
  });
});

describe('prompt-lab eval on a real model (stories260K)', function () {
  this.timeout(60000);
  let dir: string;
  before(function () {
    if (!existsSync(STORIES_MODEL)) this.skip();
    dir = mkdtempSync(path.join(tmpdir(), 'prompt-lab-eval-local-'));
  });
  after(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

  it('contains, regex and perplexity from the tokens it generated; logprobs only where an assertion reads them', async () => {
    const prompt = path.join(dir, 'story.prompt');
    writeFileSync(prompt, '---\nmodel: local\nconfig:\n  temperature: 0\n  maxOutputTokens: 12\ninput:\n  schema:\n    animal: string\n---\nOnce upon a time, there was a little {{animal}}.\n');
    writeFileSync(path.join(dir, 'story.tests.yaml'), [
      '- description: perplexity',
      '  vars: { animal: cat }',
      '  assert:',
      '    - { type: perplexity, threshold: 1000 }',
      '    - { type: perplexity, threshold: 1.0001 }',
      '    - { type: regex, value: "\\\\w+" }',
      '- description: words',
      '  vars: { animal: dog }',
      '  assert:',
      '    - { type: icontains, value: dog }',
      '    - { type: not-contains, value: "@@" }',
      '',
    ].join('\n'));
    const { code, stdout, stderr } = await cli('eval', prompt, '--backend', 'local', '--model-path', STORIES_MODEL, '--json');
    assert.equal(code, 1, stderr);
    const record = JSON.parse(stdout) as EvalRecord;
    const [cat, dog] = record.cells;
    assert.ok(cat!.text.length > 0 && dog!.text.length > 0);
    // The same tokens are more than a little surprising (perplexity > 1.0001) yet far from 1000.
    assert.deepEqual(cat!.assertions!.map((a) => a.pass), [true, false, true]);
    assert.match(cat!.assertions![0]!.reason, /Perplexity \d/);
    assert.equal(cat!.result!.parameters.logprobs !== undefined, true);
    assert.equal(dog!.result!.parameters.logprobs, undefined);
    assert.equal(dog!.outcome!.pass, /dog/i.test(dog!.text));
    assert.equal(record.columns[0]!.eval!.cost, 0);
  });
});
