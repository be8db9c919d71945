// Prompt Lab's tokenizer (src/core/tokens/bpeEncoder.ts over bpeTable.ts) against tiktoken's own
// WASM, the reference: the same token ids, id for id, for the repository's prompts and docs, many
// scripts, white space and surrogate edge cases, seeded random text, and every code point of the
// planes that hold assigned characters.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { Tiktoken } from 'tiktoken/lite';
import { getTokenizer, type EncodingName } from '../../src/core/tokens';
import { BpeEncoder, TIKTOKEN_PATTERNS } from '../../src/core/tokens/bpeEncoder';
import { bpeTableOf, tableFromBytes } from '../../src/core/tokens/bpeTable';
import { loadBpeTable, readRanks, tableFile } from '../../src/core/tokens/tiktokenFiles';
import { seededRandom } from '../support/seededRandom';

const root = path.resolve(__dirname, '../../..');
const ENCODINGS: EncodingName[] = ['o200k_base', 'cl100k_base'];

/** Texts a prompt engineer's files hold: the repository's prompts, docs and some of its code. */
function corpus(): string[] {
  const files = [
    ...readdirSync(path.join(root, 'prompts')).filter((f) => f.endsWith('.prompt')).map((f) => path.join('prompts', f)),
    'README.md', 'CHANGELOG.md', 'src/core/tokens/bpeEncoder.ts', 'src/cli/commands/compare.ts', 'webview/src/main.ts',
  ];
  return files.map((file) => readFileSync(path.join(root, file), 'utf8'));
}

const SAMPLES = [
  '', ' ', 'hello world', "I'm sure they'll say it's THEIR'S, we've, you'd, I'M, HE'LL, 'S, x'ſ y'Ll",
  'Ünïcödé: 日本語のテキスト、한국어, Ελληνικά, русский язык, עברית, العربية, हिन्दी, ไทย, ქართული, Ἀθῆναι',
  'Emoji: 🎉👩‍👩‍👧‍👦 🇫🇷 👍🏽 ❤️ and symbols ∑∫√≈ ™ © ° § ¶ • … — – « » „ “ ”',
  'Digits: 1234567 ١٢٣٤ ١٢ ０１２３ ⅠⅡⅢ ½ ² 3.14159 1,000,000 0x1F',
  'Marks: é (e\u0301) ñ (n\u0303) ǅ Dž ʰ ꜰ a\u20dd, Lt ᾈ, Lm ʰʲ, Lo 中文 ก',
  'White space: a\u0085b\u00a0c\u1680d\u2000e\u200af\u2028g\u2029h\u202fi\u205fj\u3000k\ufeffl\tm\vn\fo\r\np \n\n\n  q   \t\t r',
  'Lone surrogates: \ud800 x \udc00 y \ud83d',
  '<|endoftext|> <|endofprompt|> <|fim_prefix|> are ordinary text here',
  'CRLF\r\nlines\r\n\r\n// comment\n/* block */ path/to/file.ts:12:34 https://example.com/a?b=c&d=e#f',
  '    indented code {\n\t\treturn x => x * 2;\n    }\n',
  'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
  // Runs under 256 characters: getTokenizer cuts longer runs without white space (tokenizer.ts).
  '.'.repeat(250), ' '.repeat(100), '\n'.repeat(50), 'xyz'.repeat(80),
];


/** Text drawn from runs that stress the pre-tokenizer: letters of several cases and scripts, marks,
 * digits, apostrophes, white space of every kind, punctuation, emoji and lone surrogates. */
function randomTexts(count: number, seed: number): string[] {
  const next = seededRandom(seed);
  const alphabet = [
    'a', 'b', 'Z', 'Q', 'é', 'ß', 'İ', 'ǅ', 'ʰ', 'ſ', 'σ', 'Ω', 'ж', 'Я', '中', 'の', 'ア', '한', 'ع', 'ה', 'क', '\u0301', '\u093f',
    '0', '7', '٣', '５', 'Ⅳ', '½', "'", "'s", "'LL", "'d", ' ', '  ', '\t', '\n', '\r\n', '\u00a0', '\u3000', '\u2028', '\u0085', '\ufeff',
    '.', ',', '!', '/', '//', '-', '_', '(', '{', '"', '#', '@', '€', '😀', '👩‍💻', '\ud800', '\udfff', 'the', ' and', 'ing',
  ];
  return Array.from({ length: count }, () => {
    let text = '';
    const length = 1 + Math.floor(next() * 40);
    for (let i = 0; i < length; i++) text += alphabet[Math.floor(next() * alphabet.length)];
    return text;
  });
}

describe('tokens: Prompt Lab\'s encoder against tiktoken', function () {
  this.timeout(120000);

  const reference = new Map<EncodingName, Tiktoken>();
  const ours = new Map<EncodingName, BpeEncoder>();
  before(() => {
    for (const encoding of ENCODINGS) {
      const ranks = readRanks(encoding);
      reference.set(encoding, new Tiktoken(ranks.bpe_ranks, ranks.special_tokens, ranks.pat_str));
      ours.set(encoding, new BpeEncoder(encoding, loadBpeTable(encoding)));
    }
  });
  after(() => { for (const tiktoken of reference.values()) tiktoken.free(); });

  const same = (encoding: EncodingName, text: string) => {
    const expected = Array.from(reference.get(encoding)!.encode_ordinary(text));
    assert.deepEqual(ours.get(encoding)!.encode(text), expected, `${encoding}: ${JSON.stringify(text.slice(0, 80))}`);
    return expected.length;
  };

  for (const encoding of ENCODINGS) {
    it(`${encoding}: the same ids for the repository's prompts, docs and code, and for edge cases`, () => {
      let tokens = 0;
      for (const text of [...corpus(), ...SAMPLES]) tokens += same(encoding, text);
      assert.ok(tokens > 10000, `${tokens} tokens compared`);
    });

    it(`${encoding}: the same ids for 3,000 seeded random texts`, () => {
      for (const text of randomTexts(3000, encoding === 'o200k_base' ? 1 : 2)) same(encoding, text);
    });

    it(`${encoding}: the same ids around every code point of planes 0-3 and 14`, () => {
      // Each code point in contexts where being a letter, a mark or a number changes the tokens (a
      // contraction joins a letter's piece; a number takes digits along), 64 code points per text.
      let compared = 0;
      for (const plane of [0, 1, 2, 3, 14]) {
        for (let block = plane * 0x10000; block < (plane + 1) * 0x10000; block += 64) {
          let text = '';
          for (let cp = block; cp < block + 64; cp++) {
            if (cp >= 0xd800 && cp <= 0xdfff) continue;
            const c = String.fromCodePoint(cp);
            text += `1${c}'s ${c}123 `;
            compared++;
          }
          same(encoding, text);
        }
      }
      assert.equal(compared, 5 * 0x10000 - 2048);
    });

    it(`${encoding}: getTokenizer counts as tiktoken does`, () => {
      const tokenizer = getTokenizer(encoding);
      for (const text of SAMPLES) assert.equal(tokenizer.count(text), reference.get(encoding)!.encode_ordinary(text).length, JSON.stringify(text));
      assert.equal(tokenizer.pieces('I\'m fine 🎉').join(''), 'I\'m fine 🎉');
    });

    it(`${encoding}: the table esbuild.mjs writes beside the bundles (dist/encoders) encodes as tiktoken does`, function () {
      const dist = path.join(root, 'dist');
      if (!existsSync(tableFile(encoding, dist))) this.skip(); // not built: `npm test` builds first
      const bundled = new BpeEncoder(encoding, loadBpeTable(encoding, dist));
      for (const text of [...corpus(), ...SAMPLES, ...randomTexts(300, 3)]) {
        assert.deepEqual(bundled.encode(text), Array.from(reference.get(encoding)!.encode_ordinary(text)), JSON.stringify(text.slice(0, 80)));
      }
    });

    it(`${encoding}: the ranks file splits text with the pattern the encoder implements`, () => {
      assert.equal(readRanks(encoding).pat_str, TIKTOKEN_PATTERNS[encoding]);
    });
  }
});

describe('tokens: the ranks table', () => {
  const encode = (bytes: number[]) => Buffer.from(bytes).toString('base64');

  it('reads both forms of tiktoken\'s ranks text, and gives each token\'s bytes back', () => {
    const compact = bpeTableOf(`! 0 ${encode([97])} ${encode([98])} ${encode([97, 98])}\n! 5 ${encode([0xe2, 0x82])}`);
    const lines = bpeTableOf(`${encode([97])} 0\n${encode([98])} 1\n${encode([97, 98])} 2\n${encode([0xe2, 0x82])} 5\n`);
    for (const table of [compact, lines]) {
      assert.equal(table.size, 4);
      const bytes = new Uint8Array([120, 97, 98, 0xe2, 0x82]);
      assert.deepEqual([table.rank(bytes, 1, 2), table.rank(bytes, 2, 3), table.rank(bytes, 1, 3), table.rank(bytes, 3, 5), table.rank(bytes, 0, 1), table.rank(bytes, 0, 2)], [0, 1, 2, 5, -1, -1]);
      assert.deepEqual([...table.bytesOf(2)], [97, 98]);
      assert.deepEqual([...table.bytesOf(3)], [], 'an id no token has');
      assert.deepEqual([...table.bytesOf(99)], []);
    }
  });

  it('refuses a malformed ranks text, saying what is wrong', () => {
    assert.throws(() => bpeTableOf('YQ== 0\nYQ== 1'), /ids 0 and 1 have the same bytes/);
    assert.throws(() => bpeTableOf('YQ== 0\nYg== 0'), /id 0 is given twice/);
    assert.throws(() => bpeTableOf('Y*== 0'), /not base64 at character 2/);
    assert.throws(() => bpeTableOf('YQ==\n'), /token id is missing/);
    assert.throws(() => bpeTableOf('YQ== 0 1'), /more than a token and its id/);
  });

  it('reads back what it writes, and refuses bytes that are not a table', () => {
    const table = bpeTableOf(`! 0 ${encode([97])} ${encode([98])} ${encode([97, 98])}`);
    const bytes = table.toBytes();
    // At an odd offset, as a Buffer from Node's pool may be: copied to read it.
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    for (const copy of [tableFromBytes(bytes), tableFromBytes(shifted.subarray(1))]) {
      assert.equal(copy.size, 3);
      assert.equal(copy.rank(new Uint8Array([97, 98]), 0, 2), 2);
      assert.deepEqual([...copy.bytesOf(1)], [98]);
    }
    assert.throws(() => tableFromBytes(bytes.subarray(0, 10)), /not a Prompt Lab token table \(too short\)/);
    assert.throws(() => tableFromBytes(bytes.subarray(0, bytes.length - 1)), /lengths do not add up/);
    const other = bytes.slice();
    other[4] = 9;
    assert.throws(() => tableFromBytes(other), /format 9/);
    assert.throws(() => tableFromBytes(new Uint8Array(64)), /format unknown/);
    // A damaged file whose hash slots are all taken: a lookup ends after one pass, never hangs.
    const damaged = bytes.slice();
    new Uint32Array(damaged.buffer, 24 + 4 * 4, 8).fill(1);
    assert.equal(tableFromBytes(damaged).rank(new Uint8Array([97]), 0, 1), 0);
    assert.equal(tableFromBytes(damaged).rank(new Uint8Array([122]), 0, 1), -1);
  });

  it('loads o200k_base whole: 199,998 tokens, every one found by its own bytes', () => {
    const table = loadBpeTable('o200k_base');
    assert.equal(table.size, 199998);
    for (let id = 0; id < table.size; id += 997) {
      const bytes = table.bytesOf(id);
      assert.equal(table.rank(bytes, 0, bytes.length), id);
    }
  });
});
