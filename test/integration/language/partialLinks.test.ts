// Partials through symbolic links in the real editor (workspaceEnvironment.ts): a link out of the
// prompt's folders (`_pw.prompt -> a secret`, as a cloned repository can hold) is refused with a
// diagnostic that says why, and its text is never read; a link within the folders still works.
// The links and the prompt are made in the workspace for this suite and removed after it.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { eventually, openPrompt, revertAndClose, workspaceUri } from './helpers';

const promptLab = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === 'Prompt Lab');

describe('Prompt Lab partials through symbolic links', () => {
  const made: string[] = [];
  let outside: string;
  let document: vscode.TextDocument | undefined;

  before(function () {
    // On disk only: a virtual workspace has no symbolic links to make.
    if (workspaceUri().scheme !== 'file') this.skip();
    const folder = workspaceUri().fsPath;
    outside = mkdtempSync(path.join(tmpdir(), 'prompt-lab-outside-'));
    writeFileSync(path.join(outside, 'passwd'), 'root:x:0:0:SECRET-LINE\n');
    const link = (target: string, name: string) => {
      symlinkSync(target, path.join(folder, name));
      made.push(path.join(folder, name));
    };
    link(path.join(outside, 'passwd'), '_pw-link.prompt');
    link('_greeting.prompt', '_greeting-link.prompt');
    writeFileSync(path.join(folder, 'links.prompt'), 'Hello.\n{{> greeting-link}}\n{{> pw-link}}\n');
    made.push(path.join(folder, 'links.prompt'));
  });
  after(async () => {
    if (document) await revertAndClose(document);
    for (const file of made) rmSync(file, { force: true });
    if (outside) rmSync(outside, { recursive: true, force: true });
  });

  it('refuses the link out of the workspace with the reason, and reads the link within it', async () => {
    ({ document } = await openPrompt('links.prompt'));
    const diagnostics = await eventually('the refused partial', () => promptLab(document!.uri).length > 0 && promptLab(document!.uri));
    // Only the outside link: the inside one (_greeting-link.prompt -> _greeting.prompt) was found.
    assert.deepEqual(diagnostics.map((diagnostic) => String(diagnostic.code)), ['partial-not-found']);
    assert.equal(document!.getText(diagnostics[0]!.range), 'pw-link');
    assert.match(diagnostics[0]!.message, /^Partial 'pw-link' \(.*_pw-link\.prompt\) is a link to a file outside the prompt's folders; refused\.$/);
    assert.ok(!diagnostics[0]!.message.includes('SECRET'));
  });
});
