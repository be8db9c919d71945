// Feedback out of history: preference pairs of the same prompt and inputs in the shape DPO trainers
// read, and eval tests that src/core/eval's loadDataset reads without a problem.
import * as assert from 'node:assert/strict';
import { newComparison } from '../../src/core/comparisonRun';
import { loadDataset } from '../../src/core/eval/dataset';
import { evalRecordOf } from '../../src/core/eval/evalRecord';
import { preferencePairs, testCases, testsYaml } from '../../src/core/history/exports';
import { comparisonHistoryRecord, runRecordOf } from '../../src/core/history/records';
import type { SavedRecord } from '../../src/core/history/types';

const messages = [{ role: 'system', content: 'Summarize.' }, { role: 'user', content: 'A: lunch at 1? B: make it 2.' }];
const result = (text: string) => ({ text, finishReason: 'stop' as const, usage: { promptTokens: 1, completionTokens: 1, estimated: false }, latencyMs: 1, backend: 'local', model: 'm', parameters: {}, warnings: [] });
const run = (id: string, text: string, feedback: SavedRecord['feedback'], content = messages[1]!.content): SavedRecord => ({
  ...runRecordOf({ id, file: '/w/s.prompt', fileName: 's.prompt', text: 'same file', messages: [messages[0]!, { role: 'user', content }], inputs: { dialogue: content }, backend: 'local', model: 'm', settings: {}, result: result(text) }),
  feedback,
});

function comparison(texts: string[], feedback: SavedRecord['feedback']): SavedRecord {
  const record = newComparison({ file: '/w/s.prompt', fileName: 's.prompt', text: 'same file', messages, backend: 'local', model: '', axes: [{ name: 'temperature', values: [0, 1] }], samples: 1, seeds: [1], settings: {} });
  record.cells.forEach((cell, i) => { cell.status = 'done'; cell.text = texts[i]!; });
  return { ...comparisonHistoryRecord(record, { dialogue: messages[1]!.content }), feedback };
}

/** An eval of two tests × temperatures 0 and 1 (cell = test × 2 + column), each test with the
 * messages it rendered to, as the engine keeps them; `shots` makes column 1 a shots column. */
function evaluation(texts: string[], feedback: SavedRecord['feedback'], options: { shots?: boolean; withMessages?: boolean } = {}): SavedRecord {
  const axes = options.shots ? [{ name: 'shots' as const, values: [0, 1] }] : [{ name: 'temperature' as const, values: [0, 1] }];
  const comparison = newComparison({ file: '/w/s.prompt', fileName: 's.prompt', text: 'same file', messages, backend: 'local', model: '', axes, samples: 2, seeds: [1, 1], settings: {} });
  comparison.cells.forEach((cell, i) => { cell.status = 'done'; cell.text = texts[i]!; });
  const dialogues = ['A: lunch at 1? B: make it 2.', 'A: tea? B: no, coffee.'];
  const record = evalRecordOf(comparison, {
    dataset: '/w/s.tests.yaml', rows: [0, 1], samplesPerTest: 1, problems: [],
    tests: dialogues.map((dialogue, index) => ({
      index, file: '/w/s.tests.yaml', position: { line: index * 2, character: 2 }, vars: { dialogue }, problems: [],
      ...(options.withMessages === false ? {} : { messages: [messages[0]!, { role: 'user', content: dialogue }] }),
    })),
  });
  return { ...record, feedback } as SavedRecord;
}

describe('history exports', () => {
  it('pairs 👍 and edited answers against 👎 ones of the same prompt and inputs, in the trainers\' shape', () => {
    const records = [
      run('r1', 'They move lunch.', { run: { rating: 'up' } }),
      run('r2', 'Lunch is cancelled.', { run: { rating: 'down' } }),
      comparison(['They meet at 2.', 'Bananas.'], { 'cell:1': { rating: 'down', betterAnswer: 'They move lunch to 2.' } }),
      run('other', 'Unrelated 👎.', { run: { rating: 'down' } }, 'A different dialogue'),
    ];
    const pairs = preferencePairs(records);
    const summary = pairs.map((p) => `${p.chosen[0]!.content} > ${p.rejected[0]!.content}`).sort();
    assert.deepEqual(summary, [
      'They move lunch to 2. > Bananas.',
      'They move lunch to 2. > Lunch is cancelled.',
      'They move lunch. > Bananas.',
      'They move lunch. > Lunch is cancelled.',
    ]);
    for (const pair of pairs) {
      assert.deepEqual(pair.prompt, [{ role: 'system', content: 'Summarize.' }, { role: 'user', content: 'A: lunch at 1? B: make it 2.' }]);
      assert.equal(pair.chosen[0]!.role, 'assistant');
      assert.equal(pair.rejected[0]!.role, 'assistant');
    }
  });

  it('turns rated and edited completions into tests loadDataset reads without problems', () => {
    const records = [
      run('r1', 'They move lunch.', { run: { rating: 'up', note: 'short and right' } }),
      comparison(['A: "quote"\nnext line', 'Bananas.'], { 'cell:0': { rating: 'down' }, 'cell:1': { betterAnswer: 'They move lunch to 2.' } }),
      run('unrated', 'x', {}),
    ];
    const tests = testCases(records, { threshold: 0.6 });
    assert.equal(tests.length, 3);
    const yaml = testsYaml(tests);
    const dataset = loadDataset(yaml, 'history.tests.yaml');
    assert.deepEqual(dataset.problems, []);
    assert.equal(dataset.tests.length, 3);
    assert.deepEqual(dataset.tests[0]!.vars, { dialogue: 'A: lunch at 1? B: make it 2.' });
    assert.deepEqual(dataset.tests[0]!.assert, [{ type: 'rouge-l', value: 'They move lunch.', threshold: 0.6 }]);
    assert.match(dataset.tests[0]!.description!, /👍 .*short and right/);
    assert.deepEqual(dataset.tests[1]!.assert, [{ type: 'not-equals', value: 'A: "quote"\nnext line' }]);
    assert.deepEqual(dataset.tests[2]!.assert, [{ type: 'rouge-l', value: 'They move lunch to 2.', threshold: 0.6 }]);
    assert.deepEqual(testCases(records, { match: 'equals' })[0]!.assert, [{ type: 'equals', value: 'They move lunch.' }]);
  });

  it('reads an eval\'s ratings: tests with each cell\'s own vars, pairs within a test from its messages', () => {
    // Cells: test 0 at t=0, t=1; test 1 at t=0, t=1.
    const record = evaluation(['They move lunch.', 'Bananas.', 'Coffee, not tea.', 'Tea.'], {
      'cell:0': { rating: 'up' },
      'cell:1': { rating: 'down', note: 'off topic' },
      'cell:2': { betterAnswer: 'B wants coffee.' },
      'cell:3': { rating: 'down' },
    });
    const tests = testCases([record]);
    assert.deepEqual(tests.map((test) => [test.vars, test.assert, test.metadata?.completion]), [
      [{ dialogue: 'A: lunch at 1? B: make it 2.' }, [{ type: 'rouge-l', value: 'They move lunch.' }], 'cell:0'],
      [{ dialogue: 'A: lunch at 1? B: make it 2.' }, [{ type: 'not-equals', value: 'Bananas.' }], 'cell:1'],
      [{ dialogue: 'A: tea? B: no, coffee.' }, [{ type: 'rouge-l', value: 'B wants coffee.' }], 'cell:2'],
      [{ dialogue: 'A: tea? B: no, coffee.' }, [{ type: 'not-equals', value: 'Tea.' }], 'cell:3'],
    ]);
    assert.match(tests[1]!.description!, /👎 from history .* \(cell:1\): off topic/);
    assert.deepEqual(loadDataset(testsYaml(tests), 'from-eval.tests.yaml').problems, []);

    // Pairs never cross tests: each test's 👍 (or edit) against its own 👎 and the edited cell.
    const pairs = preferencePairs([record]).map((pair) => [pair.prompt.at(-1)!.content, pair.chosen[0]!.content, pair.rejected[0]!.content, pair.metadata.rejectedFrom]).sort();
    assert.deepEqual(pairs, [
      ['A: lunch at 1? B: make it 2.', 'They move lunch.', 'Bananas.', `${record.id}#cell:1`],
      ['A: tea? B: no, coffee.', 'B wants coffee.', 'Coffee, not tea.', `${record.id}#cell:2`],
      ['A: tea? B: no, coffee.', 'B wants coffee.', 'Tea.', `${record.id}#cell:3`],
    ]);
    assert.equal(preferencePairs([record])[0]!.prompt[0]!.content, 'Summarize.');
  });

  it('makes no eval pairs without the messages a cell was sent: a shots column, an eval saved before tests kept them', () => {
    const feedback = { 'cell:0': { rating: 'up' as const }, 'cell:1': { rating: 'down' as const } };
    assert.deepEqual(preferencePairs([evaluation(['a', 'b', 'c', 'd'], feedback, { shots: true })]), [], 'shots 0 and shots 1 sent different prompts');
    assert.deepEqual(preferencePairs([evaluation(['a', 'b', 'c', 'd'], feedback, { withMessages: false })]), []);
    // Tests still come out of them.
    assert.equal(testCases([evaluation(['a', 'b', 'c', 'd'], feedback, { withMessages: false })]).length, 2);
  });
});
