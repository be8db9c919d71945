// Retrieval (`promptlab.retrieve`): the spec's check, chunking, ranking a small hand-written corpus
// (test/fixtures/retrieval) through MiniSearch's BM25+, the index kept up to date by stamps, the
// folder's bounds (globs and symbolic links that lead out), and prepareRetrieval as hosts call it.
import * as assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { checkPrompt } from '../../src/core/check/checkPrompt';
import type { PromptDiagnostic } from '../../src/core/diagnostics';
import { chunkText } from '../../src/core/patterns/retrieval/chunk';
import { unmatchedGlobDiagnostics } from '../../src/core/patterns/retrieval/globDiagnostics';
import { CorpusIndex, NoFileMatches } from '../../src/core/patterns/retrieval/index';
import { nodeRetrievalSource } from '../../src/core/patterns/retrieval/nodeSource';
import type { RetrievalSource } from '../../src/core/patterns/retrieval/source';
import { globProblem, retrieveSpecOf } from '../../src/core/patterns/retrieveSpec';
import { memoryEnvironment } from '../../src/core/promptEnvironment';
import { renderChecked } from '../../src/core/render';
import type { EngineHost, PromptFile } from '../../src/engine/host';
import { prepareRetrieval, RetrievalError } from '../../src/engine/retrieval';
import { cli } from '../support/inProcessCli';

const fixture = path.resolve(__dirname, '../../../test/fixtures/retrieval');
const check = (frontmatter: string) => checkPrompt(`---\n${frontmatter}\n---\nAnswer in a sentence.\n`, memoryEnvironment());
/** `[severity, line, startChar, endChar, message]` of each diagnostic (0-based, file lines). */
const where = (diagnostics: PromptDiagnostic[]) =>
  diagnostics.map((d) => [d.severity, d.range.start.line, d.range.start.character, d.range.end.character, d.message]);
const SCHEMA = 'input:\n  schema:\n    question: string\n    passages?(array): any';

function tempFolder(): string {
  return mkdtempSync(path.join(tmpdir(), 'promptlab-retrieval-test-'));
}

/** The source over `root`, counting the files it reads. */
function countingSource(root: string): RetrievalSource & { reads: string[] } {
  const source = nodeRetrievalSource(root);
  const reads: string[] = [];
  return { ...source, root: source.root, reads, read: (file) => { reads.push(file); return source.read(file); } };
}

describe('promptlab.retrieve: the spec', () => {
  it('accepts a spec with defaults, and the render carries it', async () => {
    const checked = await check(`${SCHEMA}\npromptlab.retrieve: { from: "docs/**/*.md", query: question, into: passages }`);
    assert.deepEqual(checked.diagnostics, []);
    assert.deepEqual(checked.frontmatter.retrieve, { from: ['docs/**/*.md'], query: 'question', into: 'passages', top: 4, chunk: 800 });
    const rendered = await renderChecked(checked, { input: { question: 'q' } });
    assert.deepEqual(retrieveSpecOf(rendered.ext), checked.frontmatter.retrieve);
    // The frontmatter's own key, as plain data, reads the same.
    assert.deepEqual(retrieveSpecOf({ 'promptlab.retrieve': { from: 'docs/**/*.md', query: 'question', into: 'passages' } }), checked.frontmatter.retrieve);
    assert.equal(retrieveSpecOf({}), undefined);
  });

  it('marks top and chunk out of range, and unknown keys, where they are written', async () => {
    const checked = await check('promptlab.retrieve:\n  from: [docs/*.md]\n  top: 51\n  chunk: 199\n  rank: bm25');
    assert.deepEqual(where(checked.diagnostics), [
      ['error', 3, 7, 9, "'promptlab.retrieve.top' must be a whole number from 1 to 50; not number 51."],
      ['error', 4, 9, 12, "'promptlab.retrieve.chunk' must be a whole number from 200 to 20000 (characters); not number 199."],
      ['warning', 5, 2, 6, "Unknown key 'promptlab.retrieve.rank'. Known: from, query, into, top, chunk."],
    ]);
    assert.equal(checked.frontmatter.retrieve, undefined);
    assert.deepEqual((await check('promptlab.retrieve: { from: a.md, top: 50, chunk: 20000 }')).frontmatter.retrieve, { from: ['a.md'], top: 50, chunk: 20000 });
    assert.deepEqual(where((await check('promptlab.retrieve: { from: a.md, top: 0 }')).diagnostics).map((d) => d.slice(0, 4)), [['error', 1, 39, 40]]);
    assert.deepEqual(where((await check('promptlab.retrieve: { from: a.md, chunk: 20001 }')).diagnostics).map((d) => d.slice(0, 4)), [['error', 1, 41, 46]]);
  });

  it('refuses globs that leave the folder, at the glob', async () => {
    const checked = await check('promptlab.retrieve:\n  from: ["../secrets/*.md", "/etc/*", "docs/../../x.md", "ok/*.md"]');
    assert.deepEqual(where(checked.diagnostics), [
      ['error', 2, 9, 26, "The glob '../secrets/*.md' leads out of the workspace folder (..)."],
      ['error', 2, 28, 36, "The glob '/etc/*' is absolute: write it relative to the workspace folder."],
      ['error', 2, 38, 55, "The glob 'docs/../../x.md' leads out of the workspace folder (..)."],
    ]);
    assert.equal(checked.ok, false);
    for (const glob of ['C:/Users/*.md', '~/notes/*.md', 'docs\\*.md', '!docs/a.md', '']) assert.ok(globProblem(glob), glob);
    assert.equal(globProblem('docs/**/*.{md,txt}'), undefined);
    assert.throws(() => retrieveSpecOf({ 'promptlab.retrieve': { from: '../x/*.md' } }), /leads out/);
  });

  it('needs from, an into with a query, and declared inputs of the right kind', async () => {
    assert.match(where((await check('promptlab.retrieve: { top: 3 }')).diagnostics)[0]![4] as string, /needs the files to search in 'from'/);
    assert.match(where((await check(`${SCHEMA}\npromptlab.retrieve: { from: a.md, query: question }`)).diagnostics)[0]![4] as string, /has a query but no 'into'/);
    assert.match(where((await check(`${SCHEMA}\npromptlab.retrieve: { from: a.md, query: topic, into: passages }`)).diagnostics)[0]![4] as string, /names the input 'topic', which input.schema does not declare/);
    assert.match(where((await check(`${SCHEMA}\npromptlab.retrieve: { from: a.md, query: question, into: question }`)).diagnostics).at(-1)![4] as string, /which is string; the passages are an array|name the same input/);
    // Without a schema nothing is declared, so any name goes (as in promptlab.examples' defaults).
    assert.deepEqual((await check('promptlab.retrieve: { from: a.md, query: q, into: p }')).diagnostics, []);
  });
});

describe('promptlab.retrieve: chunks', () => {
  it('cuts at headings and packs paragraphs up to the size, with 1-based line ranges', () => {
    const text = ['# Title', '', 'one one one', '', 'two two two', '', '## Next', 'three', '', '', 'four'].join('\n');
    assert.deepEqual(chunkText(text, 200), [
      { startLine: 1, endLine: 5, text: '# Title\n\none one one\n\ntwo two two' },
      { startLine: 7, endLine: 11, text: '## Next\nthree\n\n\nfour' },
    ]);
    // The two paragraphs and the blank line between are 24 characters: at 23 they are two chunks.
    assert.deepEqual(chunkText('one one one\n\ntwo two two', 23).map((c) => [c.startLine, c.endLine]), [[1, 1], [3, 3]]);
    assert.deepEqual(chunkText('one one one\n\ntwo two two', 24).map((c) => [c.startLine, c.endLine]), [[1, 3]]);
  });

  it('cuts a block too large at line ends, a line too long at the size, and keeps code fences whole', () => {
    const lines = Array.from({ length: 10 }, (_, i) => `line ${i + 1} ${'x'.repeat(40)}`);
    const chunks = chunkText(lines.join('\n'), 100);
    assert.deepEqual(chunks.map((c) => [c.startLine, c.endLine]), [[1, 2], [3, 4], [5, 6], [7, 8], [9, 10]]);
    for (const chunk of chunks) assert.equal(chunk.text, lines.slice(chunk.startLine - 1, chunk.endLine).join('\n'));
    const long = chunkText(`short\n${'y'.repeat(450)}\nend`, 200);
    assert.deepEqual(long.map((c) => [c.startLine, c.endLine, c.text.length]), [[1, 1, 5], [2, 2, 200], [2, 2, 200], [2, 2, 50], [3, 3, 3]]);
    const fenced = chunkText('Intro\n```js\nconst a = 1;\n\nconst b = 2;\n```\nAfter', 2000);
    assert.deepEqual(fenced.map((c) => [c.startLine, c.endLine]), [[1, 7]]);
    for (const size of [200, 333, 800]) {
      for (const chunk of chunkText(lines.join('\n\n').repeat(5), size)) assert.ok(chunk.text.length <= size, `${chunk.text.length} > ${size}`);
    }
    assert.deepEqual(chunkText('\n\n  \n', 200), []);
  });
});

describe('promptlab.retrieve: ranking (BM25+ through MiniSearch)', () => {
  it('ranks the hand-written docs as expected', async () => {
    const index = new CorpusIndex(nodeRetrievalSource(fixture), ['docs/**/*.md'], 200);
    // "When was the Hubble Space Telescope launched?" leaves hubble, space, telescope, launched
    // (the rest are stop words). hubble.md's first chunk (lines 1-3) has all four, hubble only
    // there: first. webb.md (lines 1-4: one chunk) has space, telescope and launched: second.
    // hubble.md's servicing section (lines 5-8) has only telescope: third. No other chunk has any
    // of the four, and notes/hubble-notes.txt is not matched by the glob.
    const passages = await index.query('When was the Hubble Space Telescope launched?', 4);
    assert.deepEqual(passages.map((p) => [p.file, p.startLine, p.endLine]), [
      ['docs/telescopes/hubble.md', 1, 3],
      ['docs/telescopes/webb.md', 1, 4],
      ['docs/telescopes/hubble.md', 5, 8],
    ]);
    assert.ok(passages[0]!.score > passages[1]!.score && passages[1]!.score > passages[2]!.score);
    assert.match(passages[0]!.text, /launched on 24 April 1990/);
    assert.equal(index.fileCount, 5);
    // moon 3 chunks, mars 3, hubble 2, webb 1, sun 1.
    assert.equal(index.chunkCount, 10);
    // Only mars.md's Olympus Mons section has "volcano" and "tallest".
    assert.deepEqual((await index.query('Which volcano is the tallest?', 4)).map((p) => [p.file, p.startLine, p.endLine]), [['docs/mars.md', 5, 8]]);
    // top cuts the list.
    assert.equal((await index.query('telescope', 1)).length, 1);
    assert.deepEqual(await index.query('the of and', 4), [], 'stop words alone match nothing');
  });

  it('sees an edit, a new file and a deleted file on the next query, reading only those', async () => {
    const root = tempFolder();
    try {
      cpSync(path.join(fixture, 'docs'), path.join(root, 'docs'), { recursive: true });
      const source = countingSource(root);
      const index = new CorpusIndex(source, ['docs/**/*.md'], 800);
      assert.deepEqual((await index.query('tides', 4)).map((p) => p.file), ['docs/moon.md']);
      assert.equal(source.reads.length, 5);
      source.reads.length = 0;
      writeFileSync(path.join(root, 'docs/sun.md'), '# The Sun\n\nSunspots and tides of plasma: an edited file.\n');
      writeFileSync(path.join(root, 'docs/comets.md'), '# Comets\n\nHalley returns every 76 years.\n');
      rmSync(path.join(root, 'docs/moon.md'));
      const passages = await index.query('tides', 4);
      assert.deepEqual(passages.map((p) => [p.file, p.startLine, p.endLine]), [['docs/sun.md', 1, 3]]);
      assert.deepEqual(source.reads.sort(), ['docs/comets.md', 'docs/sun.md']);
      assert.deepEqual((await index.query('Halley', 4)).map((p) => p.file), ['docs/comets.md']);
      assert.equal(index.fileCount, 5);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('leaves out a query term found in over 40% of the chunks when the query has rarer ones', async () => {
    const root = tempFolder();
    try {
      mkdirSync(path.join(root, 'docs'));
      // "widget" is in all 5 chunks (one per file), "sprocket" in one.
      for (let i = 0; i < 5; i++) writeFileSync(path.join(root, `docs/f${i}.md`), `# Part ${i}\n\nA widget${i === 3 ? ' and a sprocket' : ''}.\n`);
      const index = new CorpusIndex(nodeRetrievalSource(root), ['docs/*.md'], 800);
      const cut = await index.query('widget sprocket', 5);
      assert.deepEqual(cut.map((p) => p.file), ['docs/f3.md'], 'ranked by sprocket alone');
      assert.equal(cut[0]!.score, (await index.query('sprocket', 5))[0]!.score);
      // Every term common: kept, nothing better to rank by.
      assert.equal((await index.query('widget', 5)).length, 5);
      const everyTerm = await new CorpusIndex(nodeRetrievalSource(root), ['docs/*.md'], 800, 1).query('widget sprocket', 5);
      assert.equal(everyTerm.length, 5);
      assert.equal(everyTerm[0]!.file, 'docs/f3.md', 'the same first passage');
      assert.ok(everyTerm[0]!.score > cut[0]!.score);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it('throws NoFileMatches naming a glob that matches nothing', async () => {
    const index = new CorpusIndex(nodeRetrievalSource(fixture), ['docs/**/*.md', 'guides/*.md'], 800);
    await assert.rejects(index.query('moon', 4), (error) => error instanceof NoFileMatches && error.glob === 'guides/*.md');
  });
});

describe('promptlab.retrieve: the folder\'s bounds', () => {
  it('skips symbolic links that lead out of the root, follows those inside it', async function () {
    const root = tempFolder();
    const outside = tempFolder();
    try {
      mkdirSync(path.join(root, 'docs'));
      writeFileSync(path.join(root, 'docs/inside.md'), 'inside text');
      writeFileSync(path.join(outside, 'secret.md'), 'secret text');
      mkdirSync(path.join(outside, 'more'));
      writeFileSync(path.join(outside, 'more/leak.md'), 'leaked text');
      try {
        symlinkSync(path.join(outside, 'secret.md'), path.join(root, 'docs/secret.md'));
      } catch {
        this.skip(); // no symbolic links here (Windows without the privilege)
      }
      symlinkSync(path.join(outside, 'more'), path.join(root, 'docs/more'));
      symlinkSync(path.join(root, 'docs/inside.md'), path.join(root, 'docs/alias.md'));
      const source = nodeRetrievalSource(root);
      assert.deepEqual((await source.list('docs/**/*.md')).map((f) => f.path), ['docs/alias.md', 'docs/inside.md']);
      assert.equal(await source.read('docs/secret.md'), undefined, 'a link out is not read even when asked for');
      assert.equal(await source.read('docs/inside.md'), 'inside text');
      const index = new CorpusIndex(source, ['docs/**/*.md'], 800);
      assert.deepEqual(await index.query('secret leaked', 4), []);
    } finally {
      rmSync(root, { recursive: true, force: true });
      rmSync(outside, { recursive: true, force: true });
    }
  });
});

describe('prepareRetrieval', () => {
  const prompt = (text = '---\npromptlab.retrieve: { from: "docs/**/*.md", query: question, into: passages, top: 2, chunk: 200 }\n---\n{{question}}\n'): PromptFile =>
    ({ ref: path.join(fixture, 'ask.prompt'), fileName: 'ask.prompt', text });
  const ext = (spec: Record<string, unknown>) => ({ promptlab: { retrieve: spec } });
  const host = (source: RetrievalSource | undefined = nodeRetrievalSource(fixture)) => ({ retrievalSource: () => source }) as unknown as EngineHost;
  const SPEC = { from: 'docs/**/*.md', query: 'question', into: 'passages', top: 2, chunk: 200 };

  it('fills the into input with the top passages and returns a trace and a retriever', async () => {
    const inputs = { question: 'When was Hubble launched?', tone: 'plain' };
    const prepared = await prepareRetrieval(host(), prompt(), ext(SPEC), inputs);
    const passages = prepared.inputs.passages as { file: string; startLine: number; endLine: number; score: number; text: string }[];
    assert.deepEqual(passages.map((p) => [p.file, p.startLine, p.endLine]), [['docs/telescopes/hubble.md', 1, 3], ['docs/telescopes/webb.md', 1, 4]]);
    assert.deepEqual(Object.keys(passages[0]!).sort(), ['endLine', 'file', 'score', 'startLine', 'text']);
    assert.equal(prepared.inputs.tone, 'plain');
    assert.equal(inputs.question, 'When was Hubble launched?');
    assert.ok(!('passages' in inputs), 'the caller\'s inputs are not changed');
    const trace = prepared.retrieval!;
    assert.deepEqual([trace.from, trace.query, trace.into, trace.files, trace.chunks], [['docs/**/*.md'], 'When was Hubble launched?', 'passages', 5, 10]);
    assert.deepEqual(trace.passages, passages);
    assert.deepEqual((await prepared.retriever!('Olympus Mons', 1)).map((p) => p.file), ['docs/mars.md']);
  });

  it('returns the same inputs without a spec, and a retriever alone without a query', async () => {
    const inputs = { question: 'x' };
    assert.equal((await prepareRetrieval(host(), prompt(), undefined, inputs)).inputs, inputs);
    assert.deepEqual(Object.keys(await prepareRetrieval(host(), prompt(), {}, inputs)), ['inputs']);
    const agent = await prepareRetrieval(host(), prompt(), ext({ from: 'docs/**/*.md' }), inputs);
    assert.equal(agent.inputs, inputs);
    assert.equal(agent.retrieval, undefined);
    assert.deepEqual((await agent.retriever!('tides', 3)).map((p) => p.file), ['docs/moon.md']);
  });

  it('takes the query from input.default when the run gives none', async () => {
    const text = '---\ninput:\n  default:\n    question: Which volcano is the tallest?\npromptlab.retrieve: { from: "docs/**/*.md", query: question, into: passages }\n---\n{{question}}\n';
    const prepared = await prepareRetrieval(host(), prompt(text), ext({ from: 'docs/**/*.md', query: 'question', into: 'passages' }), {});
    assert.equal(prepared.retrieval!.query, 'Which volcano is the tallest?');
    assert.equal((prepared.inputs.passages as { file: string }[])[0]!.file, 'docs/mars.md');
  });

  it('fails with a RetrievalError naming the prompt file: no match, no folder, no query, a bad spec', async () => {
    const fails = (promise: Promise<unknown>, pattern: RegExp) => assert.rejects(promise, (error) => error instanceof RetrievalError && /^ask\.prompt/.test(error.message) && pattern.test(error.message));
    await fails(prepareRetrieval(host(), prompt(), ext({ ...SPEC, from: ['docs/**/*.md', 'guides/**/*.md'] }), { question: 'q' }),
      new RegExp(`the glob 'guides/\\*\\*/\\*\\.md' of promptlab\\.retrieve matches no file in ${fixture.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}`));
    await fails(prepareRetrieval({ retrievalSource: () => undefined } as unknown as EngineHost, prompt(), ext(SPEC), { question: 'q' }), /has no folder to search/);
    await fails(prepareRetrieval({} as EngineHost, prompt(), ext(SPEC), { question: 'q' }), /has no folder to search/);
    await fails(prepareRetrieval(host(), prompt(), ext(SPEC), {}), /the input 'question', which has no value/);
    await fails(prepareRetrieval(host(), prompt(), ext(SPEC), { question: '  ' }), /which is empty/);
    await fails(prepareRetrieval(host(), prompt(), ext({ ...SPEC, from: '/etc/*.conf' }), { question: 'q' }), /is absolute/);
    await fails(prepareRetrieval(host(), prompt(), ext({ ...SPEC, top: 500 }), { question: 'q' }), /top' must be a whole number from 1 to 50/);
  });
});

describe('promptlab.retrieve: a glob that matches no file', () => {
  it('is a warning at the glob (core, for any host that lists files)', async () => {
    const checked = await check('promptlab.retrieve:\n  from: ["docs/**/*.md", "guides/*.md"]');
    const diagnostics = await unmatchedGlobDiagnostics(checked, 'the folder', async (glob) => glob.startsWith('docs/'));
    assert.deepEqual(where(diagnostics), [
      ['warning', 2, 25, 38, "The glob 'guides/*.md' matches no file in the folder: a run would fail. Globs are relative to that folder, e.g. \"docs/**/*.md\"."],
    ]);
    assert.equal(diagnostics[0]!.code, 'retrieve-no-match');
  });

  it('is a positioned warning in prompt-lab check, read in the working folder', async () => {
    const root = tempFolder();
    const cwd = process.cwd();
    try {
      cpSync(path.join(fixture, 'docs'), path.join(root, 'docs'), { recursive: true });
      writeFileSync(path.join(root, 'ask.prompt'), '---\npromptlab.retrieve:\n  from: [docs/**/*.md, guides/*.md]\n---\nHi\n');
      process.chdir(root);
      const { code, stdout } = await cli('check', 'ask.prompt');
      assert.equal(code, 0, 'a warning, not an error');
      assert.deepEqual(stdout.trim().split('\n'), [
        `ask.prompt:3:24: warning: The glob 'guides/*.md' matches no file in ${process.cwd()}: a run would fail. Globs are relative to that folder, e.g. "docs/**/*.md". [retrieve-no-match]`,
      ]);
    } finally {
      process.chdir(cwd);
      rmSync(root, { recursive: true, force: true });
    }
  });
});
