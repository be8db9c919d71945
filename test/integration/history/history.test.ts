// History in a real VS Code on the embedded local model: a run and a comparison land in History when
// they end, reopen in the panel, compare side by side, take feedback that is kept in the record (and
// read back after the panel is closed and opened again), and can be deleted. Untitled prompts: their
// records go to the extension's global storage, never into the test workspace.
import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ComparisonRecord } from '../../../src/core/comparison';
import type { HistoryEntry } from '../../../src/core/history/types';
import type { RecordComparisonView } from '../../../src/core/recordComparison';
import { eventually, untitledPrompt } from '../language/helpers';

const EXTENSION_ID = 'promptlab.prompt-lab';
const promptLab = () => vscode.workspace.getConfiguration('promptLab');
const setGlobal = (key: string, value: unknown) => promptLab().update(key, value, vscode.ConfigurationTarget.Global);
const list = () => vscode.commands.executeCommand<HistoryEntry[]>('promptLab.history.list');
const panelOpen = () => vscode.window.tabGroups.all.flatMap((group) => group.tabs)
  .some((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('promptLab.panel'));

const TALE = '---\nmodel: local\nconfig:\n  maxOutputTokens: 12\n---\nOnce upon a time, there was a little dog. One day,';

describe('History in VS Code', function () {
  this.timeout(120_000);
  let document: vscode.TextDocument;
  let runId: string;
  let comparison: ComparisonRecord;

  before(async function () {
    const extensionPath = vscode.extensions.getExtension(EXTENSION_ID)?.extensionPath ?? '';
    const model = path.resolve(extensionPath, '../shared/models/stories260K.gguf');
    assert.ok(existsSync(model), `the test model is at ${model}`);
    document = await untitledPrompt(TALE);
    await eventually('activation', () => vscode.extensions.getExtension(EXTENSION_ID)?.isActive);
    await setGlobal('local.modelPath', model);
    await eventually('the model path setting', () => promptLab().get('local.modelPath') === model);
  });

  after(async () => {
    await setGlobal('local.modelPath', undefined);
    if (!document.isClosed) {
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('keeps a run when it ends: its kind, prompt and target in the list, newest first', async () => {
    const outcome = await vscode.commands.executeCommand<{ status: string; id: string; result: { text: string } }>('promptLab.runPrompt', document.uri);
    assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
    runId = outcome.id;
    const entry = await eventually('the run in History', async () => (await list()).find((each) => each.id === runId));
    assert.equal(entry.kind, 'run');
    assert.equal(entry.promptFile, document.uri.toString());
    assert.equal(entry.backend, 'local');
    assert.deepEqual([entry.completions, entry.done], [1, 1]);
  });

  it('keeps a comparison, reopens both in the panel and compares the two records', async () => {
    const outcome = await vscode.commands.executeCommand<{ status: string; comparison: ComparisonRecord }>('promptLab.compareTemperatures', document.uri, { temperatures: [0, 1], samples: 1, seed: 5 });
    assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
    comparison = outcome.comparison;
    const entries = await eventually('the comparison in History', async () => {
      const all = await list();
      return all.some((each) => each.id === comparison.id) && all;
    });
    assert.equal(entries[0]!.id, comparison.id, 'newest first');
    assert.deepEqual(entries[0]!.varied, ['temperature 0, 1']);

    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    assert.equal(await vscode.commands.executeCommand('promptLab.history.open', runId), 'run');
    await eventually('the panel', () => panelOpen());
    assert.equal(await vscode.commands.executeCommand('promptLab.history.open', comparison.id), 'comparison');
    // The reopened comparison is the panel's: export acts on it.
    const exported = path.join(path.dirname(path.dirname(__dirname)), `reopened-${Date.now()}.json`);
    await vscode.commands.executeCommand('promptLab.compare.export', 'json', vscode.Uri.file(exported), comparison.id);
    assert.deepEqual((JSON.parse(readFileSync(exported, 'utf8')) as ComparisonRecord).cells.map((cell) => cell.text), comparison.cells.map((cell) => cell.text));

    const view = await vscode.commands.executeCommand<RecordComparisonView>('promptLab.history.compareRecords', runId, comparison.id);
    assert.equal(view.left.id, runId, 'the older record on the left');
    assert.equal(view.right.id, comparison.id);
    assert.equal(view.left.promptText, view.right.promptText, 'the same prompt was sent');
    assert.equal(view.pairs.length, 2, 'the run against each cell');
    assert.equal(view.pairs[0]!.right!.text, comparison.cells[0]!.text);
    assert.ok(view.settings.some((row) => row.name === 'varied: temperature' && row.differs && row.right === '0, 1'));
  });

  it('keeps feedback in the record: read back after the panel closes and the record reopens', async () => {
    const saved = await vscode.commands.executeCommand<Record<string, { rating?: string; note?: string }>>('promptLab.history.setFeedback', comparison.id, 'cell:1', { rating: 'up', note: 'best of the two' });
    assert.deepEqual({ rating: saved['cell:1']!.rating, note: saved['cell:1']!.note }, { rating: 'up', note: 'best of the two' });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const entry = (await list()).find((each) => each.id === comparison.id)!;
    assert.deepEqual(entry.ratings, { up: 1, down: 0 });
    assert.deepEqual(entry.rated, { 'cell:1': 'up' });
    const file = await vscode.commands.executeCommand<vscode.Uri>('promptLab.history.revealJson', comparison.id);
    const record = JSON.parse(readFileSync(file.fsPath, 'utf8')) as { feedback: Record<string, { note?: string }> };
    assert.equal(record.feedback['cell:1']!.note, 'best of the two');
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, file.fsPath, 'the JSON is shown');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // Feedback on a record that is not there is refused with a reason.
    const refused = await vscode.commands.executeCommand('promptLab.history.setFeedback', 'no-such-record', 'run', { rating: 'down' });
    assert.equal(refused, undefined);
  });

  it('deletes a record', async () => {
    assert.equal(await vscode.commands.executeCommand('promptLab.history.delete', runId), true);
    assert.equal((await list()).some((each) => each.id === runId), false);
  });
});
