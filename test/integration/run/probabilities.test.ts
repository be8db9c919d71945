// Token probabilities in a real VS Code (issue 10): a run and a comparison on the local model, then
// the panel's own requests (logprobs/get, nextTokens/get, nextTokens/continue) through the test hook
// that runs the panel's handlers, so what the webview would get is checked end to end on the host.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LogprobsView, NextTokensView, ProbabilityHostMessages } from '../../../src/shared/probabilities';
import { eventually, untitledPrompt } from '../language/helpers';

const EXTENSION_ID = 'promptlab.prompt-lab';
const promptLab = () => vscode.workspace.getConfiguration('promptLab');
const ask = <T>(type: string, payload: unknown) => vscode.commands.executeCommand<T>('promptLab.probabilities.request', { type, payload });

describe('token probabilities in VS Code (local model)', function () {
  this.timeout(120_000);
  let document: vscode.TextDocument;

  before(async function () {
    const model = path.resolve(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, '../shared/models/stories260K.gguf');
    if (!existsSync(model)) this.skip();
    await promptLab().update('local.modelPath', model, vscode.ConfigurationTarget.Global);
    await eventually('the model path setting', () => promptLab().get('local.modelPath') === model);
    document = await untitledPrompt('---\nmodel: local\nconfig:\n  temperature: 0\n  maxOutputTokens: 16\n---\nOnce upon a time');
  });

  after(async () => {
    await promptLab().update('local.modelPath', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('keeps a run\'s token probabilities and answers the probability view and the explorer', async () => {
    const outcome = await vscode.commands.executeCommand<{ status: string; id: string; result: { text: string; parameters: Record<string, unknown> } }>('promptLab.runPrompt', document.uri);
    assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
    assert.equal(outcome.result.parameters.logprobs, 5, 'the run asked for 5 alternatives per token');
    const source = { kind: 'run', id: outcome.id };

    const view = (await ask<{ result: LogprobsView }>('logprobs/get', { source })).result;
    assert.equal(view.kind, 'tokens', JSON.stringify(view));
    if (view.kind !== 'tokens') return;
    assert.equal(view.tokens.map((token) => token.token).join(''), outcome.result.text);
    assert.ok(view.tokens.every((token) => token.top.length === 5));

    const next = (await ask<{ result: NextTokensView }>('nextTokens/get', { source, position: 2 })).result;
    assert.equal(next.kind, 'distribution', JSON.stringify(next));
    if (next.kind !== 'distribution') return;
    assert.equal(next.distribution.exact, true);
    assert.equal(next.distribution.tokens[0]!.text, view.tokens[2]!.token, 'at temperature 0 the run took the top token');

    const alternative = next.distribution.tokens[1]!;
    const branch = (await ask<ProbabilityHostMessages['nextTokens/branch']>('nextTokens/continue', {
      source, position: 2, token: { id: alternative.id, text: alternative.text }, settings: { temperature: 0, topK: 0, topP: 1, minP: 0 },
    })).result;
    assert.equal(branch.kind, 'branch', JSON.stringify(branch));
    if (branch.kind === 'branch') {
      assert.ok(branch.text.startsWith(alternative.text));
      assert.equal(branch.before, view.tokens.slice(0, 2).map((token) => token.token).join(''));
    }
    // A malformed request gets no answer rather than a crash.
    assert.equal(await ask('nextTokens/get', { source: { kind: 'nope' }, position: 0 }), undefined);
  });

  it('keeps every comparison cell\'s token probabilities', async () => {
    const outcome = await vscode.commands.executeCommand<{ status: string; comparison: { id: string; cells: { text: string }[] } }>('promptLab.compareTemperatures', document.uri, { temperatures: [0, 1], samples: 1 });
    assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
    for (const [cell, { text }] of outcome.comparison.cells.entries()) {
      const view = (await ask<{ result: LogprobsView }>('logprobs/get', { source: { kind: 'cell', comparison: outcome.comparison.id, cell } })).result;
      assert.equal(view.kind, 'tokens', JSON.stringify(view));
      if (view.kind === 'tokens') assert.equal(view.tokens.map((token) => token.token).join(''), text);
    }
  });
});
