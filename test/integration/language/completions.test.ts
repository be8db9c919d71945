// Completions at given positions, through the same command the editor's suggest widget uses.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { positionAfter, untitledPrompt, workspaceUri } from './helpers';

async function labels(document: vscode.TextDocument, position: vscode.Position, trigger?: string): Promise<string[]> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, position, trigger);
  // The editor adds the document's words (kind Text): not ours.
  return list.items.filter((item) => item.kind !== vscode.CompletionItemKind.Text).map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
}

const PROMPT = `---
model: openai/gpt-4o-mini
config:
  temperature: 0.7
  
input:
  schema:
    dialogue: string, the dialogue
    examples?(array):
      dialogue: string
      summary: string
  default:
    tone: friendly
---
{{role "system"}}You summarize.
{{#each examples}}{{role "user"}}{{}}{{/each}}
{{role "}}{{}}
`;

describe('Prompt Lab completions', () => {
  let document: vscode.TextDocument;
  before(async () => {
    document = await untitledPrompt(PROMPT);
  });

  it('offers the top-level frontmatter keys not yet written', async () => {
    const items = await labels(document, new vscode.Position(4, 0));
    for (const key of ['output', 'description', 'name', 'variant', 'version', 'tools', 'promptlab.examples', 'promptlab.reference']) assert.ok(items.includes(key), `${key} in ${items.join()}`);
    assert.ok(!items.includes('model') && !items.includes('input'), 'keys already there are not offered again');
  });

  it('offers config keys under config:', async () => {
    const items = await labels(document, new vscode.Position(4, 2));
    for (const key of ['topP', 'topK', 'maxOutputTokens', 'stopSequences', 'seed', 'presencePenalty', 'frequencyPenalty']) assert.ok(items.includes(key), `${key} in ${items.join()}`);
    assert.ok(!items.includes('temperature'), 'temperature is already set');
    assert.ok(!items.includes('model'), 'not the top-level keys');
  });

  it('offers models after model:', async () => {
    const items = await labels(document, positionAfter(document, 'model: '), ' ');
    assert.deepEqual(items.sort(), ['local/stories260K', 'openai/gpt-4.1', 'openai/gpt-4.1-mini', 'openai/gpt-4o', 'openai/gpt-4o-mini']);
  });

  it('offers helpers and the declared variables inside {{ }}', async () => {
    const items = await labels(document, positionAfter(document, '{{role "}}{{'), '{');
    for (const name of ['role', 'history', 'json', 'media', 'section', 'if', 'each', 'dialogue', 'examples', 'tone']) assert.ok(items.includes(name), `${name} in ${items.join()}`);
    assert.ok(!items.includes('@index'), 'no each data outside {{#each}}');
  });

  it('offers the item fields inside {{#each}}', async () => {
    const items = await labels(document, positionAfter(document, '{{role "user"}}{{'), '{');
    for (const name of ['dialogue', 'summary', 'this', '@index']) assert.ok(items.includes(name), `${name} in ${items.join()}`);
    assert.ok(!items.includes('tone'), 'the root inputs are not in scope inside the block');
  });

  it('offers role names inside {{role "…"}}', async () => {
    const items = await labels(document, positionAfter(document, '{{role "}}', -2), '"');
    assert.deepEqual(items.sort(), ['model', 'system', 'tool', 'user']);
  });

  it('offers partial names after {{> from beside the prompt and the prompts folder', async () => {
    const prompt = await vscode.workspace.openTextDocument(workspaceUri('uses-partial.prompt'));
    const items = await labels(prompt, positionAfter(prompt, '{{> '), ' ');
    assert.deepEqual(items.sort(), ['greeting', 'signature']);
  });

  it('offers nothing in plain text', async () => {
    assert.deepEqual(await labels(document, positionAfter(document, 'You summ')), []);
  });
});
