// The eval record's summaries and exports, on a record built the way the engine builds it (a
// comparison record over rows of tests), and the response cache's key, policy and file store.
import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { newComparison } from '../../src/core/comparisonRun';
import { evalToCsv, evalToJunit, evalToMarkdown, xmlText } from '../../src/core/eval/evalExport';
import { columnSummary, evalPassed, evalRecordOf, summarizeEval, testSummary, type EvalRecord } from '../../src/core/eval/evalRecord';
import { testOutcome } from '../../src/core/eval/outcome';
import type { AssertionResult } from '../../src/core/eval/types';
import { cacheKey, canonicalJson, fileCacheStore, uncacheableReason } from '../../src/engine/responseCache';

const result = (type: string, pass: boolean, reason: string, extra: Partial<AssertionResult> = {}): AssertionResult => ({ type, pass, score: pass ? 1 : 0, reason, weight: 1, ...extra });

/** Two tests (the second with 2 samples… as rows), two temperature columns, a third test skipped. */
function record(): EvalRecord {
  const comparison = newComparison({
    file: '/p/q.prompt', fileName: 'q.prompt', text: 'x', messages: [], backend: 'openai', model: 'gpt-4o-mini',
    axes: [{ name: 'temperature', values: [0, 1] }], samples: 4, seeds: [1, 2, 1, 2], settings: {},
    tokens: { total: 10, parts: [], overhead: 0, tokenizer: 't', exact: true, price: { input: 1, output: 2, source: 'built-in' } },
  });
  const position = { line: 0, character: 0 };
  const eval_ = evalRecordOf(comparison, {
    dataset: '/p/q.tests.yaml', rows: [0, 1], samplesPerTest: 2,
    tests: [
      { index: 0, file: '/p/q.tests.yaml', position, vars: { city: 'Paris' }, problems: [], description: 'capital | <b>' },
      { index: 1, file: '/p/q.tests.yaml', position, vars: { city: 'Rome' }, problems: [] },
      { index: 2, file: '/p/q.tests.yaml', position: { line: 9, character: 4 }, vars: { city: 3 }, problems: [{ file: '/p/q.tests.yaml', position: { line: 9, character: 4 }, field: 'vars.city', message: 'city must be string', test: 2 }] },
    ],
    problems: [{ file: '/p/q.tests.yaml', position: { line: 9, character: 4 }, field: 'vars.city', message: 'city must be string', test: 2 }],
  });
  const grade = (index: number, text: string, results: AssertionResult[], latencyMs = 100) => {
    const cell = eval_.cells[index]!;
    cell.status = 'done';
    cell.text = text;
    cell.result = { text, finishReason: 'stop', usage: { promptTokens: 10, completionTokens: 5, estimated: false }, latencyMs, backend: 'openai', model: 'gpt-4o-mini', parameters: {}, warnings: [] };
    cell.assertions = results;
    cell.outcome = testOutcome(results);
    cell.cost = (10 * 1 + 5 * 2) / 1e6;
  };
  // Row order: (test 0, sample 0) col 0, col 1; (test 0, sample 1) …; (test 1, sample 0) …
  grade(0, 'Paris', [result('contains', true, 'ok', { metric: 'accuracy' })]);
  grade(1, '=HYPERLINK("x")', [result('contains', false, 'Expected "Paris" | <script>', { metric: 'accuracy' })], 300);
  grade(2, 'Paris', [result('contains', true, 'ok', { metric: 'accuracy' })]);
  grade(3, 'Paris', [result('contains', true, 'ok', { metric: 'accuracy' })]);
  grade(4, 'Rome', [result('llm-rubric', false, 'The judge failed: \u0007bell', { error: true })]);
  eval_.cells[5]!.status = 'failed';
  eval_.cells[5]!.result = { text: '', finishReason: 'error', usage: { promptTokens: 0, completionTokens: 0, estimated: true }, latencyMs: 5, backend: 'openai', model: 'gpt-4o-mini', parameters: {}, warnings: [], error: { message: '429 slow down' } };
  grade(6, 'Rome', [result('contains', true, 'ok')]);
  // cell 7 stays queued (the run was stopped)
  eval_.cells[7]!.status = 'stopped';
  return eval_;
}

describe('eval record', () => {
  it('maps rows to tests and samples', () => {
    const r = record();
    assert.deepEqual(r.cells.map((c) => [c.test, c.testSample, c.column, c.seed]), [
      [0, 0, 0, 1], [0, 0, 1, 1], [0, 1, 0, 2], [0, 1, 1, 2], [1, 0, 0, 1], [1, 0, 1, 1], [1, 1, 0, 2], [1, 1, 1, 2],
    ]);
  });

  it('per column: pass rate over graded cells, mean score per metric, cost, latency; a failed run is an error', () => {
    const r = record();
    const first = columnSummary(r, 0);
    assert.deepEqual([first.graded, first.passed, first.errors, first.passRate], [4, 3, 1, 0.75]);
    assert.deepEqual(first.scores, { score: 0.75, accuracy: 1 });
    assert.ok(Math.abs(first.cost! - 4 * 20e-6) < 1e-12);
    const second = columnSummary(r, 1);
    assert.deepEqual([second.graded, second.passed, second.errors, second.passRate], [3, 1, 1, 1 / 3]);
    assert.equal(second.cost, undefined, 'the failed cell has no cost: the sum is unknown');
    assert.equal(second.meanLatencyMs, (300 + 100 + 5) / 3);
  });

  it('per test: a column passes when every sample did; an error wins; pending while one has no verdict', () => {
    const r = record();
    assert.deepEqual(testSummary(r, 0).columns, ['pass', 'fail']);
    assert.deepEqual(testSummary(r, 1).columns, ['error', 'error']);
    assert.match(testSummary(r, 1).reasons[1]!, /the run failed: 429 slow down/);
    const summary = summarizeEval(r);
    assert.equal(summary.skipped, 1);
    assert.equal(summary.tests.length, 2);
    assert.equal(summary.passRate, 4 / 7);
    assert.equal(evalPassed(r), false);
    // The failed cell run again and not yet ended: that test × column has no verdict yet.
    r.cells[5]!.status = 'queued';
    delete r.cells[5]!.result;
    assert.deepEqual(testSummary(r, 1).columns, ['error', 'pending']);
  });

  it('Markdown: model text and reasons cannot break the table or inject HTML', () => {
    const md = evalToMarkdown(record());
    const row = md.split('\n').find((line) => line.startsWith('| capital'))!;
    assert.equal(row, '| capital \\| &lt;b&gt; | ✓ | ✗ contains: Expected "Paris" \\| &lt;script&gt; |');
    assert.match(md, /\| \*\*pass rate\*\* \| 75% \| 33% \|/);
    assert.match(md, /\/p\/q\.tests\.yaml:10:5 vars\.city: city must be string/);
  });

  it('CSV: a row per cell, formulas guarded, quotes doubled', () => {
    const lines = evalToCsv(record()).split('\r\n');
    assert.equal(lines.length, 8 + 2);
    assert.match(lines[0]!, /^test,description,vars,column,temperature,sample,seed,status,verdict,score,reason,text,/);
    assert.match(lines[2]!, /,"'=HYPERLINK\(""x""\)",/);
    assert.match(lines[6]!, /,failed,error,,the run failed: 429 slow down,,/);
  });

  it('JUnit: well-formed characters only, every special character escaped, a testcase per test × column', () => {
    assert.equal(xmlText('a<b>&"c\'\u0007\uD800z'), 'a&lt;b&gt;&amp;&quot;c&apos;\uFFFD\uFFFDz');
    const xml = evalToJunit(record());
    assert.equal((xml.match(/<testcase /g) ?? []).length, 6);
    assert.ok(![...xml].some((ch) => ch.charCodeAt(0) < 9), 'no C0 control character');
    assert.match(xml, /<testsuite name="temperature 0" tests="3" failures="0" errors="1" skipped="1"/);
    assert.match(xml, /<testsuite name="temperature 1" tests="3" failures="1" errors="1" skipped="1"/);
    assert.match(xml, /<failure message="contains: Expected &quot;Paris&quot; \| &lt;script&gt;" type="assertion"\/>/);
  });
});

describe('response cache', () => {
  const config = { id: 'openai', kind: 'openai' as const, baseURL: 'https://user:pw@api.example.com/v1/?key=secret', apiKeyEnv: 'SECRET_ENV' };
  const request = { model: 'm', messages: [{ role: 'user' as const, content: 'hi' }], config: { temperature: 0, seed: 1 } };

  it('keys canonical JSON of the request: key order does not matter, every parameter and the address do; credentials never enter', () => {
    assert.equal(canonicalJson({ b: 1, a: { d: [1, { f: 2, e: 3 }], c: undefined } }), '{"a":{"d":[1,{"e":3,"f":2}]},"b":1}');
    const key = cacheKey(config, request);
    assert.match(key, /^[0-9a-f]{64}$/);
    assert.equal(cacheKey(config, { ...request, config: { seed: 1, temperature: 0 } }), key);
    assert.notEqual(cacheKey(config, { ...request, config: { temperature: 0, seed: 2 } }), key);
    assert.notEqual(cacheKey({ ...config, baseURL: 'https://other.example.com/v1' }, request), key);
    assert.equal(cacheKey({ ...config, baseURL: 'https://api.example.com/v1', apiKeyEnv: 'OTHER' }, request), key, 'user, password, query and key variable are no part of the key');
  });

  it('never caches a request that may answer differently', () => {
    assert.equal(uncacheableReason({ ...request, config: { temperature: 0 } }, { seedFixed: false }), undefined);
    assert.match(uncacheableReason({ ...request, config: { temperature: 0.7, seed: 5 } }, { seedFixed: false })!, /temperature 0.7 without a fixed seed/);
    assert.equal(uncacheableReason({ ...request, config: { temperature: 0.7, seed: 5 } }, { seedFixed: true }), undefined);
    assert.match(uncacheableReason({ ...request, config: {} }, { seedFixed: true })!, /no temperature/);
  });

  it('writes atomically: concurrent writers and readers only ever see whole entries, no temporary file is left', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'prompt-lab-cache-'));
    try {
      const store = fileCacheStore(dir);
      const key = 'ab'.repeat(32);
      const entries = Array.from({ length: 20 }, (_, i) => JSON.stringify({ i, pad: 'x'.repeat(200_000) }));
      const seen: (string | undefined)[] = [];
      await Promise.all([
        ...entries.map((entry) => store.write(key, entry)),
        ...Array.from({ length: 40 }, async () => { seen.push(await store.read(key)); }),
      ]);
      for (const text of seen) if (text !== undefined) assert.ok(entries.includes(text), 'a reader saw a torn entry');
      assert.ok(entries.includes((await store.read(key))!));
      assert.deepEqual(readdirSync(path.join(dir, 'ab')), [`${key}.json`]);
      assert.equal(await store.read('cd'.repeat(32)), undefined);
      await assert.rejects(store.write('../escape', 'x'), /not a cache key/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
