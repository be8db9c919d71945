// The ReAct tools: calculate (exact arithmetic, refusals), search over a Retriever, lookup in its result.
import * as assert from 'node:assert/strict';
import type { Passage, Retriever } from '../../src/core/patterns/trace';
import { calculate } from '../../src/core/patterns/tools/calculate';
import { OBSERVATION_LIMIT, runTool, type ToolContext } from '../../src/core/patterns/tools';
import { lookup, sentencesOf } from '../../src/core/patterns/tools/search';

describe('calculate: exact arithmetic with a restricted mathjs', () => {
  it('computes exactly, with BigNumbers', () => {
    assert.equal(calculate('0.1 + 0.2'), '0.3');
    assert.equal(calculate('1937 - 1889'), '48');
    assert.equal(calculate('(18 - 6) / 6 * 3 * 7'), '42');
    assert.equal(calculate('2^70'), '1180591620717411303424');
    assert.equal(calculate('1/3'), '0.33333333333333333333');
    assert.equal(calculate('0.1 * 3'), '0.3');
    assert.equal(calculate('max(3, 7.5) + round(2.5) + sqrt(16)'), '14.5');
    assert.equal(calculate('10 mod 3'), '1');
    assert.equal(calculate('2 pi'), '6.2831853071795864769');
  });

  it('refuses import, createUnit, evaluate and parse (as mathjs security docs advise)', () => {
    assert.throws(() => calculate('import({ pi: 3 }, { override: true })'), /import\(…\) is not available/);
    assert.throws(() => calculate('createUnit("smoot")'), /createUnit\(…\) is not available/);
    assert.throws(() => calculate('evaluate("1+1")'), /evaluate\(…\) is not available/);
    assert.throws(() => calculate('parse("1")'), /parse\(…\) is not available/);
    // And after a refusal, nothing changed: pi is still pi.
    assert.equal(calculate('round(pi * 100)'), '314');
  });

  it('refuses what is not arithmetic: matrices, units, assignments, definitions, unknown names', () => {
    assert.throws(() => calculate('zeros(100000, 100000)'), /zeros\(…\) is not available/);
    assert.throws(() => calculate('[1, 2, 3]'), /arithmetic only \(array/);
    assert.throws(() => calculate('5 cm + 2 inch'), /'cm' is not a number calculate knows/);
    assert.throws(() => calculate('a = 1'), /arithmetic only \(assignment/);
    assert.throws(() => calculate('f(x) = x^2'), /arithmetic only \(functionassignment/);
    assert.throws(() => calculate('1000000!'), /operator '!' is not available/);
    assert.throws(() => calculate('2 +'), /cannot read '2 \+'/);
    assert.throws(() => calculate(''), /needs an expression/);
    assert.throws(() => calculate(`${'1+'.repeat(300)}1`), /longer than 500 characters/);
  });

  it('refuses a huge exponent, overflow and division by zero, quickly', () => {
    const started = Date.now();
    assert.throws(() => calculate('10^10^10'), /beyond 10\^1000/);
    assert.throws(() => calculate('9^9^9^9'), /not a finite number/);
    assert.throws(() => calculate('1.0000001^(10^15 + 0.5)'), /beyond 10\^1000|not a finite number/);
    assert.throws(() => calculate('1 / 0'), /not a finite number/);
    assert.throws(() => calculate('sqrt(-1)'), /not a number \(Complex\)/);
    assert.ok(Date.now() - started < 2000, `${Date.now() - started} ms`);
  });
});

const PASSAGES: Passage[] = [
  { file: 'docs/apollo.md', startLine: 1, endLine: 4, score: 3.2, text: 'Apollo 11 landed on the Moon in July 1969. Neil Armstrong stepped out first.\n\nThe crew returned safely.' },
  { file: 'docs/hubble.md', startLine: 10, endLine: 12, score: 2.1, text: 'The Hubble Space Telescope was launched in 1990! It orbits Earth.' },
  { file: 'docs/eiffel.md', startLine: 3, endLine: 3, score: 0.5, text: 'The Eiffel Tower was completed in 1889.' },
  { file: 'docs/other.md', startLine: 1, endLine: 2, score: 0.1, text: 'Unrelated.' },
];

/** A Retriever over in-memory passages: the best `top` by score among those sharing a word with the query. */
const memoryRetriever = (passages: Passage[]): Retriever & { queries: string[] } => {
  const queries: string[] = [];
  const retriever = async (query: string, top: number) => {
    queries.push(query);
    const words = query.toLowerCase().split(/\W+/).filter(Boolean);
    return passages.filter((p) => words.some((w) => p.text.toLowerCase().includes(w))).sort((a, b) => b.score - a.score).slice(0, top);
  };
  return Object.assign(retriever, { queries });
};

describe('search and lookup', () => {
  it('search returns the top 3 passages with file:lines, and lookup finds sentences of that result', async () => {
    const retriever = memoryRetriever(PASSAGES);
    const context: ToolContext = { retriever };
    const found = await runTool('search', ' the Moon telescope tower ', context);
    assert.deepEqual(retriever.queries, ['the Moon telescope tower']);
    assert.equal(found, '[1] docs/apollo.md:1-4\nApollo 11 landed on the Moon in July 1969. Neil Armstrong stepped out first.\n\nThe crew returned safely.\n\n'
      + '[2] docs/hubble.md:10-12\nThe Hubble Space Telescope was launched in 1990! It orbits Earth.\n\n[3] docs/eiffel.md:3\nThe Eiffel Tower was completed in 1889.');
    assert.equal(await runTool('lookup', 'launched', context), '(Result 1 / 1) docs/hubble.md:10-12: The Hubble Space Telescope was launched in 1990!');
    assert.equal(await runTool('lookup', 'THE', context).then((text) => text.split('\n').length), 4);
    assert.equal(await runTool('lookup', 'Mars', context), "No sentence of the last search result contains 'Mars'.");
    assert.equal(await runTool('search', 'nothing-like-this', context), "No passage matches 'nothing-like-this'.");
    // lookup reads the LAST search result, which was empty.
    assert.equal(await runTool('lookup', 'launched', context), "No sentence of the last search result contains 'launched'.");
  });

  it('says what is missing: no retriever, no search yet, no query', async () => {
    await assert.rejects(runTool('search', 'moon', {}), /no promptlab\.retrieve/);
    assert.throws(() => lookup(undefined, 'moon'), /search first/);
    await assert.rejects(runTool('search', '  ', { retriever: memoryRetriever(PASSAGES) }), /needs a query/);
  });

  it('caps long observations', async () => {
    const long: Passage = { file: 'big.md', startLine: 1, endLine: 900, score: 1, text: 'word '.repeat(5000) };
    const text = await runTool('search', 'word', { retriever: memoryRetriever([long]) });
    assert.ok(text.length < OBSERVATION_LIMIT + 60, String(text.length));
    assert.match(text, /… \(cut: \d+ more characters\)$/);
  });

  it('splits sentences on . ! ? and blank lines', () => {
    assert.deepEqual(sentencesOf('A b. C d? E!\n\nF g\nh'), ['A b.', 'C d?', 'E!', 'F g h']);
    // A point inside a number (or an abbreviation) does not end the sentence, nor drop the text
    // before it (prompts/docs/hubble-mirror.md: lookup[1990] found nothing).
    assert.deepEqual(sentencesOf("Hubble's mirror is 2.4 metres across. Soon after launch in 1990, it was\ntoo flat by about 2.2\nmicrometres (an aberration). See v1.2, e.g.,here!"),
      ["Hubble's mirror is 2.4 metres across.", 'Soon after launch in 1990, it was too flat by about 2.2 micrometres (an aberration).', 'See v1.2, e.g.,here!']);
  });
});
