import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { getTokenizer, type EncodingName } from '../../src/core/tokens';
import { chunkedCounter, splitForCounting } from '../../src/core/tokens/chunkedCount';

const root = path.resolve(__dirname, '../../..');

/** Deterministic texts full of what could trip a cut: code, paths, punctuation runs, CRLF, spaces. */
function awkwardText(seed: number, length: number): string {
  const pieces = ['\n', '\r\n', '\n\n', ' ', '  ', '\t', '/', '//', '/* c */', '!!', '?\n', '...', '—', '```', 'def f(x):\n    return x', 'https://example.com/a/b',
    'Hello', 'world', "don't", '123', '4567', '€', 'naïve', '日本語', '🙂', '\n/', '\n ', '\n\t', '\n!', '\n1', 'A', 'z'];
  let state = seed;
  const next = () => (state = (state * 1103515245 + 12345) % 2147483648) / 2147483648;
  let text = '';
  while (text.length < length) text += pieces[Math.floor(next() * pieces.length)];
  return text;
}

describe('chunked token counting', () => {
  const library = readdirSync(path.join(root, 'prompts')).filter((f) => f.endsWith('.prompt')).map((f) => readFileSync(path.join(root, 'prompts', f), 'utf8'));
  const texts = [...library, library.join('\n'), ...Array.from({ length: 40 }, (_, seed) => awkwardText(seed + 1, 6000))];

  for (const encoding of ['o200k_base', 'cl100k_base'] as EncodingName[]) {
    it(`adds up to the whole text's count exactly (${encoding})`, () => {
      const tokenizer = getTokenizer(encoding);
      let cuts = 0;
      for (const text of texts) {
        const chunks = splitForCounting(text);
        assert.equal(chunks.join(''), text);
        cuts += chunks.length - 1;
        assert.equal(chunks.reduce((sum, chunk) => sum + tokenizer.count(chunk), 0), tokenizer.count(text));
      }
      assert.ok(cuts > 100, `only ${cuts} cuts: the test would prove little`);
    });
  }

  it('never cuts before whitespace or a slash', () => {
    for (const text of texts) {
      for (const chunk of splitForCounting(text).slice(1)) assert.match(chunk, /^[^\s/]/);
    }
  });

  it('counts again only the chunks an edit touched', async () => {
    const tokenizer = getTokenizer('o200k_base');
    const asked: string[][] = [];
    const count = chunkedCounter(async (batch) => { asked.push(batch); return batch.map((text) => tokenizer.count(text)); });
    const text = library.join('\n');
    assert.deepEqual(await count([text]), [tokenizer.count(text)]);
    const edited = text.replace('Summary:', 'Summary (one sentence):');
    assert.deepEqual(await count([edited]), [tokenizer.count(edited)]);
    // The touched chunk, and at most a couple after it while the cuts fall back into step.
    assert.ok(asked[1]!.length <= 3, `${asked[1]!.length} chunks recounted`);
    assert.ok(asked[0]!.length > 10, `${asked[0]!.length} chunks at first`);
  });
});
