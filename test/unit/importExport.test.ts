// Prompty and GitHub Models files ↔ .prompt files, on the peers' own sample files
// (test/fixtures/import/README.md): each import checks clean and renders what the source says,
// its dataset loads in the eval with no problems, what is not carried over is listed where it is
// written, and import → render → export → import gives the same prompt (and dataset) again.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { parse } from 'yaml';
import { checkPrompt } from '../../src/core/check/checkPrompt';
import { loadDataset } from '../../src/core/eval/dataset';
import { ConversionError, type ConversionResult } from '../../src/core/import/common';
import { importPrompty } from '../../src/core/import/prompty';
import { exportPromptYml, importPromptYml } from '../../src/core/import/promptYml';
import { memoryEnvironment } from '../../src/core/promptEnvironment';
import { renderPrompt, type TextMessage } from '../../src/core/render';
import { runCli } from '../../src/cli/main';

const fixtures = path.resolve(__dirname, '../../../test/fixtures/import');
const read = (file: string) => readFileSync(path.join(fixtures, file), 'utf8');
const PROMPTY = ['basic.prompty', 'hello.prompty', 'shakespeare.prompty', 'chat-basic.prompty', 'summarize.prompty', 'threaded.prompty'];
const GH_MODELS = ['sample_prompt.yml', 'json_schema_prompt.yml', 'failing_test_prompt.yml', 'test_builtins.yml', 'advanced_template_prompt.yml'];

/** Values for the inputs a prompt requires and has no default for. */
const FILL: Record<string, unknown> = { input: 'What is a tent?', text: 'A long text.', animal: 'otter' };

async function render(text: string, input: Record<string, unknown> = {}): Promise<TextMessage[]> {
  const checked = await checkPrompt(text, memoryEnvironment());
  assert.deepEqual(checked.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), [], text);
  const required = Object.keys((parse(text.split('---')[1]!) as { input?: { schema?: Record<string, unknown> } }).input?.schema ?? {}).filter((key) => !key.includes('?'));
  const values = { ...Object.fromEntries(required.map((name) => [name, FILL[name] ?? `<${name}>`])), ...input };
  return (await renderPrompt(text, memoryEnvironment(), { input: values })).text;
}

describe('import and export (Prompty, GitHub Models)', () => {
  it('imports Prompty v1: model, parameters, sample as defaults, role lines, and lists the rest where it is written', async () => {
    const result = importPrompty(read('prompty/basic.prompty'), 'basic.prompty');
    const front = parse(result.text.split('---')[1]!);
    assert.equal(front.model, 'azure/<your-deployment>');
    assert.deepEqual(front.config, { maxOutputTokens: 3000 });
    assert.equal(front.input.default.firstName, 'Seth');
    const messages = await render(result.text);
    assert.deepEqual(messages.map((m) => m.role), ['system', 'user']);
    assert.match(messages[0]!.content, /You are helping Seth to find answers/);
    assert.match(messages[0]!.content, /The Alpine Explorer Tent/);
    assert.equal(messages[1]!.content.trim(), 'What can you tell me about your tents?');
    assert.deepEqual(result.warnings.map((w) => [w.line, w.column, w.message.split(':')[0]]), [
      [4, 1, 'authors has no Dotprompt equivalent'],
      [8, 3, 'connection settings (endpoints, keys, API versions) are not carried over'],
    ]);
  });

  it('imports Prompty v2: options, inputs with kinds and defaults, {% if %} blocks and thread inputs', async () => {
    const chat = importPrompty(read('prompty/chat-basic.prompty'), 'chat-basic.prompty');
    assert.deepEqual(parse(chat.text.split('---')[1]!).config, { temperature: 0.7, maxOutputTokens: 1024 });
    assert.equal(parse(chat.text.split('---')[1]!).model, 'openai/gpt-4o-mini');

    const summarize = importPrompty(read('prompty/summarize.prompty'), 'summarize.prompty');
    assert.match(summarize.text, /\{\{#if context\}\}\nContext: \{\{context\}\}\n\{\{\/if\}\}/);
    assert.doesNotMatch((await render(summarize.text))[0]!.content, /Context:/, 'the empty default context leaves the block out');
    assert.match((await render(summarize.text, { context: 'Q3 report' }))[0]!.content, /Context: Q3 report/);

    const threaded = importPrompty(read('prompty/threaded.prompty'), 'threaded.prompty');
    assert.match(threaded.text, /\{\{history\}\}/);
    assert.match(threaded.warnings[0]!.message, /thread input 'conversation' becomes Dotprompt's \{\{history\}\}/);
    assert.deepEqual([threaded.warnings[0]!.line, threaded.warnings[0]!.column], [10, 5]);
  });

  it('keeps Jinja loops as Handlebars #each and says what a template-made role line becomes', async () => {
    const hello = importPrompty(read('prompty/hello.prompty'), 'hello.prompty');
    assert.match(hello.text, /\{\{#each chat_history as \|item\|\}\}\n\{\{item\.role\}\}:\n\{\{item\.content\}\}\n\{\{\/each\}\}/);
    const messages = await render(hello.text, { chat_history: [{ role: 'user', content: 'Hi there' }] });
    assert.match(messages[0]!.content, /user:\nHi there/);
    assert.ok(hello.warnings.some((w) => w.line === 24 && /role named by a template expression/.test(w.message)), JSON.stringify(hello.warnings));
  });

  it('lists Jinja it cannot convert and keeps it as literal text', () => {
    const warnings: ConversionResult['warnings'] = [];
    const result = importPrompty('---\nname: x\n---\nsystem:\n{{ name | upper }} {% set y = 1 %}{{ a + b }}\nuser:\nhi', 'x.prompty');
    warnings.push(...result.warnings);
    assert.match(result.text, /\{\{name\}\} \{% set y = 1 %\}\\\{\{ a \+ b \}\}/);
    assert.deepEqual(warnings.map((w) => [w.line, w.column]), [[5, 1], [5, 20], [5, 35]]);
  });

  it('refuses a file it cannot read at all with file:line:column', () => {
    assert.throws(() => importPrompty('no frontmatter', 'x.prompty'), (error: ConversionError) => /^x\.prompty:1:1: A \.prompty file starts with YAML frontmatter/.test(error.message));
    assert.throws(() => importPromptYml('name: x\nmessages: [oops', 'x.prompt.yml'), (error: ConversionError) => /^x\.prompt\.yml:2:\d+: /.test(error.message));
    assert.throws(() => importPromptYml('name: x\n', 'x.prompt.yml'), /needs a list of messages/);
  });

  it('imports GitHub Models files: messages, modelParameters, JSON output, and a dataset the eval loads with no problems', async () => {
    for (const name of GH_MODELS) {
      const result = importPromptYml(read(`gh-models/${name}`), name);
      const source = parse(read(`gh-models/${name}`));
      const messages = await render(result.text, source.testData?.[0] ?? {});
      assert.equal(messages.length, source.messages.length, name);
      if (result.dataset === undefined) { assert.equal(source.testData, undefined, name); continue; }
      const dataset = loadDataset(result.dataset, `${name}.tests.yaml`);
      assert.deepEqual(dataset.problems, [], name);
      assert.equal(dataset.tests.length, source.testData.length, name);
      // Every test's vars fit the prompt's inputs: it renders with them.
      for (const test of dataset.tests) await render(result.text, test.vars);
    }
    const sample = importPromptYml(read('gh-models/sample_prompt.yml'), 'sample_prompt.yml');
    const tests = loadDataset(sample.dataset!, 'sample.tests.yaml').tests;
    assert.deepEqual(tests.map((test) => test.assert), [
      [{ type: 'contains', value: 'hello', metric: 'string evaluator' }],
      [{ type: 'contains', value: 'goodbye', metric: 'string evaluator' }],
    ], 'an evaluator using test data is filled in per test');
    assert.deepEqual(sample.warnings.map((w) => [w.line, w.column]), [[23, 5]]);
    assert.match(sample.warnings[0]!.message, /built-in 'github\/similarity'.*not carried over/);

    const failing = loadDataset(importPromptYml(read('gh-models/failing_test_prompt.yml'), 'f.yml').dataset!, 'f.tests.yaml');
    assert.deepEqual(failing.tests[0]!.assert!.map((a) => a.type), ['contains', 'starts-with'], 'evaluators without test data: defaultTest, once');
    const json = importPromptYml(read('gh-models/json_schema_prompt.yml'), 'j.yml');
    assert.deepEqual(parse(json.text.split('---')[1]!).output.schema.required, ['name', 'habitat', 'diet']);
  });

  it('endsWith becomes an anchored regex and back', async () => {
    const source = 'model: openai/gpt-4o\nmessages:\n  - role: user\n    content: "Say {{word}}."\ntestData:\n  - word: "a.b"\nevaluators:\n  - name: ends\n    string:\n      endsWith: "{{word}}"\n  - name: dot\n    string:\n      endsWith: "."\n';
    const imported = importPromptYml(source, 's.prompt.yml');
    const dataset = loadDataset(imported.dataset!, 's.tests.yaml');
    assert.deepEqual(dataset.tests[0]!.assert, [{ type: 'regex', value: '\\.$', metric: 'dot' }, { type: 'regex', value: 'a\\.b$', metric: 'ends' }]);
    const result = exportPromptYml(imported.text, 's.prompt', { text: imported.dataset!, file: 's.tests.yaml' });
    assert.deepEqual(result.warnings, []);
    const exported = parse(result.text);
    assert.deepEqual(exported.evaluators, [{ name: 'dot', string: { endsWith: '.' } }, { name: 'ends', string: { endsWith: '{{word}}' } }]);
  });

  it('round trips GitHub Models files: import → export → import gives the same prompt and dataset', () => {
    for (const name of GH_MODELS) {
      const first = importPromptYml(read(`gh-models/${name}`), name);
      const exported = exportPromptYml(first.text, `${name}.prompt`, first.dataset !== undefined ? { text: first.dataset, file: 'x.tests.yaml' } : undefined);
      assert.deepEqual(exported.warnings, [], name);
      const second = importPromptYml(exported.text, `${name}.again.yml`);
      assert.equal(second.text, first.text, name);
      assert.equal(second.dataset, first.dataset, name);
    }
  });

  it('round trips Prompty files through .prompt.yml: the re-imported prompt renders the same messages', async () => {
    for (const name of PROMPTY) {
      const first = importPrompty(read(`prompty/${name}`), name);
      const defaults = (parse(first.text.split('---')[1]!) as { input?: { default?: Record<string, unknown> } }).input?.default ?? {};
      const before = await render(first.text);
      const exported = exportPromptYml(first.text, `${name}.prompt`);
      if (Object.keys(defaults).length > 0) assert.ok(exported.warnings.some((w) => /input\.default/.test(w.message)), `${name}: the defaults are listed`);
      const second = importPromptYml(exported.text, `${name}.prompt.yml`);
      const declared = Object.keys((parse(second.text.split('---')[1]!) as { input?: { schema?: object } }).input?.schema ?? {}).map((key) => key.replace('?', ''));
      assert.deepEqual(await render(second.text, Object.fromEntries(Object.entries(defaults).filter(([key, value]) => declared.includes(key) && typeof value === 'string'))), before, name);
    }
  });

  describe('the CLI', function () {
    this.timeout(20000);
    let scratch: string;
    beforeEach(() => { scratch = mkdtempSync(path.join(tmpdir(), 'prompt-lab-import-')); });
    afterEach(() => rmSync(scratch, { recursive: true, force: true }));

    async function cli(...argv: string[]) {
      let stdout = '';
      let stderr = '';
      const code = await runCli(argv, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } }, 'test');
      return { code, stdout, stderr };
    }

    it('imports into --out with warnings as file:line:column, refuses to overwrite, and exports back', async () => {
      const source = path.join(fixtures, 'gh-models/sample_prompt.yml');
      const imported = await cli('import', source, '--out', scratch);
      assert.equal(imported.code, 0, imported.stderr);
      const prompt = path.join(scratch, 'sample_prompt.prompt');
      assert.deepEqual(imported.stdout.trim().split('\n'), [prompt, path.join(scratch, 'sample_prompt.tests.yaml')]);
      assert.match(imported.stderr, new RegExp(`^${source.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:23:5: warning: the evaluator 'similarity check'`, 'm'));
      const again = await cli('import', source, '--out', scratch);
      assert.equal(again.code, 2);
      assert.match(again.stderr, /exists: give --force/);

      const exported = await cli('export', prompt, '--to', 'prompt.yml');
      assert.equal(exported.code, 0, exported.stderr);
      const written = parse(readFileSync(path.join(scratch, 'sample_prompt.prompt.yml'), 'utf8'));
      const original = parse(readFileSync(source, 'utf8'));
      assert.deepEqual(written.messages, original.messages);
      assert.deepEqual(written.testData, original.testData);
      assert.deepEqual(written.modelParameters, original.modelParameters);
      assert.deepEqual(written.evaluators, [original.evaluators[0]], 'all but the built-in evaluator, which was listed');
    });

    it('exits 2 on bad usage and 1 on a file it cannot convert', async () => {
      assert.equal((await cli('import')).code, 2);
      assert.match((await cli('import', path.join(scratch, 'x.txt'))).stderr, /neither a \.prompty nor a \.prompt\.yml/);
      assert.equal((await cli('export', path.join(fixtures, '../summarize.prompt'))).code, 2, 'no --to');
      assert.match((await cli('export', path.join(fixtures, '../summarize.prompt'), '--to', 'prompty')).stderr, /the formats are prompt\.yml/);
      const broken = path.join(scratch, 'broken.prompty');
      writeFileSync(broken, '---\nmodel: [oops\n---\nuser:\nhi\n');
      const result = await cli('import', broken);
      assert.equal(result.code, 1);
      assert.match(result.stderr, /broken\.prompty:\d+:\d+: /);
      assert.equal(existsSync(path.join(scratch, 'broken.prompt')), false);
    });
  });
});
