// The History view's layout for many records: groups by prompt (the newest prompt's open, the others
// closed) and pages of records behind "older" nodes, so a big history is never all tree items at once.
import * as assert from 'node:assert/strict';
import { HISTORY_PAGE, historyGroups, historyPage } from '../../src/core/history/viewGroups';
import type { HistoryEntry } from '../../src/core/history/types';

const entry = (i: number, promptFile: string): HistoryEntry => ({
  id: `r${i}`, kind: 'run', createdAt: new Date(Date.UTC(2026, 0, 1) - i * 60_000).toISOString(), promptFile, promptName: promptFile.split('/').pop()!,
  backend: 'local', model: 'stories260K', varied: [], completions: 1, done: 1, ratings: { up: 0, down: 0 }, rated: {},
} as unknown as HistoryEntry);

describe('History view groups and pages', () => {
  // 10,000 records, newest first, over 50 prompts; the newest is of p7.
  const entries = Array.from({ length: 10_000 }, (_, i) => entry(i, i === 0 ? '/w/p7.prompt' : `/w/p${i % 50}.prompt`));

  it('groups by prompt in the order of each prompt\'s newest record, only the first open', () => {
    const groups = historyGroups(entries);
    assert.equal(groups.length, 50);
    assert.equal(groups[0]!.key, '/w/p7.prompt');
    assert.equal(groups[0]!.name, 'p7.prompt');
    assert.deepEqual(groups.map((g) => g.expanded).filter(Boolean), [true]);
    assert.equal(groups[1]!.key, '/w/p1.prompt');
    assert.equal(groups.reduce((n, g) => n + g.entries.length, 0), 10_000);
    assert.deepEqual(groups[0]!.entries.slice(0, 2).map((e) => e.id), ['r0', 'r7']);
    assert.deepEqual(historyGroups([entry(1, '')]).map((g) => [g.key, g.name]), [['', '(no prompt file)']]);
  });

  it('pages a group: one page of records, then a node for the rest, down to the last record', () => {
    const one = historyGroups(Array.from({ length: 250 }, (_, i) => entry(i, '/w/a.prompt')))[0]!;
    const first = historyPage(one.entries, 0);
    assert.equal(first.records.length, HISTORY_PAGE);
    assert.deepEqual(first.older, { start: HISTORY_PAGE, count: 250 - HISTORY_PAGE });
    const second = historyPage(one.entries, first.older!.start);
    assert.equal(second.records[0]!.id, `r${HISTORY_PAGE}`);
    const last = historyPage(one.entries, second.older!.start);
    assert.equal(last.records.length, 250 - 2 * HISTORY_PAGE);
    assert.equal(last.records.at(-1)!.id, 'r249');
    assert.equal(last.older, undefined);
    assert.deepEqual(historyPage(one.entries.slice(0, HISTORY_PAGE), 0).older, undefined, 'exactly one page: no older node');
  });

  it('opens a 10,000-record history as at most one page of record items', () => {
    // What VS Code asks for at start: the groups, then the children of the open group only.
    const groups = historyGroups(entries);
    const shown = groups.filter((g) => g.expanded).map((g) => historyPage(g.entries, 0).records.length).reduce((a, b) => a + b, 0);
    assert.ok(shown <= HISTORY_PAGE, `${shown} record items`);
    const big = historyGroups(Array.from({ length: 10_000 }, (_, i) => entry(i, '/w/one.prompt')));
    assert.equal(historyPage(big[0]!.entries, 0).records.length, HISTORY_PAGE);
  });
});
