// Diagnostics in the real editor: where they are, that they follow edits, and partials.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { editedDocuments, eventually, openPrompt, replaceText, revertAndClose, untitledPrompt, workspaceUri } from './helpers';

const promptLab = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === 'Prompt Lab');
const summary = (diagnostic: vscode.Diagnostic) => {
  const { start, end } = diagnostic.range;
  return `${String(diagnostic.code)} ${vscode.DiagnosticSeverity[diagnostic.severity]} ${start.line}:${start.character}-${end.line}:${end.character}`;
};
const codes = (uri: vscode.Uri) => promptLab(uri).map((diagnostic) => String(diagnostic.code));

describe('Prompt Lab diagnostics', () => {
  const touched = editedDocuments();

  it('marks a broken prompt\'s problems at their exact ranges', async () => {
    const { document } = await openPrompt('broken.prompt');
    touched.push(document);
    const diagnostics = await eventually('diagnostics for broken.prompt', () => promptLab(document.uri).length === 2 && promptLab(document.uri));
    // `temperature: 3` (line 4, the value) and `{{topicc}}` (line 10, the name).
    assert.deepEqual(diagnostics.map(summary), ['config-range Error 3:15-3:16', 'undeclared-variable Warning 9:31-9:37']);
    assert.match(diagnostics[0]!.message, /temperature/);
    assert.match(diagnostics[1]!.message, /did you mean 'topic'/);
    assert.equal(document.getText(diagnostics[1]!.range), 'topicc');
  });

  it('follows edits: a new error appears, and fixing each problem clears it', async () => {
    const { document } = await openPrompt('broken.prompt');
    touched.push(document);
    await eventually('the initial diagnostics', () => promptLab(document.uri).length === 2);

    await replaceText(document, 'temperature: 3', 'temperature: 0.5');
    await eventually('the range error to go', () => codes(document.uri).join() === 'undeclared-variable');

    await replaceText(document, '{{topicc}}', '{{topic}} {{}}');
    const broken = await eventually('a template syntax error', () => codes(document.uri).join() === 'template-syntax' && promptLab(document.uri));
    // The closing braces of the empty expression.
    assert.deepEqual(broken.map(summary), ['template-syntax Error 9:41-9:43']);

    await replaceText(document, ' {{}}', '');
    await eventually('no diagnostics once everything is fixed', () => promptLab(document.uri).length === 0 && document.isDirty);
  });

  it('finds partials beside the prompt and in the prompts folder, and reports a missing one', async () => {
    const { document } = await openPrompt('uses-partial.prompt');
    touched.push(document);
    // Clean at first, which cannot be told from "not checked yet"; one missing partial, and only
    // that one reported, shows that the other two were found (beside it, and in prompts/).
    await replaceText(document, '{{> signature}}', '{{> signature}}{{> nowhere}}');
    const [missing] = await eventually('partial-not-found', () => codes(document.uri).join() === 'partial-not-found' && promptLab(document.uri));
    assert.equal(document.getText(missing!.range), 'nowhere');
    assert.match(missing!.message, /_nowhere\.prompt/);
    await replaceText(document, '{{> nowhere}}', '');
    await eventually('the partials to be found again', () => promptLab(document.uri).length === 0);
  });

  it('re-checks an open prompt when a partial it includes changes', async () => {
    const { document } = await openPrompt('uses-partial.prompt');
    touched.push(document);
    const partial = await vscode.workspace.openTextDocument(workspaceUri('_greeting.prompt'));
    touched.push(partial);
    // The partial's unsaved text counts: make it include itself.
    const edit = new vscode.WorkspaceEdit();
    edit.insert(partial.uri, new vscode.Position(0, 0), '{{> greeting}}');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const [cycle] = await eventually('a partial cycle in the includer', () => codes(document.uri).includes('partial-cycle') && promptLab(document.uri));
    assert.equal(document.getText(cycle!.range), 'greeting');
    await revertAndClose(partial);
    await eventually('the cycle to go with the edit', () => promptLab(document.uri).length === 0);
  });

  it('forgets a prompt\'s diagnostics when it is closed', async () => {
    const { document } = await openPrompt('broken.prompt');
    touched.push(document);
    await eventually('diagnostics', () => promptLab(document.uri).length > 0);
    // Closing the tab does not close the document at once (VS Code keeps documents opened through
    // the API alive for minutes); a change of language closes it as a dotprompt document at once.
    const plain = await vscode.languages.setTextDocumentLanguage(document, 'plaintext');
    try {
      await eventually('the diagnostics to be cleared', () => promptLab(document.uri).length === 0);
    } finally {
      await vscode.languages.setTextDocumentLanguage(plain, 'dotprompt');
    }
    await eventually('the diagnostics to come back with the language', () => promptLab(document.uri).length === 2);
  });

  it('warns at a promptlab.retrieve glob that matches no file in the workspace folder, and not once it matches', async () => {
    // Untitled: retrieval searches the first workspace folder (test/fixtures/workspace), whose
    // prompts/ folder holds .prompt files and which has no folder no-such-folder/.
    const document = await untitledPrompt('---\npromptlab.retrieve:\n  from: ["prompts/*.prompt", "no-such-folder/**/*.md"]\n---\nHi');
    await vscode.window.showTextDocument(document);
    const [warning] = await eventually('retrieve-no-match', () => codes(document.uri).join() === 'retrieve-no-match' && promptLab(document.uri));
    assert.equal(summary(warning!), 'retrieve-no-match Warning 2:29-2:53');
    assert.equal(document.getText(warning!.range), '"no-such-folder/**/*.md"');
    assert.match(warning!.message, /matches no file in the workspace folder 'workspace': a run would fail/);
    await replaceText(document, 'no-such-folder/**/*.md', '*.prompt');
    await eventually('the warning to go once the glob matches', () => promptLab(document.uri).length === 0);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('refuses a __proto__ key as an error where it is written, and the extension host stays unpolluted', async () => {
    // Opening a file is enough for the checks and the token count to parse it (Restricted Mode too).
    const document = await untitledPrompt('---\n__proto__.PROMPT_LAB_POLLUTED: "--import=data:text/javascript,1"\n---\nHi');
    await vscode.window.showTextDocument(document);
    const [unsafe] = await eventually('unsafe-key', () => codes(document.uri).includes('unsafe-key') && promptLab(document.uri).filter((d) => d.code === 'unsafe-key'));
    assert.equal(summary(unsafe!), 'unsafe-key Error 1:0-1:29');
    assert.equal((({}) as Record<string, unknown>).PROMPT_LAB_POLLUTED, undefined);
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });
});
