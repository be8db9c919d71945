// The prompt's tokens grouped by part (core/tokens/tokenGroups): one function feeds the CLI's
// `tokens --show` and the panel's token chips (through the real token worker), and both give the
// same groups with the same counts: with tiktoken on a Vietnamese dialogue (byte-level pieces) and
// with the local model's own tokenizer (stories260K).
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { LocalBackend } from '../../src/backends/local/localBackend';
import { DEFAULT_LOCAL_BACKEND } from '../../src/backends/backendConfig';
import { analyzePrompt } from '../../src/core/analyzePrompt';
import { countPromptTokens } from '../../src/core/promptTokens';
import { renderedPromptView } from '../../src/core/renderedPromptView';
import { chatTokenGroups, groupTokens, piecesInProcess, promptTokenGroups, type PromptTokenGroups } from '../../src/core/tokens/tokenGroups';
import { runCli } from '../../src/cli/main';
import { fileEnvironment } from '../../src/cli/fileEnvironment';
import { checkOptionsFor } from '../../src/cli/renderOptions';
import { TokenCountService } from '../../src/engine/tokens/tokenCountService';

const root = path.resolve(__dirname, '../../..');
const STORIES_MODEL = path.resolve(root, '../shared/models/stories260K.gguf');
const STORY = path.join(root, 'prompts/continue-story.prompt');
const DIALOGUE = path.join(root, 'prompts/summarize-dialogue.prompt');
const VIETNAMESE = 'A: Chào bạn, khỏe không? B: Dạ, cảm ơn. Hôm nay trời đẹp quá!';

async function cli(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(argv, { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } }, 'test');
  return { code, stdout, stderr };
}

interface CliGroups { total: number; groups: { part: string; count: number; tokens: number[] }[]; tokens: { index: number; id: number; text: string; part: string }[] }

const summary = (grouped: PromptTokenGroups) => grouped.groups.map((group) => ({ part: group.part, count: group.count, tokens: group.tokens.map((token) => token.index) }));

describe('prompt tokens grouped by part', function () {
  this.timeout(60000);

  it('groups in part order with counts that add up to the total; the unlisted wrapping counts as overhead', () => {
    const listed = [
      { index: 0, id: 9, text: 'user', part: 'overhead' as const },
      { index: 1, id: 1, text: 'Do', part: 'instruction' as const },
      { index: 2, id: 2, text: ' it', part: 'instruction' as const },
      { index: 3, id: 3, text: '\n', part: 'cue' as const },
      { index: 4, id: 4, text: 'x', part: 'content' as const },
    ];
    const grouped = groupTokens(listed, 12);
    assert.deepEqual(grouped.groups.map((g) => [g.part, g.count, g.tokens.map((t) => t.index)]), [['instruction', 2, [1, 2]], ['content', 1, [4]], ['cue', 1, [3]], ['overhead', 8, [0]]]);
    assert.equal(grouped.total, 12);
    assert.equal(grouped.unlisted, 7);
    assert.equal(groupTokens(listed).total, 5, 'without a total: the listed tokens');
    assert.equal(groupTokens(listed, 2).total, 5, 'a total below the listed count is never believed');
  });

  it('tiktoken, Vietnamese: the CLI and the panel (token worker) give the same groups and counts, and the panel\'s legend counts are the groups\'', async () => {
    const analyzed = await analyzePrompt(readFileSync(DIALOGUE, 'utf8'), fileEnvironment(DIALOGUE, []), { input: { dialogue: VIETNAMESE } }, checkOptionsFor(DIALOGUE));
    const { result, parts } = analyzed;
    const report = await countPromptTokens(result.model, result.text, parts);
    const core = await chatTokenGroups(piecesInProcess, report.tokenizer, result.text, parts, report.total);
    // The panel's way: pieces from the real worker thread.
    const service = new TokenCountService({ workerPath: path.join(root, 'out/src/engine/tokens/tokenWorker.js') });
    let panel: PromptTokenGroups;
    try {
      panel = await chatTokenGroups((encoding, texts) => service.pieces({ encoding, texts }), report.tokenizer, result.text, parts, report.total);
    } finally {
      service.dispose();
    }
    assert.deepEqual(summary(panel), summary(core));
    assert.deepEqual(panel.groups.flatMap((g) => g.tokens), core.groups.flatMap((g) => g.tokens));
    assert.deepEqual(core.groups.map((g) => g.part), ['instruction', 'examples', 'content', 'cue', 'overhead']);
    assert.equal(core.total, report.total);
    assert.equal(core.groups.reduce((n, g) => n + g.count, 0), report.total);

    const { code, stdout, stderr } = await cli('tokens', DIALOGUE, '--show', '--json', '--input', `dialogue=${VIETNAMESE}`);
    assert.equal(code, 0, stderr);
    const shown = JSON.parse(stdout) as CliGroups;
    assert.deepEqual(shown.groups, summary(core));
    assert.equal(shown.total, report.total);

    const view = renderedPromptView(result.text, parts, report, undefined, panel);
    assert.deepEqual(view.parts.map((p) => [p.name, p.tokens]), core.groups.filter((g) => g.part !== 'overhead').map((g) => [g.part, g.count]));
    assert.equal(view.overhead, core.groups.at(-1)!.count);
    assert.deepEqual(view.tokens!.groups.map((g) => [g.part, g.count, g.tokens.length]), core.groups.map((g) => [g.part, g.count, g.tokens.length]));

    // The Vietnamese shows as its byte-level tokens: the content's pieces read back as the text, and
    // its accented words take more tokens than words.
    const content = core.groups.find((g) => g.part === 'content')!.tokens;
    const contentText = content.map((t) => t.text).join('');
    assert.ok(contentText.includes('Chào bạn, khỏe không?'), contentText);
    const words = VIETNAMESE.split(/\s+/).length;
    assert.ok(content.length > words, `${content.length} tokens for ${words} words`);
    const table = await cli('tokens', DIALOGUE, '--show', '--input', `dialogue=${VIETNAMESE}`);
    for (const group of core.groups) assert.match(table.stdout, new RegExp(`^${group.part === 'overhead' ? 'message overhead' : group.part}: ${group.count} tokens?`, 'm'));
  });

  it('the local model\'s own tokenizer: the CLI\'s groups are the core\'s, bytes of Vietnamese included', async () => {
    const input = `Once upon a time, ${VIETNAMESE}`;
    const analyzed = await analyzePrompt(readFileSync(STORY, 'utf8'), fileEnvironment(STORY, []), {}, checkOptionsFor(STORY));
    const backend = new LocalBackend({ ...DEFAULT_LOCAL_BACKEND, modelPath: STORIES_MODEL });
    let core: PromptTokenGroups;
    let vietnamese: { id: number; text: string }[];
    try {
      const { tokens } = await backend.tokenizePrompt(analyzed.result.text);
      core = promptTokenGroups(tokens, analyzed.result.text, analyzed.parts);
      vietnamese = (await backend.tokenizePrompt([{ role: 'user', content: input }])).tokens;
    } finally {
      await backend.dispose();
    }
    const { code, stdout, stderr } = await cli('tokens', STORY, '--show', '--json', '--model-path', STORIES_MODEL);
    assert.equal(code, 0, stderr);
    const shown = JSON.parse(stdout) as CliGroups;
    assert.deepEqual(shown.groups, summary(core));
    assert.equal(shown.total, core.total);
    assert.equal(core.unlisted, 0, 'a local tokenizer lists every token');
    assert.deepEqual(core.groups.map((g) => g.part).filter((p) => p !== 'examples' && p !== 'instruction'), ['content', 'cue', 'overhead']);
    // stories260K knows no Vietnamese: its characters come as byte tokens, more tokens than characters' worth of words.
    const grouped = promptTokenGroups(vietnamese, [{ role: 'user', content: input }], []);
    assert.equal(grouped.total, vietnamese.length);
    assert.ok(vietnamese.length > input.length / 2, `${vietnamese.length} tokens for ${input.length} characters`);
  });
});
