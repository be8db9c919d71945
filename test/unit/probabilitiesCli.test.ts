// prompt-lab tokens --show, next, and run --show-probabilities: in-process through runCli, on the
// shipped continue-story prompt and the real model (stories260K), and tiktoken.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { runCli } from '../../src/cli/main';

const root = path.resolve(__dirname, '../../..');
const STORIES_MODEL = path.resolve(root, '../shared/models/stories260K.gguf');
const STORY = path.join(root, 'prompts/continue-story.prompt');
const DIALOGUE = path.join(root, 'prompts/summarize-dialogue.prompt');
const LOCAL = ['--backend', 'local', '--model-path', STORIES_MODEL];

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } }, 'test');
  return { code, stdout, stderr };
}

interface ShownToken { index: number; id: number; text: string; part: string }

describe('prompt-lab tokens --show', function () {
  this.timeout(60000);

  it('lists every token of the local model\'s own tokenization, by part, and they read as the prompt', async () => {
    const { code, stdout } = await cli('tokens', STORY, '--show', '--model-path', STORIES_MODEL, '--json');
    assert.equal(code, 0);
    const report = JSON.parse(stdout) as { total: number; exact: boolean; tokens: ShownToken[] };
    assert.equal(report.exact, true);
    assert.equal(report.tokens.length, report.total);
    assert.deepEqual(report.tokens.map((token) => token.index), report.tokens.map((_, i) => i));
    assert.equal(report.tokens[0]!.part, 'overhead'); // BOS
    const text = report.tokens.map((token) => token.text).join('');
    assert.equal(text.trim(), 'Once upon a time, there was a little cat who lived in a big garden. Every day, the cat liked to play in the sun. One day,');
    // The cue is the last line; every other token of the text is content.
    const cue = report.tokens.filter((token) => token.part === 'cue').map((token) => token.text).join('');
    assert.ok(cue.trim().endsWith('One day,'), cue);
    assert.ok(report.tokens.filter((token) => token.part === 'content').length > 10);
    // The same count the local backend's prompt measure gives (BOS included).
    const { stdout: table } = await cli('tokens', STORY, '--show', '--model-path', STORIES_MODEL);
    assert.match(table, new RegExp(`total ${report.total} \\(`));
    assert.match(table, /^\s+0\s+1\s+overhead\s+$/m);
  });

  it('uses tiktoken for an OpenAI model, byte-level pieces for Vietnamese included', async () => {
    const { code, stdout } = await cli('tokens', DIALOGUE, '--show', '--json', '--input', 'dialogue=A: Chào bạn, khỏe không? B: Dạ, cảm ơn.');
    assert.equal(code, 0);
    const report = JSON.parse(stdout) as { tokenizer: string; total: number; tokens: ShownToken[] };
    assert.equal(report.tokenizer, 'o200k_base');
    assert.ok(report.total > report.tokens.length, 'message wrapping is counted but not listed');
    const parts = new Set(report.tokens.map((token) => token.part));
    for (const part of ['instruction', 'examples', 'content', 'cue', 'overhead']) assert.ok(parts.has(part), part);
    const content = report.tokens.filter((token) => token.part === 'content').map((token) => token.text).join('');
    assert.ok(content.includes('Chào bạn, khỏe không?'), content);
  });

  it('says what is wrong: a missing model file exits 1, naming --model-path as where the path came from', async () => {
    for (const show of [['--show'], []]) {
      const missing = await cli('tokens', STORY, ...show, '--model-path', '/nonexistent/model.gguf');
      assert.equal(missing.code, 1, missing.stderr);
      assert.match(missing.stderr, /the model file \/nonexistent\/model\.gguf \(from --model-path\): no such file/);
    }
  });
});

describe('prompt-lab next', function () {
  this.timeout(60000);

  it('gives the distribution before and after the sampler as JSON', async () => {
    const { code, stdout, stderr } = await cli('next', STORY, ...LOCAL, '--top', '10', '--temperature', '0.7', '--top-k', '5', '--top-p', '0.95', '--json');
    assert.equal(code, 0, stderr);
    const report = JSON.parse(stdout) as {
      tokens: { id: number; text: string; probability: number; afterSampler: number; cutBy?: string }[];
      rest: { count: number; probability: number; afterSampler: number }; exact: boolean; backend: string; model: string;
      settings: Record<string, number>; stages: { name: string; kept: number }[];
    };
    assert.equal(report.tokens.length, 10);
    assert.equal(report.exact, true);
    assert.equal(report.backend, 'local');
    assert.equal(report.model, 'stories260K');
    assert.deepEqual(report.settings, { temperature: 0.7, topK: 5, topP: 0.95, minP: 0 });
    const after = report.tokens.reduce((sum, token) => sum + token.afterSampler, 0) + report.rest.afterSampler;
    assert.ok(Math.abs(after - 1) < 1e-9);
    const before = report.tokens.reduce((sum, token) => sum + token.probability, 0) + report.rest.probability;
    assert.ok(Math.abs(before - 1) < 1e-4);
    assert.equal(report.rest.count, 512 - 10);
    for (const token of report.tokens.slice(5)) assert.deepEqual([token.afterSampler, token.cutBy], [0, 'top-k']);
    assert.equal(report.stages[0]!.name, 'top-k');
    assert.equal(report.stages.at(-1)!.name, 'temperature');
    // Lower temperature sharpens: the top token gains over its model probability.
    assert.ok(report.tokens[0]!.afterSampler > report.tokens[0]!.probability);
  });

  it('reads the prompt\'s config by default, --after moves the position, and --greedy keeps one token', async () => {
    const { stdout } = await cli('next', STORY, ...LOCAL, '--json');
    assert.deepEqual(JSON.parse(stdout).settings, { temperature: 0.8, topK: 0, topP: 0.9, minP: 0 }); // continue-story's config
    const later = JSON.parse((await cli('next', STORY, ...LOCAL, '--after', ' the cat', '--json')).stdout);
    assert.equal(later.position.after, ' the cat');
    assert.notEqual(later.tokens[0].id, JSON.parse(stdout).tokens[0].id);
    const greedy = JSON.parse((await cli('next', STORY, ...LOCAL, '--greedy', '--json')).stdout);
    assert.deepEqual(greedy.tokens.map((token: { afterSampler: number }) => token.afterSampler).filter((p: number) => p > 0), [1]);
  });

  it('prints a table with the cuts, and exits 2 on bad settings', async () => {
    const { code, stdout } = await cli('next', STORY, ...LOCAL, '--top', '8', '--min-p', '0.1');
    assert.equal(code, 0);
    assert.match(stdout, /cut by min-p/);
    assert.match(stdout, /\(rest\)\s+[\d.]+%\s+0\s+504 more tokens/);
    assert.match(stdout, /local\/stories260K · exact · 512 tokens · top-p 0\.9 → \d+ · min-p 0\.1 → \d+ · temperature 0\.8 → \d+/);
    for (const bad of [['--top-p', '2'], ['--top', '0'], ['--min-p', 'x'], ['--seed', '3']]) {
      const result = await cli('next', STORY, ...LOCAL, ...bad);
      assert.equal(result.code, 2, `${bad.join(' ')}: ${result.stderr}`);
    }
  });
});

describe('prompt-lab run --show-probabilities', function () {
  this.timeout(60000);

  it('prints each token followed by its probability, and the text is the same run\'s', async () => {
    const shown = await cli('run', STORY, ...LOCAL, '--seed', '5', '--max-tokens', '20', '--show-probabilities');
    assert.equal(shown.code, 0, shown.stderr);
    const plain = JSON.parse((await cli('run', STORY, ...LOCAL, '--seed', '5', '--max-tokens', '20', '--json')).stdout) as { text: string };
    const subscripts = shown.stdout.match(/[₀-₉]+/g) ?? [];
    assert.equal(subscripts.length, 20, shown.stdout);
    assert.equal(shown.stdout.replace(/[₀-₉]+/g, '').replace(/·/g, ' ').replace(/⏎/g, '').trimEnd(), plain.text.trimEnd());
    assert.match(shown.stderr, /probability in %/);
  });
});
