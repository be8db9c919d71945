// Retrieval (`promptlab.retrieve`) over a docs folder of 2,000 Markdown files (~10 KB each, ~20 MB):
// the index's build (list, read, chunk, MiniSearch add) on the first query, then 50 queries, against
// a baseline measured in the same run: reading every file with fs and nothing else.
// Goals (issue 12): build <= 5,000 ms, a query <= 20 ms.
//
// Two figures per query: through a node source that lists and stamps (stat) every file again on
// each query so an edit is seen at once, and through a watched source (the extension's: a watcher
// says when something changed, so an unchanged folder is not listed again; the CLI's source trusts
// a listing for 2 s, the same within that window), which is the index's own time.
//
//   npx tsc -p test && node bench/retrieval.bench.mjs      (run it alone: two cores)
import { Buffer } from 'node:buffer';
import { createRequire } from 'node:module';
import { mkdtempSync, readFileSync, readdirSync, rmSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const out = (file) => require(path.join(root, 'out/src', file));
const { nodeRetrievalSource } = out('core/patterns/retrieval/nodeSource.js');
const { CorpusIndex } = out('core/patterns/retrieval/index.js');

const FILES = 2000;
const FILE_BYTES = 10_000;
const CHUNK = 800;

/** Deterministic random numbers (mulberry32), so every run indexes the same corpus. */
function random(seed) {
  return () => {
    seed |= 0; seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = random(12);
const SYLLABLES = 'ka lo mi ne ru sa te vo zi pe da fo gu hi ja ke li mo nu pa qui ra so tu va we xi yo ze bra cle dro fli gra plo stri'.split(' ');
/** 30,000 made-up words, drawn with a Zipf-like law (rank r with weight 1/r), as words in prose are. */
const VOCABULARY = Array.from({ length: 30_000 }, () => Array.from({ length: 2 + Math.floor(rand() * 3) }, () => SYLLABLES[Math.floor(rand() * SYLLABLES.length)]).join(''));
const ENGLISH = 'the of and to in is that for it as with was on be by this are from or at an which'.split(' ');
const harmonic = VOCABULARY.reduce((sum, _w, r) => sum + 1 / (r + 1), 0);
function word() {
  if (rand() < 0.3) return ENGLISH[Math.floor(rand() * ENGLISH.length)];
  let target = rand() * harmonic;
  for (let r = 0; r < VOCABULARY.length; r++) {
    target -= 1 / (r + 1);
    if (target <= 0) return VOCABULARY[r];
  }
  return VOCABULARY.at(-1);
}
function sentence() {
  const words = Array.from({ length: 8 + Math.floor(rand() * 14) }, word);
  words[0] = words[0][0].toUpperCase() + words[0].slice(1);
  return `${words.join(' ')}.`;
}
function document(index) {
  const parts = [`# Document ${index}: ${word()} ${word()}`, ''];
  let length = 0;
  while (length < FILE_BYTES) {
    const part = rand() < 0.15 ? `## ${word()} ${word()}\n` : `${Array.from({ length: 2 + Math.floor(rand() * 5) }, sentence).join(' ')}\n`;
    parts.push(part);
    length += part.length + 1;
  }
  return parts.join('\n');
}

const folder = mkdtempSync(path.join(tmpdir(), 'promptlab-retrieval-'));
try {
  let bytes = 0;
  for (let i = 0; i < FILES; i++) {
    const dir = path.join(folder, 'docs', `part${i % 20}`);
    mkdirSync(dir, { recursive: true });
    const text = document(i);
    bytes += Buffer.byteLength(text);
    writeFileSync(path.join(dir, `doc${i}.md`), text);
  }
  console.log(`corpus: ${FILES} files, ${(bytes / 1e6).toFixed(1)} MB in ${folder}`);

  // Baseline: every file read with fs, nothing else (the floor any index of these files stands on).
  let t0 = performance.now();
  let read = 0;
  for (const part of readdirSync(path.join(folder, 'docs'))) {
    for (const name of readdirSync(path.join(folder, 'docs', part))) read += readFileSync(path.join(folder, 'docs', part, name), 'utf8').length;
  }
  const baseline = performance.now() - t0;
  if (read === 0) throw new Error('nothing read');

  const queries = Array.from({ length: 50 }, () => `${VOCABULARY[Math.floor(rand() * 2000)]} ${word()} ${VOCABULARY[Math.floor(rand() * 20000)]} ${ENGLISH[0]}`);
  const source = nodeRetrievalSource(folder);
  const index = new CorpusIndex(source, ['docs/**/*.md'], CHUNK);
  const heapBefore = process.memoryUsage().heapUsed;
  t0 = performance.now();
  await index.update();
  const build = performance.now() - t0;
  const heap = (process.memoryUsage().heapUsed - heapBefore) / 1e6;

  const time = async (run) => {
    const times = [];
    for (const query of queries) {
      const t = performance.now();
      const passages = await run(query);
      times.push(performance.now() - t);
      if (passages.length === 0) throw new Error(`no passage for '${query}'`);
    }
    times.sort((a, b) => a - b);
    return { median: times[Math.floor(times.length / 2)], p95: times[Math.ceil(times.length * 0.95) - 1] };
  };
  const listed = await time((query) => index.query(query, 4));

  // The same files through a watched source: unchanged generation, so no listing.
  const watched = { ...source, root: source.root, generation: () => 0 };
  const watchedIndex = new CorpusIndex(watched, ['docs/**/*.md'], CHUNK);
  await watchedIndex.update();
  const indexOnly = await time((query) => watchedIndex.query(query, 4));
  // The same, every query term kept (before issue 12's common-term cut), in the same run.
  const allTermsIndex = new CorpusIndex(watched, ['docs/**/*.md'], CHUNK, 1);
  await allTermsIndex.update();
  const allTerms = await time((query) => allTermsIndex.query(query, 4));
  let sameTop = 0;
  for (const query of queries) {
    const [cut] = await watchedIndex.query(query, 1);
    const [all] = await allTermsIndex.query(query, 1);
    if (cut.file === all.file && cut.startLine === all.startLine) sameTop++;
  }

  // An edit, seen on the next query without a rebuild.
  writeFileSync(path.join(folder, 'docs', 'part0', 'doc0.md'), `# Edited\n\nzyzzyva quokka ${document(0)}`);
  t0 = performance.now();
  const edited = await index.query('zyzzyva quokka', 1);
  const afterEdit = performance.now() - t0;
  if (edited[0]?.file !== 'docs/part0/doc0.md') throw new Error('the edit was not seen');

  const f = (ms) => ms.toFixed(1);
  console.log(`baseline, fs reads only:      ${f(baseline)} ms`);
  console.log(`index build (first query):    ${f(build)} ms  (goal <= 5000; ${(build / baseline).toFixed(1)}x the baseline; ${index.fileCount} files, ${index.chunkCount} chunks, ~${heap.toFixed(0)} MB heap)`);
  console.log(`query, listing every time:      median ${f(listed.median)} ms, p95 ${f(listed.p95)} ms  (goal <= 20)`);
  console.log(`query, watched / within 2 s:  median ${f(indexOnly.median)} ms, p95 ${f(indexOnly.p95)} ms  (goal <= 20)`);
  console.log(`  every term kept (before):   median ${f(allTerms.median)} ms, p95 ${f(allTerms.p95)} ms  (same top passage for ${sameTop}/${queries.length} queries)`);
  console.log(`query after editing one file: ${f(afterEdit)} ms`);
} finally {
  if (!process.env.KEEP) rmSync(folder, { recursive: true, force: true });
}
