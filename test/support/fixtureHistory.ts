// The history the test workspace collects: the integration layer opens test/fixtures/workspace itself
// (its runs and evals land in its .promptlab/history), and the e2e layer copies that folder into
// each workbench. Cleared before either starts, so a rerun starts with no records from the last one;
// only that one folder is ever removed.
import { rmdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';

export const FIXTURE_WORKSPACE = path.resolve(__dirname, '../../../test/fixtures/workspace');
export const FIXTURE_HISTORY = path.join(FIXTURE_WORKSPACE, '.promptlab', 'history');

/** Removes test/fixtures/workspace/.promptlab/history (and .promptlab when nothing else is in it). */
export function clearFixtureHistory(): void {
  if (path.relative(FIXTURE_WORKSPACE, FIXTURE_HISTORY) !== path.join('.promptlab', 'history')) throw new Error(`refusing to clear ${FIXTURE_HISTORY}`);
  rmSync(FIXTURE_HISTORY, { recursive: true, force: true });
  try {
    rmdirSync(path.dirname(FIXTURE_HISTORY)); // only when empty
  } catch {
    // not there, or something else is kept in it
  }
}

/** For cpSync: copies everything of the fixture but a history (a stale one from another run). */
export const notHistory = (source: string): boolean => path.basename(source) !== '.promptlab';
