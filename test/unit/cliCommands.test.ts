// prompt-lab check / render / tokens, in-process through runCli, on files in test/fixtures/cli.
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { cli } from '../support/inProcessCli';

const root = path.resolve(__dirname, '../../..');
const fixtures = path.join(root, 'test/fixtures/cli');
const at = (file: string) => path.join(fixtures, file);

describe('prompt-lab check', () => {
  it('prints file:line:column (1-based) for each problem and exits 1 on errors', async () => {
    const { code, stdout } = await cli('check', at('broken.prompt'));
    assert.equal(code, 1);
    assert.deepEqual(stdout.trim().split('\n'), [
      `${at('broken.prompt')}:4:16: error: config.temperature must be a number from 0 to 2, not number 3. [config-range]`,
      `${at('broken.prompt')}:6:30: error: Unexpected '}' inside {{ }}: expected a name, a value or the closing braces. [template-syntax]`,
    ]);
  });

  it('gives the diagnostics as JSON', async () => {
    const { code, stdout } = await cli('check', at('broken.prompt'), '--json');
    assert.equal(code, 1);
    const { diagnostics } = JSON.parse(stdout);
    assert.deepEqual(diagnostics[0], {
      file: at('broken.prompt'), line: 4, column: 16, endLine: 4, endColumn: 17,
      severity: 'error', message: 'config.temperature must be a number from 0 to 2, not number 3.', code: 'config-range',
    });
  });

  it('finds partials in --prompts-dir, and reports partial cycles', async () => {
    const missing = await cli('check', at('greet.prompt'));
    assert.equal(missing.code, 1);
    assert.match(missing.stdout, /greet\.prompt:21:5: error: Partial 'signoff' not found/);
    assert.equal((await cli('check', at('greet.prompt'), '--prompts-dir', at('shared'))).code, 0);
    assert.match((await cli('check', at('loop.prompt'))).stdout, /loop\.prompt:1:11: error: .*cycle \(a → b → a\)/);
  });

  it('expands folders and globs, and says when nothing matches (exit 2)', async () => {
    const { stderr } = await cli('check', path.join(fixtures, '*.formal.prompt'), path.join(root, 'prompts'));
    assert.match(stderr, /^13 files checked: 0 errors, 0 warnings/);
    const none = await cli('check', path.join(fixtures, '*.nothing'));
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no file matches/);
  });

  it('checks the shipped prompt library clean', async () => {
    const { code, stdout } = await cli('check', path.join(root, 'prompts'));
    assert.equal(stdout, '');
    assert.equal(code, 0);
  });
});

describe('prompt-lab render', () => {
  const greet = ['render', at('greet.prompt'), '--prompts-dir', at('shared')];

  it('renders messages with Dotprompt role names, parts and tokens as JSON', async () => {
    const { code, stdout } = await cli(...greet, '--input', 'name=Zoë', '--json');
    assert.equal(code, 0);
    const rendered = JSON.parse(stdout);
    assert.equal(rendered.model, 'openai/gpt-4o-mini');
    assert.deepEqual(rendered.config, { temperature: 0.2 });
    assert.deepEqual(rendered.messages.map((m: { role: string }) => m.role), ['system', 'user', 'model', 'user', 'model', 'user']);
    // A partial alone on its line stands in for the whole line (Handlebars' standalone rule).
    assert.equal(rendered.messages.at(-1).content, 'Greet Zoë.\n(Keep it under ten words.)\nGreeting:');
    assert.deepEqual(rendered.parts.map((p: { name: string }) => p.name), ['instruction', 'examples', 'content', 'cue']);
    assert.equal(rendered.parts[3].text, 'Greeting:');
    for (const part of rendered.parts) assert.ok(part.tokens > 0, part.name);
  });

  it('varies the number of examples with --shots', async () => {
    const zero = JSON.parse((await cli(...greet, '--shots', '0', '--json')).stdout);
    assert.deepEqual(zero.messages.map((m: { role: string }) => m.role), ['system', 'user']);
    assert.equal(zero.parts[1].tokens, 0);
  });

  it('reads --input-file, lets --input override it and takes key:=JSON', async () => {
    const file = path.join(root, 'out/test-input.json');
    writeFileSync(file, JSON.stringify({ name: 'From file' }));
    const fromFile = JSON.parse((await cli(...greet, '--input-file', file, '--json')).stdout);
    assert.match(fromFile.messages.at(-1).content, /Greet From file\./);
    const overridden = JSON.parse((await cli(...greet, '--input-file', file, '--input', 'name=Flag', '--json')).stdout);
    assert.match(overridden.messages.at(-1).content, /Greet Flag\./);
    const json = await cli(...greet, '--input', 'examples:=[]', '--json');
    assert.equal(JSON.parse(json.stdout).messages.length, 2);
  });

  it('renders a variant', async () => {
    const { stdout } = await cli('render', at('greet.prompt'), '--variant', 'formal', '--input', 'name=Ada', '--json');
    assert.equal(JSON.parse(stdout).messages[0].content, 'You greet people formally.\n');
  });

  it('names the field when an input does not fit the schema (exit 1)', async () => {
    const { code, stderr } = await cli(...greet, '--input', 'name:=42');
    assert.equal(code, 1);
    assert.match(stderr, /input: name must be string, but is integer 42/);
  });

  it('reports a broken file with positions, and bad usage with exit 2', async () => {
    const broken = await cli('render', at('broken.prompt'));
    assert.equal(broken.code, 1);
    assert.match(broken.stderr, /broken\.prompt:4:16: error/);
    assert.equal((await cli('render', at('greet.prompt'), '--shots', '-1')).code, 2);
    assert.equal((await cli('render', at('greet.prompt'), '--input', 'novalue')).code, 2);
    assert.equal((await cli('render')).code, 2);
    assert.equal((await cli('render', at('nope.prompt'))).code, 2);
  });
});

describe('prompt-lab tokens', () => {
  it('counts per message and part, exact for an OpenAI model', async () => {
    const { code, stdout } = await cli('tokens', at('greet.prompt'), '--prompts-dir', at('shared'), '--json');
    assert.equal(code, 0);
    const counted = JSON.parse(stdout);
    assert.equal(counted.tokenizer, 'o200k_base');
    assert.equal(counted.exact, true);
    const messages = counted.messages.reduce((sum: number, m: { tokens: number }) => sum + m.tokens, 0);
    assert.equal(counted.total, messages + 3); // + the reply priming
    const parts = counted.parts.reduce((sum: number, p: { tokens: number }) => sum + p.tokens, 0);
    assert.ok(parts < counted.total && parts > counted.total / 2, `${parts} of ${counted.total}`);
  });

  it('uses the encoding of --model, and says when a count is approximate', async () => {
    const gpt4 = JSON.parse((await cli('tokens', at('greet.prompt'), '--prompts-dir', at('shared'), '--model', 'openai/gpt-4', '--json')).stdout);
    assert.equal(gpt4.tokenizer, 'cl100k_base');
    const local = await cli('tokens', path.join(root, 'prompts/continue-story.prompt'));
    assert.match(local.stdout, /stories260k is not an OpenAI model.*approximate/);
  });
});
