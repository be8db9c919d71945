// The CLI tried with bad input, as a new user would (issue 15): one range check for generation
// settings, exit 70 never for a user's mistake, file errors in words, empty prompts, where a
// missing model's path came from, and the smaller things (plurals, usage lines). In-process through
// runCli, on the real local test model where something runs.
import * as assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { COMMANDS } from '../../src/cli/commands';
import { errnoWords } from '../../src/cli/fileErrors';
import { DEFAULT_MAX_OUTPUT_TOKENS } from '../../src/cli/runTarget';
import { checkPrompt } from '../../src/core/check/checkPrompt';
import { memoryEnvironment } from '../../src/core/promptEnvironment';
import { cli } from '../support/inProcessCli';

const root = path.resolve(__dirname, '../../..');
const STORIES_MODEL = path.resolve(root, '../shared/models/stories260K.gguf');
const STORY = path.join(root, 'test/fixtures/cli/story.prompt');
const LOCAL = ['--backend', 'local', '--model-path', STORIES_MODEL];

describe('prompt-lab with bad input', function () {
  this.timeout(60000);
  let scratch: string;
  before(() => {
    scratch = mkdtempSync(path.join(tmpdir(), 'prompt-lab-errors-'));
    mkdirSync(path.join(scratch, 'folder'));
    writeFileSync(path.join(scratch, 'empty.prompt'), '---\nmodel: local\n---\n');
    writeFileSync(path.join(scratch, 'bad.json'), '{bad');
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));
  const at = (name: string) => path.join(scratch, name);

  it('holds every generation setting to the range of its frontmatter key, in the same words (exit 2)', async () => {
    const cases: [string[], RegExp][] = [
      [['compare', STORY, '--temperatures', '0,5'], /--temperatures 0,5: temperature must be a number from 0 to 2, not 5\n/],
      [['compare', STORY, '--temperatures=-1'], /--temperatures -1: temperature must be a number from 0 to 2, not -1\n/],
      [['compare', STORY, '--axis', 'topP=0.5,3'], /--axis topP=0\.5,3: topP must be a number from 0 to 1, not 3\n/],
      [['compare', STORY, '--axis', 'topK=0,10'], /--axis topK=0,10: topK must be a whole number of at least 1, not 0\n/],
      [['compare', STORY, '--axis', 'maxOutputTokens=0'], /maxOutputTokens must be a whole number of at least 1, not 0\n/],
      [['compare', STORY, '--axis', 'shots=-1'], /shots must be a whole number of at least 0, not -1\n/],
      [['eval', STORY, '--axis', 'temperature=0,9'], /--axis temperature=0,9: temperature must be a number from 0 to 2, not 9\n/],
      [['run', STORY, '--temperature', '5'], /--temperature must be a number from 0 to 2, not 5\n/],
      [['run', STORY, '--top-p', '1.5'], /--top-p must be a number from 0 to 1, not 1\.5\n/],
      [['run', STORY, '--top-k', '1.5'], /--top-k must be a whole number of at least 1, not 1\.5\n/],
      [['run', STORY, '--temperature', 'warm'], /--temperature must be a number from 0 to 2, not 'warm'\n/],
    ];
    for (const [argv, message] of cases) {
      const { code, stdout, stderr } = await cli(...argv, ...LOCAL);
      assert.equal(code, 2, `${argv.join(' ')}: ${stderr}`);
      assert.match(stderr, message, argv.join(' '));
      assert.equal(stdout, '', 'nothing ran');
    }
    // The frontmatter check says it with the same words.
    const checked = await checkPrompt('---\nconfig:\n  temperature: 5\n---\nHi', memoryEnvironment());
    assert.match(checked.diagnostics[0]!.message, /temperature must be a number from 0 to 2, not/);
  });

  it('refuses an axis given twice as bad usage, not an internal error', async () => {
    const twice = await cli('compare', STORY, '--axis', 'temperature=0,9', '--temperatures', '0', ...LOCAL);
    assert.equal(twice.code, 2);
    assert.match(twice.stderr, /temperature is given twice: --axis and --temperatures/);
    const axes = await cli('eval', STORY, '--axis', 'temperature=0', '--axis', 'temperature=1', ...LOCAL);
    assert.equal(axes.code, 2);
    assert.match(axes.stderr, /temperature is given twice/);
    const both = await cli('compare', STORY, '--json', '--markdown', ...LOCAL);
    assert.equal(both.code, 2);
    assert.match(both.stderr, /give --json or --markdown, not both/);
  });

  it('says why a file cannot be read in words, in one line without the usage (exit 2)', async () => {
    const missing = await cli('render', 'nope.prompt');
    assert.deepEqual(missing, { code: 2, stdout: '', stderr: 'prompt-lab: cannot read \'nope.prompt\': no such file\n' });
    for (const command of ['render', 'tokens', 'next', 'run', 'compare', 'eval']) {
      const folder = await cli(command, at('folder'), ...(command === 'render' || command === 'tokens' ? [] : LOCAL));
      assert.equal(folder.code, 2, command);
      assert.equal(folder.stderr, `prompt-lab: cannot read '${at('folder')}': is a folder, not a file\n`, command);
      const gone = await cli(command, at('gone.prompt'), ...(command === 'render' || command === 'tokens' ? [] : LOCAL));
      assert.equal(gone.stderr, `prompt-lab: cannot read '${at('gone.prompt')}': no such file\n`, command);
    }
    const inputFolder = await cli('render', STORY, '--input-file', at('folder'));
    assert.equal(inputFolder.stderr, `prompt-lab: cannot read '${at('folder')}' (--input-file): is a folder, not a file\n`);
    const inputBad = await cli('render', STORY, '--input-file', at('bad.json'));
    assert.equal(inputBad.code, 2);
    assert.match(inputBad.stderr, /--input-file .*bad\.json: not valid JSON/);
    const config = await cli('run', STORY, '--config', at('gone.json'), ...LOCAL);
    assert.equal(config.code, 2);
    assert.match(config.stderr, /cannot read '.*gone\.json': no such file\n$/);
    const configFolder = await cli('run', STORY, '--config', at('folder'), ...LOCAL);
    assert.match(configFolder.stderr, /cannot read '.*folder': is a folder, not a file\n$/);
    const dataset = await cli('eval', STORY, '--tests', at('folder'), ...LOCAL);
    assert.equal(dataset.code, 2);
    assert.match(dataset.stderr, /is a folder, not a file/);
    assert.doesNotMatch(missing.stderr + inputFolder.stderr + config.stderr + dataset.stderr, /E[A-Z]{4,}/, 'no errno codes');
  });

  it('gives permission denied in words', async function () {
    assert.equal(errnoWords(Object.assign(new Error('EACCES: permission denied, open \'x\''), { code: 'EACCES' })), 'permission denied');
    assert.equal(errnoWords(Object.assign(new Error('EBUSY: resource busy or locked, open \'x\''), { code: 'EBUSY' })), 'resource busy or locked');
    if (process.getuid?.() === 0) this.skip(); // root reads any file
    const locked = at('locked.prompt');
    writeFileSync(locked, 'Hi');
    chmodSync(locked, 0o000);
    assert.deepEqual(await cli('render', locked), { code: 2, stdout: '', stderr: `prompt-lab: cannot read '${locked}': permission denied\n` });
  });

  it('ends paths the user gave that cannot be written or listed as exit 2 in words, never 70', async () => {
    const history = await cli('history', 'list', '--history-dir', at('bad.json'));
    assert.equal(history.code, 2);
    assert.match(history.stderr, /cannot open '.*bad\.json\/index\.jsonl': a part of its path is a file, not a folder/);
    const exported = await cli('export', STORY, '--to', 'prompt.yml', '--out', at('no/such/folder/x.prompt.yml'));
    assert.equal(exported.code, 2);
    assert.match(exported.stderr, /cannot open '.*x\.prompt\.yml': no such file or folder/);
  });

  it('names where a missing model path came from: --model-path, the config file or the environment', async () => {
    const flag = await cli('compare', STORY, '--model-path', at('missing.gguf'));
    assert.equal(flag.code, 1);
    assert.match(flag.stderr, /the model file .*missing\.gguf \(from --model-path\): no such file\. Give --model-path <file\.gguf>, set "modelPath" of a local backend in promptlab\.config\.json, or set the environment variable PROMPT_LAB_MODEL \(in VS Code: the setting promptLab\.local\.modelPath\)/);
    assert.equal((await cli('run', STORY, '--model-path', at('missing.gguf'))).code, 1);
    const folder = await cli('run', STORY, '--model-path', at('folder'));
    assert.match(folder.stderr, /\(from --model-path\) is a folder, not a GGUF file/);
    const configFile = at('promptlab.config.json');
    writeFileSync(configFile, JSON.stringify({ backends: [{ id: 'local', kind: 'local', modelPath: at('elsewhere.gguf') }] }));
    const fromConfig = await cli('run', STORY, '--config', configFile);
    assert.equal(fromConfig.code, 1);
    assert.match(fromConfig.stderr, /\(from "modelPath" of backend 'local' in .*promptlab\.config\.json\): no such file/);
    const saved = process.env.PROMPT_LAB_MODEL;
    process.env.PROMPT_LAB_MODEL = at('env.gguf');
    try {
      const fromEnv = await cli('run', STORY);
      assert.match(fromEnv.stderr, /\(from the environment variable PROMPT_LAB_MODEL\): no such file/);
    } finally {
      if (saved === undefined) delete process.env.PROMPT_LAB_MODEL;
      else process.env.PROMPT_LAB_MODEL = saved;
    }
  });

  it('warns about an empty prompt (check at 1:1, run and compare) and caps output when nothing sets a limit', async () => {
    const check = await cli('check', at('empty.prompt'));
    assert.equal(check.code, 0);
    assert.match(check.stdout, /empty\.prompt:1:1: warning: This prompt has no text.*\[empty-prompt\]/);
    const run = await cli('run', at('empty.prompt'), ...LOCAL, '--json');
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, /run: warning: the rendered prompt is empty/);
    assert.match(run.stderr, new RegExp(`output capped at ${DEFAULT_MAX_OUTPUT_TOKENS} tokens`));
    const result = JSON.parse(run.stdout) as { usage: { completionTokens: number }; parameters: { maxTokens: number } };
    assert.equal(result.parameters.maxTokens, DEFAULT_MAX_OUTPUT_TOKENS);
    assert.ok(result.usage.completionTokens <= DEFAULT_MAX_OUTPUT_TOKENS, String(result.usage.completionTokens));
    const compare = await cli('compare', at('empty.prompt'), ...LOCAL, '--temperatures', '0', '--samples', '1', '--json', '--no-history');
    assert.match(compare.stderr, /compare: warning: the rendered prompt is empty/);
    assert.match(compare.stderr, /1 setting × 1 sample on local, seed \d+\n/);
    assert.match(compare.stderr, /compare: 1 run in /);
    assert.equal((JSON.parse(compare.stdout) as { settings: { maxOutputTokens: number } }).settings.maxOutputTokens, DEFAULT_MAX_OUTPUT_TOKENS);
    // A limit from the file or a flag is kept, and nothing is said.
    const story = await cli('run', STORY, ...LOCAL, '--json');
    assert.doesNotMatch(story.stderr, /capped/);
    assert.equal((JSON.parse(story.stdout) as { parameters: { maxTokens: number } }).parameters.maxTokens, 10);
  });

  it('counts tokens with the local model\'s own tokenizer given --model-path', async () => {
    const local = await cli('tokens', STORY, '--model-path', STORIES_MODEL, '--json');
    assert.equal(local.code, 0, local.stderr);
    const counted = JSON.parse(local.stdout) as { tokenizer: string; exact: boolean; total: number };
    assert.equal(counted.tokenizer, 'stories260K\'s own');
    assert.equal(counted.exact, true);
    const shown = JSON.parse((await cli('tokens', STORY, '--show', '--model-path', STORIES_MODEL, '--json')).stdout) as { total: number };
    assert.equal(counted.total, shown.total, 'the count is the listed tokens\' count');
    const tiktoken = JSON.parse((await cli('tokens', STORY, '--json')).stdout) as { tokenizer: string };
    assert.notEqual(tiktoken.tokenizer, counted.tokenizer);
  });

  it('lists in each usage line every option its help describes', async () => {
    for (const command of await Promise.all(COMMANDS.map((entry) => entry.load()))) {
      const [synopsis, ...rest] = command.usage.split(/\n\n/);
      assert.ok(rest.length > 0, `${command.name}: no help below the usage line`);
      const described = new Set([...rest.join('\n').matchAll(/^ {2}(--[a-z-]+)/gm)].map((match) => match[1]!));
      // Options described in one line with others (`--json ... --markdown`) count too.
      for (const match of rest.join('\n').matchAll(/ {2,}(--[a-z-]+) /g)) described.add(match[1]!);
      const listed = new Set([...synopsis!.matchAll(/--[a-z-]+/g)].map((match) => match[0]));
      const missing = [...described].filter((option) => !listed.has(option));
      assert.deepEqual(missing, [], `${command.name}: the usage line omits ${missing.join(', ')}`);
    }
  });
});
