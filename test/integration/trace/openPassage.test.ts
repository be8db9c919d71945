// The trace view's passage links in a real VS Code: the host's `trace/openPassage` handler opens a
// workspace file with the passage's lines selected, and refuses every path that is not a file
// inside the workspace (also through a symbolic link), without opening anything.
import * as assert from 'node:assert/strict';
import { existsSync, rmSync, symlinkSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { openPassage } from '../../../src/extension/trace/openPassage';

describe('trace/openPassage in VS Code', () => {
  const folder = () => vscode.workspace.workspaceFolders![0]!.uri.fsPath;
  const outsideLink = () => path.join(folder(), 'trace-outside-link.md');
  const insideLink = () => path.join(folder(), 'trace-inside-link.md');

  before(() => {
    for (const link of [outsideLink(), insideLink()]) rmSync(link, { force: true });
    // ../summarize.prompt is a real file next to the workspace folder (test/fixtures/summarize.prompt).
    symlinkSync(path.join('..', 'summarize.prompt'), outsideLink());
    symlinkSync('story.prompt', insideLink());
  });

  after(async () => {
    for (const link of [outsideLink(), insideLink()]) rmSync(link, { force: true });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens a workspace file with the passage\'s lines selected', async () => {
    const outcome = await openPassage({ file: 'story.prompt', startLine: 2, endLine: 3 });
    assert.ok('opened' in outcome, JSON.stringify(outcome));
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.document.uri.fsPath, path.join(folder(), 'story.prompt'));
    assert.equal(editor.selection.start.line, 1);
    assert.equal(editor.selection.start.character, 0);
    assert.equal(editor.selection.end.line, 2);
    assert.equal(editor.selection.end.character, editor.document.lineAt(2).text.length);
  });

  it('keeps lines past the end of a file that changed within it, and follows a link inside the workspace', async () => {
    const outcome = await openPassage({ file: './prompts/../trace-inside-link.md', startLine: 1, endLine: 1 });
    // `..` is refused even where it would stay inside: a passage's path is plain names.
    assert.deepEqual(outcome, { refused: 'the passage\'s path leads out of the workspace' });
    const linked = await openPassage({ file: 'trace-inside-link.md', startLine: 5, endLine: 100_000 });
    assert.ok('opened' in linked, JSON.stringify(linked));
    const { document, selection } = vscode.window.activeTextEditor!;
    assert.equal(linked.endLine, document.lineCount);
    assert.equal(selection.end.line, document.lineCount - 1);
    assert.equal(selection.start.line, 4);
  });

  it('refuses paths outside the workspace, through a link, absolute, with a scheme, missing, or a folder', async () => {
    const outside = path.resolve(folder(), '..', 'summarize.prompt');
    assert.ok(existsSync(outside), 'the file outside the workspace exists');
    const before = vscode.window.visibleTextEditors.map((editor) => editor.document.uri.toString());
    const cases: [unknown, RegExp][] = [
      [{ file: '../summarize.prompt', startLine: 1, endLine: 1 }, /leads out of the workspace/],
      [{ file: 'trace-outside-link.md', startLine: 1, endLine: 1 }, /outside the workspace \(through a symbolic link\)/],
      [{ file: outside, startLine: 1, endLine: 1 }, /not relative to the workspace/],
      [{ file: '/etc/passwd', startLine: 1, endLine: 1 }, /not relative to the workspace/],
      [{ file: vscode.Uri.file(outside).toString(), startLine: 1, endLine: 1 }, /not relative to the workspace/],
      [{ file: '..\\summarize.prompt', startLine: 1, endLine: 1 }, /backslash/],
      [{ file: 'no-such-file.md', startLine: 1, endLine: 1 }, /not in the workspace/],
      [{ file: 'prompts', startLine: 1, endLine: 1 }, /not in the workspace/],
      [{ file: 'story.prompt', startLine: 0, endLine: 1 }, /not line numbers/],
      [{ file: 'story.prompt', startLine: 3, endLine: 2 }, /not line numbers/],
      [undefined, /names no file/],
    ];
    for (const [request, reason] of cases) {
      const outcome = await openPassage(request);
      assert.ok('refused' in outcome, `${JSON.stringify(request)} was opened`);
      assert.match(outcome.refused, reason, JSON.stringify(request));
    }
    assert.deepEqual(vscode.window.visibleTextEditors.map((editor) => editor.document.uri.toString()), before, 'nothing was opened');
    assert.ok(!vscode.workspace.textDocuments.some((document) => document.uri.fsPath === outside), 'the outside file was never loaded');
  });
});
