// The CLI's stderr lines for a pattern's events: what a user reads while an agent or a program runs.
// Model and workspace text must not reach the terminal as control sequences.
import * as assert from 'node:assert/strict';
import { eventText, executionLines, oneLine, retrievalLines, stepLine } from '../../src/cli/patternLines';

describe('CLI pattern lines', () => {
  it('one line per agent step: the action and what came back (passages counted for search)', () => {
    const base = { text: '', completionTokens: 3, latencyMs: 5 };
    assert.equal(stepLine(1, { ...base, action: { tool: 'search', argument: 'Hubble' }, observation: '[1] docs/a.md:1-3\nx\n\n[2] docs/b.md:4\ny\n\n[3] docs/c.md:2-9\nz' }), 'step 2: search[Hubble] -> 3 passages');
    assert.equal(stepLine(0, { ...base, action: { tool: 'calculate', argument: '1990 - 1969' }, observation: '21' }), 'step 1: calculate[1990 - 1969] -> 21');
    assert.equal(stepLine(2, { ...base, action: { tool: 'finish', argument: '21 years' } }), 'step 3: finish[21 years]');
    assert.equal(stepLine(0, { ...base, error: 'no Action: line' }), 'step 1: (no action) -> error: no Action: line');
    assert.equal(eventText('p: ', { kind: 'step', index: 0, step: { ...base, action: { tool: 'calculate', argument: '2' }, observation: '2' } }), 'p: step 1: calculate[2] -> 2\n');
  });

  it('a program: its code, console lines, and answer or error', () => {
    assert.deepEqual(executionLines({ language: 'javascript', code: 'const a = 1;\nconst answer = a;', console: ['hi'], answer: '1', durationMs: 3.4 }),
      ['code (2 lines):', '  const a = 1;', '  const answer = a;', 'console: hi', 'answer: 1 (3 ms)']);
    assert.deepEqual(executionLines({ language: 'javascript', console: [], error: 'the program used more than 32 MB and was stopped', durationMs: 12 }),
      ['error: the program used more than 32 MB and was stopped (12 ms)']);
  });

  it('the retrieved passages: file:lines and score', () => {
    assert.deepEqual(retrievalLines({ from: ['docs/**/*.md'], query: 'Hubble mirror', into: 'passages', files: 6, chunks: 14, durationMs: 2,
      passages: [{ file: 'docs/hubble-mirror.md', startLine: 3, endLine: 6, score: 4.217, text: 'x' }, { file: 'docs/a.md', startLine: 2, endLine: 2, score: 1, text: 'y' }] }),
    ["retrieved 2 passages for 'Hubble mirror' into passages (6 files, 14 chunks, 2 ms):", '  docs/hubble-mirror.md:3-6 4.22', '  docs/a.md:2 1.00']);
  });

  it('shows control characters as spaces and cuts long text', () => {
    assert.equal(oneLine('a\u001b[2Jb\rc\u0007d'), 'a [2Jb c d');
    assert.equal(oneLine('x'.repeat(200), 10), `${'x'.repeat(9)}…`);
  });
});
