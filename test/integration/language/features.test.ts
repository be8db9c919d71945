// CodeLens, the outline, hovers, the status bar's live token count and New Prompt from Template,
// in the real editor.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TokenCountState } from '../../../src/extension/language/tokenStatusBar';
import { editedDocuments, eventually, hoverText, openPrompt, positionAfter, replaceText, untitledPrompt, workspaceUri } from './helpers';

const codeLensTitles = async (uri: vscode.Uri) =>
  (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)).map((lens) => lens.command?.title ?? '');

const hover = async (document: vscode.TextDocument, position: vscode.Position) =>
  hoverText(await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, position));

const tokenCount = () => vscode.commands.executeCommand<TokenCountState>('promptLab.tokenCount.current');

describe('Prompt Lab editor features', () => {
  const touched = editedDocuments();

  it('puts Run, Compare Temperatures and the token count above the body', async () => {
    const uri = workspaceUri('summarize.prompt');
    const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
    assert.deepEqual(lenses.map((lens) => lens.range.start.line), [9, 9, 9], 'the body starts on line 10');
    assert.deepEqual(lenses.map((lens) => lens.command?.command), ['promptLab.runPrompt', 'promptLab.compareTemperatures', 'promptLab.openPanel']);
    const titles = await eventually('a token count in the lens', async () => {
      const current = await codeLensTitles(uri);
      return /^\d+ tokens$/.test(current[2]!) && current;
    });
    assert.deepEqual(titles.slice(0, 2), ['▶ Run', '⇆ Compare Temperatures']);
  });

  it('shows "tokens: –" in the lens of a prompt with errors', async () => {
    const titles = await eventually('the lenses of broken.prompt', async () => {
      const current = await codeLensTitles(workspaceUri('broken.prompt'));
      return current.length === 3 && current;
    });
    assert.deepEqual(titles, ['▶ Run', '⇆ Compare Temperatures', 'tokens: –']);
  });

  it('puts no Run lens on a partial, which only runs inside the prompts that include it', async () => {
    assert.deepEqual(await codeLensTitles(workspaceUri('_greeting.prompt')), []);
  });

  it('outlines the frontmatter and each role', async () => {
    const symbols = await vscode.commands.executeCommand<vscode.DocumentSymbol[]>('vscode.executeDocumentSymbolProvider', workspaceUri('uses-partial.prompt'));
    assert.deepEqual(symbols.map((symbol) => symbol.name), ['Frontmatter', 'system', 'user']);
    assert.deepEqual(symbols[0]!.children.map((child) => child.name), ['model', 'input']);
    assert.deepEqual(symbols[1]!.children.map((child) => child.name), ['> greeting']);
    assert.deepEqual(symbols[2]!.children.map((child) => child.name), ['> signature']);
    // A role's block runs to the next marker.
    assert.equal(symbols[1]!.range.start.line, 8);
    assert.equal(symbols[1]!.range.end.line, 9);
    assert.equal(symbols[2]!.range.start.line, 9);
  });

  it('shows a variable\'s type, description and default on hover', async () => {
    const document = await vscode.workspace.openTextDocument(workspaceUri('uses-partial.prompt'));
    const text = await hover(document, positionAfter(document, '{{na'));
    assert.match(text, /\*\*name\*\*: `string` \(required\)/);
    assert.match(text, /Default:[\s\S]*Ada/);
  });

  it('shows an item field\'s type on hover inside {{#each}}', async () => {
    const document = await untitledPrompt('---\ninput:\n  schema:\n    shots(array):\n      question: string, what is asked\n      answer?: number\n---\n{{#each shots}}Q: {{question}} A: {{answer}}{{/each}}\n');
    assert.match(await hover(document, positionAfter(document, '{{quest')), /\*\*question\*\*: `string` \(required\)\s+what is asked/);
    assert.match(await hover(document, positionAfter(document, '{{ans')), /\*\*answer\*\*: `number` \(optional\)/);
    assert.match(await hover(document, positionAfter(document, '{{#each sh')), /\*\*shots\*\*: `array`[\s\S]*Fields: `question`, `answer`/);
  });

  it('explains config keys and role markers on hover', async () => {
    const document = await vscode.workspace.openTextDocument(workspaceUri('summarize.prompt'));
    assert.match(await hover(document, positionAfter(document, 'temp')), /config\.temperature\*\*: a number from 0 to 2/);
    const role = await hover(document, positionAfter(document, '{{role "us'));
    assert.match(role, /starts a `user` message/);
    assert.match(role, /Message 2 of 2 \(.*cue\): \*\*\d+ tokens\*\*/);
  });

  it('counts the active prompt\'s tokens in the status bar, and recounts after an edit', async () => {
    const { document } = await openPrompt('summarize.prompt');
    touched.push(document);
    const first = await eventually('a count for the open prompt', async () => {
      const state = await tokenCount();
      return state.state === 'counted' && state.version === document.version && state.uri === document.uri.toString() && state;
    });
    assert.equal(first.tokenizer, 'o200k_base');
    assert.equal(first.exact, true);

    await replaceText(document, 'in one sentence.', 'in one sentence, naming every speaker and what each of them decided.');
    const second = await eventually('a count for the edited text', async () => {
      const state = await tokenCount();
      return state.state === 'counted' && state.version === document.version && state;
    });
    assert.ok(second.total! > first.total!, `${second.total} > ${first.total}`);

    await replaceText(document, 'temperature: 0.7', 'temperature: 7');
    await eventually('the errors state', async () => {
      const state = await tokenCount();
      return state.state === 'errors' && state.version === document.version;
    });
  });

  it('hides the count for editors that are not prompts', async () => {
    const other = await vscode.workspace.openTextDocument({ language: 'plaintext', content: 'not a prompt' });
    await vscode.window.showTextDocument(other);
    await eventually('the count to hide', async () => (await tokenCount()).state === 'hidden');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('creates a new untitled prompt from a template', async () => {
    const uri = await vscode.commands.executeCommand<vscode.Uri>('promptLab.newPromptFromTemplate', { template: 'summarize-dialogue' });
    const document = vscode.window.activeTextEditor!.document;
    touched.push(document);
    assert.equal(document.uri.toString(), uri.toString());
    assert.equal(uri.scheme, 'untitled');
    assert.equal(document.languageId, 'dotprompt');
    assert.match(document.getText(), /^---\ndescription: Summarizes a dialogue/);
  });
});
