// What the host accepts as a retrieved passage's file before it opens it (trace/openPassage): plain
// names below a workspace folder, nothing that leads out of it.
import * as assert from 'node:assert/strict';
import { PASSAGE_LINE_LIMIT, PASSAGE_PATH_LIMIT, passageLines, passageSegments } from '../../src/core/patterns/passagePath';

describe('passage paths (trace/openPassage)', () => {
  it('takes a workspace-relative path as its names', () => {
    assert.deepEqual(passageSegments('docs/guide.md'), { segments: ['docs', 'guide.md'] });
    assert.deepEqual(passageSegments('./docs//a b/ü.md'), { segments: ['docs', 'a b', 'ü.md'] });
    assert.deepEqual(passageSegments('README.md'), { segments: ['README.md'] });
    // Dots inside names, and a colon after the first name, are names.
    assert.deepEqual(passageSegments('docs/..hidden/v1.2..3/a:b.md'), { segments: ['docs', '..hidden', 'v1.2..3', 'a:b.md'] });
    assert.deepEqual(passageSegments('app/[id]/page.md'), { segments: ['app', '[id]', 'page.md'] });
  });

  it('refuses paths that are absolute, lead out, name a drive or a scheme, or use backslashes', () => {
    const refused: [unknown, RegExp][] = [
      ['../secrets.md', /leads out/],
      ['docs/../../etc/passwd', /leads out/],
      ['docs/..', /leads out/],
      ['/etc/passwd', /not relative/],
      ['//server/share/x.md', /not relative/],
      ['~/notes.md', /not relative/],
      ['C:/Windows/win.ini', /not relative/],
      ['c:secrets.md', /not relative/],
      ['file:///etc/passwd', /not relative/],
      ['vscode-remote://host/etc/passwd', /not relative/],
      ['..\\..\\etc\\passwd', /backslash/],
      ['docs\\guide.md', /backslash/],
      ['docs/guide.md\u0000.png', /control/],
      ['docs/\nforged.md', /control/],
      ['', /names no file/],
      ['.', /names no file/],
      ['./', /names no file/],
      [`docs/${'a'.repeat(PASSAGE_PATH_LIMIT)}`, /too long/],
      [undefined, /names no file/],
      [42, /names no file/],
      [['docs', 'a.md'], /names no file/],
    ];
    for (const [file, reason] of refused) {
      const result = passageSegments(file);
      assert.ok('refused' in result, `${JSON.stringify(file)} was accepted as ${JSON.stringify(result)}`);
      assert.match(result.refused, reason, JSON.stringify(file));
    }
  });

  it('takes 1-based inclusive line numbers in order, and nothing else', () => {
    assert.deepEqual(passageLines(1, 1), { startLine: 1, endLine: 1 });
    assert.deepEqual(passageLines(12, 19), { startLine: 12, endLine: 19 });
    for (const [start, end] of [[0, 3], [5, 4], [1.5, 2], [-1, 2], ['1', 2], [1, undefined], [1, Number.NaN], [1, Infinity], [1, PASSAGE_LINE_LIMIT + 1]] as [unknown, unknown][]) {
      assert.equal(passageLines(start, end), undefined, `${String(start)}–${String(end)}`);
    }
  });
});
