// The word diff of the comparison's diff mode (webview/src/wordDiff.ts): pure, so it runs in Node.
import * as assert from 'node:assert/strict';
import { tokenizeWords, wordDiff, type WordDiff } from '../../webview/src/wordDiff';

/** The `after` text, rebuilt from the parts that belong to it. */
const after = (diff: WordDiff) => diff.parts.filter((part) => part.kind !== 'delete').map((part) => part.text).join('');
const marked = (diff: WordDiff) => diff.parts.map((part) => (part.kind === 'same' ? part.text : part.kind === 'insert' ? `{+${part.text}}` : `[-${part.text}]`)).join('');

describe('wordDiff (pure)', () => {
  it('splits text into words and whitespace that join back into the text', () => {
    const text = '  Once upon\ta time,\n\nthere was  ';
    assert.deepEqual(tokenizeWords(text), ['  ', 'Once', ' ', 'upon', '\t', 'a', ' ', 'time,', '\n\n', 'there', ' ', 'was', '  ']);
    assert.equal(tokenizeWords(text).join(''), text);
    assert.deepEqual(tokenizeWords(''), []);
  });

  it('finds nothing to mark in equal texts', () => {
    const diff = wordDiff('the cat sat', 'the cat sat');
    assert.deepEqual(diff, { parts: [{ kind: 'same', text: 'the cat sat' }], inserted: 0, deleted: 0, simplified: false });
  });

  it('marks a replaced word as deleted then inserted, and added and removed words', () => {
    assert.equal(marked(wordDiff('the cat sat on the mat', 'the dog sat on the mat')), 'the [-cat ]{+dog }sat on the mat');
    assert.equal(marked(wordDiff('a b c', 'a x b c y')), 'a {+x }b c {+y}');
    const removed = wordDiff('one two three four', 'one four');
    assert.equal(marked(removed), 'one [-two three ]four');
    assert.deepEqual([removed.inserted, removed.deleted], [0, 2]);
  });

  it('aligns on the longest common run of words, not on the first match', () => {
    const diff = wordDiff('x a b c d', 'a b c d x');
    assert.equal(marked(diff), '[-x ]a b c d {+x}');
    assert.deepEqual([diff.inserted, diff.deleted], [1, 1]);
  });

  it('compares words, not the whitespace between them', () => {
    const diff = wordDiff('one two\nthree', 'one  two three');
    assert.deepEqual([diff.inserted, diff.deleted], [0, 0]);
    assert.equal(after(diff), 'one  two three');
  });

  it('always rebuilds the new text from its same and inserted parts', () => {
    const pairs = [['', 'new text'], ['old text', ''], ['  lead and trail  ', '\nlead, trail\n'], ['a a a b', 'b a a a'], ['<b>x</b> y', '<b>x</b>  z y']];
    for (const [before, next] of pairs) assert.equal(after(wordDiff(before!, next!)), next);
  });

  it('falls back to a prefix/suffix diff past its budget, and says so', () => {
    const diff = wordDiff('same start a b c same end', 'same start x y same end', 4);
    assert.equal(diff.simplified, true);
    assert.equal(marked(diff), 'same start [-a b c ]{+x y }same end');
    assert.equal(wordDiff('same start a b c same end', 'same start x y same end').simplified, false);
  });

  it('keeps a deletion after the last word apart from it', () => {
    assert.equal(marked(wordDiff('the cat sat on the mat', 'the cat sat')), 'the cat sat[- on the mat]');
  });

  it('keeps the old text\'s last word, deleted, apart from what follows it', () => {
    // The baseline ends in 'was' (no space after it); the other text goes on with 'said'.
    assert.equal(marked(wordDiff('The cat was', 'The cat said, "Yes"')), 'The cat [-was ]{+said, "Yes"}');
    assert.equal(after(wordDiff('The cat was', 'The cat said, "Yes"')), 'The cat said, "Yes"');
  });

  it('stays cheap on long, different texts', () => {
    const words = (prefix: string, count: number) => Array.from({ length: count }, (_, i) => `${prefix}${i % 97}`).join(' ');
    const started = Date.now();
    const diff = wordDiff(words('a', 6000), words('b', 6000));
    assert.equal(diff.simplified, true);
    assert.deepEqual([diff.inserted, diff.deleted], [6000, 6000]);
    const aligned = wordDiff(words('w', 1500), `${words('w', 700)} changed ${words('w', 800)}`);
    assert.equal(aligned.simplified, false);
    assert.ok(Date.now() - started < 5000, 'a few hundred milliseconds at most on a slow machine');
  });
});
