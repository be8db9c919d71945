// The panel's token chips for a prompt that runs on a local model come from that model's own
// tokenizer (through the model process, as the extension asks it), not tiktoken: the groups add up
// to the model's own count of the rendered prompt, and text the vocabulary does not know (Vietnamese
// on stories260K) splits into byte-level tokens whose chips carry their bytes. tiktoken's chips carry
// the bytes of a split character the same way. Real model (stories260K, one thread), real tiktoken.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEFAULT_LOCAL_BACKEND } from '../../src/backends/backendConfig';
import { LocalBackend } from '../../src/backends/local/localBackend';
import { splitTokenBytes, tokenBytes, vocabularyOf } from '../../src/backends/local/vocabularyBytes';
import { runCli } from '../../src/cli/main';
import { fileEnvironment } from '../../src/cli/fileEnvironment';
import { checkOptionsFor } from '../../src/cli/renderOptions';
import { analyzePrompt } from '../../src/core/analyzePrompt';
import { countPromptTokens } from '../../src/core/promptTokens';
import { renderedPromptView } from '../../src/core/renderedPromptView';
import { getTokenizer } from '../../src/core/tokens';
import { byteText, splitCharacterBytes } from '../../src/core/tokens/tokenBytes';
import { promptTokenGroups } from '../../src/core/tokens/tokenGroups';
import type { TokenPiece } from '../../src/core/tokens/tokenList';
import { localTokenizerName } from '../../src/extension/language/localTokenizer';
import { writeWithChatTemplate } from '../support/ggufChatTemplate';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

const root = path.resolve(__dirname, '../../..');
const STORIES_MODEL = path.join(root, 'models/stories260K.gguf');
const DIALOGUE = path.join(root, 'prompts/summarize-dialogue.prompt');
const VIETNAMESE = 'A: Chào bạn, khỏe không?\nB: Dạ, cảm ơn. Hôm nay trời đẹp quá!';

/** The characters that byte-level tokens complete, checked against the tokens' own bytes: fed
 * through a strict streaming decoder, each byte token's bytes give exactly its text in place (''
 * while a character is still open), and no token without bytes comes while one is open. */
function splitCharacters(tokens: readonly TokenPiece[]): string[] {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const completed: string[] = [];
  for (const token of tokens) {
    if (!token.bytes) {
      assert.equal(decoder.decode(), '', `no character is open before ${JSON.stringify(token.text)}`);
      continue;
    }
    assert.equal(decoder.decode(Uint8Array.from(token.bytes), { stream: true }), token.text, 'the bytes read as the text shown in place');
    if (token.text !== '') completed.push(token.text);
  }
  assert.equal(decoder.decode(), '', 'no character is left open');
  return completed;
}

/** The non-ASCII characters of `text`, in order. */
const nonAscii = (text: string): string[] => [...text].filter((char) => char.charCodeAt(0) > 0x7f);

describe('the token chips of a local prompt: the local model\'s own tokenizer', function () {
  this.timeout(120000);
  let backend: LocalBackend;

  before(() => {
    backend = new LocalBackend({ ...DEFAULT_LOCAL_BACKEND, modelPath: STORIES_MODEL, threads: 1 });
  });
  after(async () => {
    await backend.dispose();
  });

  it('groups the model\'s tokens by part with counts that add up to the model\'s own count of the rendered prompt, labelled with its tokenizer', async () => {
    const analyzed = await analyzePrompt(readFileSync(DIALOGUE, 'utf8'), fileEnvironment(DIALOGUE, []), { input: { dialogue: VIETNAMESE } }, checkOptionsFor(DIALOGUE));
    const { result, parts } = analyzed;
    // What the extension does for the panel (PromptTokenCounts.localView): tokenize through the model
    // process, group with core's one function, draw with the model's tokenizer named.
    const { tokens, mode } = await backend.tokenizePrompt(result.text);
    const grouped = promptTokenGroups(tokens, result.text, parts);
    const measured = await backend.measurePrompt(result.text);
    assert.equal(mode, 'completion', 'stories260K has no chat template');
    assert.equal(grouped.total, measured.promptTokens, 'the chips\' total is the model\'s own count of the prompt a run sends');
    assert.equal(grouped.groups.reduce((sum, group) => sum + group.count, 0), measured.promptTokens);
    assert.equal(grouped.unlisted, 0, 'every token is listed');
    assert.deepEqual(grouped.groups.map((group) => group.part), ['instruction', 'examples', 'content', 'cue', 'overhead']);
    assert.equal(grouped.groups.at(-1)!.tokens[0]!.index, 0, 'the BOS token is overhead');

    const report = await countPromptTokens(result.model, result.text, parts);
    const tokenizer = localTokenizerName(STORIES_MODEL);
    assert.equal(tokenizer, 'stories260K tokenizer');
    const view = renderedPromptView(result.text, parts, { ...report, tokenizer, exact: true }, undefined, grouped);
    assert.equal(view.total, measured.promptTokens);
    assert.notEqual(view.total, report.total, `tiktoken's ${report.total} is another count: the view must not show it`);
    assert.equal(view.tokenizer, 'stories260K tokenizer');
    assert.equal(view.exact, true);
    assert.equal(view.tokens!.tokenizer, 'stories260K tokenizer');
    assert.equal(view.tokens!.note, undefined);
    assert.equal(view.parts.reduce((sum, part) => sum + part.tokens, 0) + view.overhead, measured.promptTokens, 'the legend\'s counts are the chips\'');

    // The content's Vietnamese reaches the chips as its byte-level tokens, bytes included.
    const content = view.tokens!.groups.find((group) => group.part === 'content')!.tokens;
    assert.deepEqual(splitCharacters(content), nonAscii(VIETNAMESE));
    assert.ok(content.some((token) => token.bytes !== undefined && token.text === ''), 'a chip of a character\'s first bytes');
  });

  it('splits Vietnamese into byte-level tokens: each accented character is its UTF-8 bytes, one token each', async () => {
    const { tokens } = await backend.tokenizePrompt([{ role: 'user', content: 'bạn khỏe' }]);
    const byteTokens = tokens.filter((token) => token.bytes);
    // ạ is E1 BA A1, ỏ is E1 BB 8F: three byte tokens each (stories260K has no merges for them).
    assert.deepEqual(byteTokens.map((token) => token.bytes), [[0xe1], [0xba], [0xa1], [0xe1], [0xbb], [0x8f]]);
    assert.deepEqual(byteTokens.map((token) => token.text), ['', '', 'ạ', '', '', 'ỏ']);
    assert.equal(byteText(byteTokens[0]!.bytes!), '<0xE1>');
    assert.deepEqual(splitCharacters(tokens), ['ạ', 'ỏ']);
    assert.equal(tokens.map((token) => token.text).join(''), 'bạn khỏe', 'the texts in place read as the prompt');
    // ASCII words are whole tokens with no bytes of their own.
    assert.ok(tokens.filter((token) => /^[ a-z]+$/.test(token.text)).every((token) => token.bytes === undefined));
  });

  it('a model with a chat template: the template\'s markers are overhead, the messages\' text keeps its parts and bytes', async () => {
    const scratch = mkdtempSync(path.join(tmpdir(), 'prompt-lab-chips-'));
    const chatModel = path.join(scratch, 'stories260K-chat.gguf');
    writeWithChatTemplate(STORIES_MODEL, chatModel, "{% for message in messages %}{{ '<<' + message['role'] + '>> ' + message['content'] + '\\n' }}{% endfor %}{% if add_generation_prompt %}{{ '<<assistant>>' }}{% endif %}");
    const chat = new LocalBackend({ ...DEFAULT_LOCAL_BACKEND, modelPath: chatModel, threads: 1 });
    try {
      const analyzed = await analyzePrompt(readFileSync(DIALOGUE, 'utf8'), fileEnvironment(DIALOGUE, []), { input: { dialogue: VIETNAMESE } }, checkOptionsFor(DIALOGUE));
      const { result, parts } = analyzed;
      const { tokens, mode } = await chat.tokenizePrompt(result.text);
      assert.equal(mode, 'chat');
      const grouped = promptTokenGroups(tokens, result.text, parts);
      assert.equal(grouped.total, (await chat.measurePrompt(result.text)).promptTokens);
      const overhead = grouped.groups.find((group) => group.part === 'overhead')!.tokens.map((token) => token.text).join('');
      for (const marker of ['<<system>>', '<<user>>', '<<assistant>>']) assert.ok(overhead.replace(/\s/g, '').includes(marker), `${marker} in the overhead: ${overhead}`);
      const content = grouped.groups.find((group) => group.part === 'content')!.tokens;
      assert.deepEqual(splitCharacters(content), nonAscii(VIETNAMESE));
    } finally {
      await chat.dispose();
      rmSync(scratch, { recursive: true, force: true });
    }
  });

  it('`prompt-lab tokens --show --model-path` shows the same byte tokens as <0x..> chips', async () => {
    let stdout = '';
    let stderr = '';
    const code = await runCli(['tokens', DIALOGUE, '--show', '--model-path', STORIES_MODEL, '--input', `dialogue=${VIETNAMESE}`],
      { stdout: (t) => { stdout += t; }, stderr: (t) => { stderr += t; } }, 'test');
    assert.equal(code, 0, stderr);
    assert.match(stdout, /content +<0xE1>$/m);
    assert.match(stdout, /content +<0xA1> → ạ$/m);
    assert.match(stdout, /\(.*stories260K\.gguf/);
  });
});

describe('token bytes', () => {
  it('tiktoken: a character split over tokens carries its bytes; whole characters carry none', () => {
    for (const encoding of ['o200k_base', 'cl100k_base'] as const) {
      const text = 'お誕生日おめでとう, Chào bạn 🦜';
      const tokens = getTokenizer(encoding).tokens(text);
      assert.equal(tokens.map((token) => token.text).join(''), text);
      const split = splitCharacters(tokens);
      assert.ok(split.length > 0, `${encoding} splits some character of ${text}`);
      for (const char of split) assert.ok(text.includes(char));
    }
    // cl100k_base splits 誕 (E8 AA 95) over two tokens: E8 AA, then 95.
    const tokens = getTokenizer('cl100k_base').tokens('お誕生日');
    assert.deepEqual(tokens.map((token) => [token.text, token.bytes]), [['お', undefined], ['', [0xe8, 0xaa]], ['誕', [0x95]], ['生', undefined], ['日', undefined]]);
  });

  it('reads a GGUF vocabulary\'s spelling of bytes: SentencePiece\'s <0xE1> and ▁, byte-level BPE\'s printable map', () => {
    const spm = vocabularyOf({ tokenizer: { ggml: { model: 'llama', tokens: ['<0xE1>', '▁the', 'ạ'] } } })!;
    assert.deepEqual(tokenBytes(spm, 0), Uint8Array.of(0xe1));
    assert.deepEqual(tokenBytes(spm, 1), new TextEncoder().encode(' the'));
    assert.deepEqual(splitTokenBytes(spm, 0), [0xe1]);
    assert.equal(splitTokenBytes(spm, 1), undefined, 'whole characters carry no bytes');
    assert.equal(splitTokenBytes(spm, 2), undefined);
    assert.equal(splitTokenBytes(spm, 99), undefined, 'an id outside the vocabulary');
    // GPT-2's table: Ġ is the space, Ã is 0xC3 itself, ¡ is 0xA1; "Ãł" is C3 A0 (à).
    const bpe = vocabularyOf({ tokenizer: { ggml: { model: 'gpt2', tokens: ['Ġthe', 'Ã', 'Ãł', '<|im_start|>', '▁x'] } } })!;
    assert.deepEqual(tokenBytes(bpe, 0), new TextEncoder().encode(' the'));
    assert.deepEqual(splitTokenBytes(bpe, 1), [0xc3]);
    assert.equal(splitTokenBytes(bpe, 2), undefined, 'C3 A0 is à, whole');
    assert.equal(new TextDecoder().decode(tokenBytes(bpe, 2)), 'à');
    assert.deepEqual(tokenBytes(bpe, 3), new TextEncoder().encode('<|im_start|>'), 'printable ASCII stands for itself');
    assert.equal(tokenBytes(bpe, 4), undefined, 'a character outside the byte map: spelled some other way, not read as bytes');
    assert.equal(vocabularyOf({ tokenizer: {} }), undefined);
    assert.equal(splitCharacterBytes(new TextEncoder().encode('🦜')), undefined);
    assert.deepEqual(splitCharacterBytes(Uint8Array.of(0xf0, 0x9f)), [0xf0, 0x9f]);
  });
});
