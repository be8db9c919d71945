// Token counting in src/core/tokens against published figures. Unless noted, token ids and counts
// are the outputs printed in OpenAI's cookbook, "How to count tokens with tiktoken"
// (github.com/openai/openai-cookbook, examples/How_to_count_tokens_with_tiktoken.ipynb, the version
// that compares r50k/p50k/cl100k/o200k, commit c81359cd).
import * as assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { promisify } from 'node:util';
import {
  chooseEncoding, countChatTokens, getTokenizer, openAiRole,
  type ChatMessageText, type EncodingName, type Tokenizer,
} from '../../src/core/tokens';
import { ranksCandidates, readRanks } from '../../src/core/tokens/tiktokenFiles';

const ENCODINGS: EncodingName[] = ['o200k_base', 'cl100k_base'];

describe('tokens: choosing the encoding', () => {
  const exact: [string, EncodingName][] = [
    ['openai/gpt-4o-mini', 'o200k_base'], ['azure-openai/gpt-4o', 'o200k_base'], ['gpt-4o-2024-08-06', 'o200k_base'],
    ['chatgpt-4o-latest', 'o200k_base'], ['openai/gpt-4.1-nano', 'o200k_base'], ['gpt-4.5-preview', 'o200k_base'],
    ['gpt-5', 'o200k_base'], ['gpt-5-mini', 'o200k_base'], ['gpt-5.1', 'o200k_base'], ['o1', 'o200k_base'],
    ['o1-mini', 'o200k_base'], ['openai/o3-mini', 'o200k_base'], ['o4-mini', 'o200k_base'], ['OpenAI/GPT-4o', 'o200k_base'],
    ['ft:gpt-4o-mini-2024-07-18:acme::abc123', 'o200k_base'],
    ['gpt-4', 'cl100k_base'], ['openai/gpt-4-0613', 'cl100k_base'], ['gpt-4-turbo', 'cl100k_base'], ['gpt-4-32k', 'cl100k_base'],
    ['gpt-3.5-turbo', 'cl100k_base'], ['gpt-3.5-turbo-instruct', 'cl100k_base'], ['azure-openai/gpt-35-turbo', 'cl100k_base'],
    ['text-embedding-ada-002', 'cl100k_base'], ['text-embedding-3-small', 'cl100k_base'], ['openai/text-embedding-3-large', 'cl100k_base'],
  ];
  for (const [model, encoding] of exact) {
    it(`${model} → ${encoding}, exact`, () => {
      const choice = chooseEncoding(model);
      assert.deepEqual([choice.encoding, choice.exact], [encoding, true]);
      assert.match(choice.reason, new RegExp(encoding));
      assert.doesNotMatch(choice.reason, /approximate/);
    });
  }

  const approximate = [undefined, '', 'local/stories260K', 'openai/llama3.1:8b', 'azure-openai/my-deployment',
    'claude-3-5-sonnet', 'gemini-1.5-pro', 'o10', 'o1x', 'gpt-4oo', 'gpt-40', 'gpt-50', 'text-embedding-3'];
  for (const model of approximate) {
    it(`${JSON.stringify(model)} → o200k_base, approximate, and says so`, () => {
      const choice = chooseEncoding(model);
      assert.deepEqual([choice.encoding, choice.exact], ['o200k_base', false]);
      assert.match(choice.reason, /approximate \(o200k_base\)/);
    });
  }

  it('names the model without its provider in the reason', () => {
    assert.match(chooseEncoding('local/stories260K').reason, /^stories260k is not an OpenAI model/);
    assert.match(chooseEncoding(undefined).reason, /^No model is set/);
  });
});

describe('tokens: tokenizer', function () {
  // Loading an encoding takes up to a second of CPU on these machines.
  this.timeout(60000);

  const published: { text: string; ids: Record<EncodingName, number[]> }[] = [
    { text: 'tiktoken is great!', ids: { o200k_base: [83, 8251, 2488, 382, 2212, 0], cl100k_base: [83, 1609, 5963, 374, 2294, 0] } },
    {
      text: 'antidisestablishmentarianism',
      ids: { o200k_base: [493, 129901, 376, 160388, 21203, 2367], cl100k_base: [519, 85342, 34500, 479, 8997, 2191] },
    },
    { text: '2 + 2 = 4', ids: { o200k_base: [17, 659, 220, 17, 314, 220, 19], cl100k_base: [17, 489, 220, 17, 284, 220, 19] } },
    {
      text: 'お誕生日おめでとう',
      ids: {
        o200k_base: [8930, 9697, 243, 128225, 8930, 17693, 4344, 48669],
        cl100k_base: [33334, 45918, 243, 21990, 9080, 33334, 62004, 16556, 78699],
      },
    },
  ];

  for (const encoding of ENCODINGS) {
    describe(encoding, () => {
      let tokenizer: Tokenizer;
      before(() => { tokenizer = getTokenizer(encoding); });

      it('encodes the cookbook examples to the published token ids', () => {
        assert.equal(tokenizer.encoding, encoding);
        for (const { text, ids } of published) {
          assert.deepEqual(Array.from(tokenizer.encode(text)), ids[encoding], text);
          assert.equal(tokenizer.count(text), ids[encoding].length, text);
        }
      });

      it('counts "hello world" as two tokens, "hello" and " world"', () => {
        assert.equal(tokenizer.count('hello world'), 2);
        assert.deepEqual(tokenizer.pieces('hello world'), ['hello', ' world']);
      });

      it('gives one piece per token, and the pieces join back into the text', () => {
        const texts = ['', 'hello world', '---\nmodel: openai/gpt-4o\n---\n{{role "system"}}Be brief.\n', 'naïve café 🧪 お誕生日おめでとう',
          '\uFEFFa file that starts with a BOM', 'tabs\tand\r\nCRLF\n\n\n'];
        for (const text of texts) {
          const pieces = tokenizer.pieces(text);
          assert.equal(pieces.length, tokenizer.count(text), text);
          assert.equal(pieces.join(''), text, text);
        }
      });

      it('counts special tokens typed in a prompt as ordinary text, without throwing', () => {
        const specialIds = new Set(Object.values(readRanks(encoding).special_tokens));
        assert.ok(specialIds.size >= 2);
        for (const text of ['<|endoftext|>', '<|endofprompt|>', '<|fim_prefix|>', '<|im_start|>']) {
          const ids = Array.from(tokenizer.encode(`Say ${text} twice: ${text}${text}`));
          assert.ok(!ids.some((id) => specialIds.has(id)), `${text} → ${ids.join(',')}`);
          assert.ok(tokenizer.count(text) > 1, text);
          assert.equal(tokenizer.pieces(text).join(''), text);
        }
      });

      it('counts lone surrogates as U+FFFD (what reaches the model) and binary junk without throwing', () => {
        assert.equal(tokenizer.count('a\uD800b'), tokenizer.count('a\uFFFDb'));
        assert.equal(tokenizer.pieces('x\uDFFF').join(''), 'x\uFFFD');
        const junk = Array.from({ length: 4096 }, (_, i) => String.fromCharCode((i * 7919) % 65536)).join('');
        assert.ok(tokenizer.count(junk) > 0);
        assert.equal(tokenizer.pieces(junk).length, tokenizer.count(junk));
        assert.equal(tokenizer.count('\u0000'), 1);
      });
    });
  }

  it('shows a character split across tokens with the token that completes it', () => {
    // The cookbook's token bytes for お誕生日おめでとう in cl100k_base: 誕 (e8 aa 95) is split into
    // b'\xe8\xaa' and b'\x95'; とう is one token.
    assert.deepEqual(getTokenizer('cl100k_base').pieces('お誕生日おめでとう'), ['お', '', '誕', '生', '日', 'お', 'め', 'で', 'とう']);
    // o200k_base: b'\xe7\x94\x9f\xe6\x97\xa5' is 生日 in one token.
    assert.deepEqual(getTokenizer('o200k_base').pieces('お誕生日おめでとう'), ['お', '', '誕', '生日', 'お', 'め', 'で', 'とう']);
    // The cookbook's token bytes for "tiktoken is great!".
    assert.deepEqual(getTokenizer('o200k_base').pieces('tiktoken is great!'), ['t', 'ikt', 'oken', ' is', ' great', '!']);
    assert.deepEqual(getTokenizer('cl100k_base').pieces('tiktoken is great!'), ['t', 'ik', 'token', ' is', ' great', '!']);
  });

  it('caches one tokenizer per encoding', () => {
    assert.equal(getTokenizer('o200k_base'), getTokenizer('o200k_base'));
    assert.equal(getTokenizer('cl100k_base'), getTokenizer('cl100k_base'));
    assert.notEqual(getTokenizer('o200k_base'), getTokenizer('cl100k_base'));
  });

  it('rejects an unknown encoding by name', () => {
    assert.throws(() => getTokenizer('p50k_base' as EncodingName), /unknown tiktoken encoding: p50k_base/);
  });

  it('reads an encoding\'s ranks on first use, never at import, and never loads tiktoken\'s WASM', async () => {
    const index = path.resolve(__dirname, '../../src/core/tokens/index.js');
    const script = `
      const fs = require('node:fs');
      const read = [];
      const readFileSync = fs.readFileSync;
      fs.readFileSync = (file, ...rest) => { const text = readFileSync(file, ...rest); if (String(file).includes('encoders')) read.push(require('node:path').basename(String(file))); return text; };
      const tiktoken = () => Object.keys(require.cache).filter((f) => f.includes(${JSON.stringify(path.join('node_modules', 'tiktoken'))})).length;
      const tokens = require(${JSON.stringify(index)});
      const before = [...read];
      const count = tokens.getTokenizer('cl100k_base').count('hello world');
      tokens.getTokenizer('cl100k_base').count('again');
      console.log(JSON.stringify({ before, after: read, count, tiktoken: tiktoken() }));`;
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', script]);
    assert.deepEqual(JSON.parse(stdout), { before: [], after: ['cl100k_base.json'], count: 2, tiktoken: 0 });
  });

  it('looks for the ranks beside the bundle first, then in node_modules above it', () => {
    const from = path.join(path.sep, 'ext', 'node_modules', 'pkg', 'dist');
    const file = path.join('tiktoken', 'encoders', 'cl100k_base.json');
    assert.deepEqual(ranksCandidates('cl100k_base', from), [
      path.join(from, 'encoders', 'cl100k_base.json'),
      path.join(from, 'node_modules', file),
      path.join(path.sep, 'ext', 'node_modules', 'pkg', 'node_modules', file),
      path.join(path.sep, 'ext', 'node_modules', file),
      path.join(path.sep, 'node_modules', file),
    ]);
  });
});

describe('tokens: chat messages', function () {
  this.timeout(60000);

  // The cookbook's example_messages; it prints 129 prompt tokens for gpt-3.5-turbo and gpt-4
  // (cl100k_base) and 124 for gpt-4o and gpt-4o-mini (o200k_base), by num_tokens_from_messages() and
  // by the OpenAI API alike.
  const example: ChatMessageText[] = [
    { role: 'system', content: 'You are a helpful, pattern-following assistant that translates corporate jargon into plain English.' },
    { role: 'system', name: 'example_user', content: 'New synergies will help drive top-line growth.' },
    { role: 'system', name: 'example_assistant', content: 'Things working well together will increase revenue.' },
    { role: 'system', name: 'example_user', content: "Let's circle back when we have more bandwidth to touch base on opportunities for increased leverage." },
    { role: 'system', name: 'example_assistant', content: "Let's talk later when we're less busy about how to do better." },
    { role: 'user', content: "This late pivot means we don't have time to boil the ocean for the client deliverable." },
  ];

  it('matches the cookbook: 129 tokens in cl100k_base, 124 in o200k_base', () => {
    assert.equal(countChatTokens(getTokenizer('cl100k_base'), example).total, 129);
    assert.equal(countChatTokens(getTokenizer('o200k_base'), example).total, 124);
  });

  it('adds 3 per message, the role, 1 + the name if any, and 3 to prime the reply', () => {
    const tokenizer = getTokenizer('o200k_base');
    // "user" is one token (its only piece is the word), "hello world" two: 3 + 1 + 2 per message.
    assert.deepEqual(tokenizer.pieces('user'), ['user']);
    assert.deepEqual(countChatTokens(tokenizer, [{ role: 'user', content: 'hello world' }]),
      { total: 9, overhead: 3, messages: [{ role: 'user', tokens: 6 }] });
    const named = countChatTokens(tokenizer, [{ role: 'user', name: 'example_user', content: 'hello world' }]);
    assert.equal(named.messages[0]!.tokens, 6 + 1 + tokenizer.count('example_user'));
    assert.deepEqual(countChatTokens(tokenizer, []), { total: 3, overhead: 3, messages: [] });
    const counted = countChatTokens(tokenizer, example);
    assert.equal(counted.total, counted.messages.reduce((sum, m) => sum + m.tokens, 0) + counted.overhead);
    assert.deepEqual(counted.messages.map((m) => m.role), example.map((m) => m.role));
  });

  it('counts Dotprompt\'s "model" role as OpenAI\'s "assistant", and keeps the Dotprompt name', () => {
    assert.equal(openAiRole('model'), 'assistant');
    for (const role of ['system', 'user', 'tool', 'assistant']) assert.equal(openAiRole(role), role);
    // A tokenizer that records what it is asked to count: one token per character.
    const asked: string[] = [];
    const spy: Tokenizer = {
      encoding: 'o200k_base',
      count: (text) => { asked.push(text); return text.length; },
      encode: () => new Uint32Array(),
      pieces: () => [],
      tokens: () => [],
    };
    const counted = countChatTokens(spy, [{ role: 'model', content: 'Hi.' }]);
    assert.deepEqual(asked.sort(), ['Hi.', 'assistant']);
    assert.deepEqual(counted, { total: 3 + 9 + 3 + 3, overhead: 3, messages: [{ role: 'model', tokens: 15 }] });
  });
});
