// Evaluate in a real VS Code on the embedded local model: a prompt and its dataset beside it run
// through the engine's eval into the panel, every cell graded; a test with a var the prompt does not
// declare is skipped with its line; the hidden export command writes the eval as JUnit XML; and
// datasets get diagnostics and completions. The eval is kept in the workspace's history, rated there
// and reopened in the panel.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { EvalRecord } from '../../../src/core/eval';
import type { HistoryEntry } from '../../../src/core/history/types';
import { eventually, workspaceUri } from '../language/helpers';

const EXTENSION_ID = 'promptlab.prompt-lab';
const promptLab = () => vscode.workspace.getConfiguration('promptLab');
const setGlobal = (key: string, value: unknown) => promptLab().update(key, value, vscode.ConfigurationTarget.Global);
const datasetDiagnostics = (uri: vscode.Uri) => vscode.languages.getDiagnostics(uri).filter((diagnostic) => diagnostic.source === 'Prompt Lab');

type Outcome =
  | { status: 'finished'; evaluation: EvalRecord; streamed: { messages: number; cellUpdates: number } }
  | { status: 'not-run'; reason: string };

describe('Evaluate in VS Code', function () {
  this.timeout(120_000);
  let ran: EvalRecord | undefined;

  before(async function () {
    const extensionPath = vscode.extensions.getExtension(EXTENSION_ID)?.extensionPath ?? '';
    const model = path.resolve(extensionPath, '../shared/models/stories260K.gguf');
    assert.ok(existsSync(model), `the test model is at ${model}`);
    await eventually('activation', () => vscode.extensions.getExtension(EXTENSION_ID)?.isActive);
    await setGlobal('local.modelPath', model);
    await eventually('the model path setting', () => promptLab().get('local.modelPath') === model);
  });

  after(async () => {
    await setGlobal('local.modelPath', undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('offers Evaluate as a CodeLens on a prompt with a dataset beside it, and not on one without', async () => {
    const titles = async (uri: vscode.Uri) => {
      await vscode.workspace.openTextDocument(uri);
      return eventually(`the lenses of ${uri.path}`, async () => {
        const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri);
        return lenses.length > 0 && lenses.map((lens) => lens.command?.title ?? '');
      });
    };
    assert.ok((await titles(workspaceUri('evals', 'fable.prompt'))).includes('✓ Evaluate'));
    assert.ok(!(await titles(workspaceUri('story.prompt'))).includes('✓ Evaluate'));
  });

  it('runs the dataset beside the prompt on the local model into the panel, grading every cell', async () => {
    const result = await vscode.commands.executeCommand<Outcome>('promptLab.evaluate', workspaceUri('evals', 'fable.prompt'), {});
    assert.equal(result.status, 'finished', JSON.stringify(result));
    const { evaluation, streamed } = result as Extract<Outcome, { status: 'finished' }>;
    assert.equal(evaluation.kind, 'eval');
    assert.deepEqual(evaluation.columns.map((column) => column.label), ['variant default']);
    assert.equal(evaluation.tests.length, 4);
    // The test with `charakter` is skipped, its problem placed at its line (0-based 18: `charakter: bird`).
    const bad = evaluation.tests[2]!;
    assert.ok(bad.problems.length > 0, JSON.stringify(bad));
    assert.equal(bad.problems[0]!.field.startsWith('vars'), true, JSON.stringify(bad.problems));
    assert.equal(evaluation.cells.length, 3, 'one cell per runnable test');
    for (const cell of evaluation.cells) {
      assert.equal(cell.status, 'done', JSON.stringify(cell));
      assert.equal(cell.result!.backend, 'local');
      assert.ok(cell.outcome, 'graded');
    }
    const byTest = (test: number) => evaluation.cells.find((cell) => cell.test === test)!;
    assert.equal(byTest(0).outcome!.pass, true, JSON.stringify(byTest(0).assertions));
    assert.equal(byTest(1).outcome!.pass, false);
    assert.match(byTest(1).outcome!.reason, /quantum chromodynamics/);
    // The workspace is trusted here (the test host disables Restricted Mode): code runs.
    assert.equal(byTest(3).outcome!.pass, true, JSON.stringify(byTest(3).assertions));
    assert.equal(evaluation.summary?.passed, 2);
    assert.ok(streamed.messages >= 1 && streamed.cellUpdates >= 3);

    const folder = mkdtempSync(path.join(tmpdir(), 'prompt-lab-eval-'));
    const target = vscode.Uri.file(path.join(folder, 'fable.xml'));
    const written = await vscode.commands.executeCommand<string>('promptLab.eval.export', 'junit', target);
    assert.equal(written, target.toString());
    const xml = readFileSync(target.fsPath, 'utf8');
    assert.match(xml, /<testsuites/);
    assert.match(xml, /never says this/);
    assert.match(xml, /<failure/);
    ran = evaluation;
  });

  it('keeps the eval in the workspace\'s history, takes a rating of a cell, and reopens it in the eval view', async () => {
    assert.ok(ran, 'the eval above ran');
    const entry = await eventually('the eval in History', async () =>
      (await vscode.commands.executeCommand<HistoryEntry[]>('promptLab.history.list')).find((each) => each.id === ran!.id));
    assert.equal(entry.kind, 'eval');
    assert.equal(entry.promptFile, workspaceUri('evals', 'fable.prompt').toString());
    assert.equal(entry.passRate, 2 / 3);
    const saved = await vscode.commands.executeCommand<Record<string, { rating?: string; betterAnswer?: string }>>('promptLab.history.setFeedback', ran.id, 'cell:1', { rating: 'down', betterAnswer: 'A story about quantum chromodynamics.' });
    assert.equal(saved['cell:1']?.rating, 'down');
    // In the workspace's own history folder, with the messages each test rendered to (for preference pairs).
    const file = path.join(workspaceUri().fsPath, '.promptlab', 'history', `${ran.id}.json`);
    const record = JSON.parse(readFileSync(file, 'utf8')) as EvalRecord & { feedback: Record<string, { betterAnswer?: string }> };
    assert.equal(record.feedback['cell:1']!.betterAnswer, 'A story about quantum chromodynamics.');
    assert.match(record.tests[1]!.messages![0]!.content, /little dog/);
    assert.equal(await vscode.commands.executeCommand('promptLab.history.open', ran.id), 'eval');
    // The reopened eval is the panel's: export acts on it.
    const target = vscode.Uri.file(path.join(mkdtempSync(path.join(tmpdir(), 'prompt-lab-eval-')), 'reopened.json'));
    assert.equal(await vscode.commands.executeCommand<string>('promptLab.eval.export', 'json', target, ran.id), target.toString());
    assert.deepEqual((JSON.parse(readFileSync(target.fsPath, 'utf8')) as EvalRecord).cells.map((cell) => cell.text), ran.cells.map((cell) => cell.text));
  });

  it('says why when a prompt has no dataset, without running anything', async () => {
    const result = await vscode.commands.executeCommand<Outcome>('promptLab.evaluate', workspaceUri('story.prompt'), {});
    assert.deepEqual(result, { status: 'not-run', reason: 'story.prompt has no dataset: write its tests in story.tests.yaml' });
  });

  it('marks a dataset\'s problems where they are: unknown assertion types, bad thresholds, vars that do not fit the schema', async () => {
    const uri = workspaceUri('evals', 'broken.tests.yaml');
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const diagnostics = await eventually('dataset diagnostics', () => datasetDiagnostics(uri).length >= 2 && datasetDiagnostics(uri));
    const lines = diagnostics.map((diagnostic) => `${diagnostic.range.start.line}: ${diagnostic.message}`).sort();
    assert.ok(lines.some((line) => /^3: assert\[0\]\.type: Unknown assertion type `contians`/.test(line)), lines.join('\n'));
    assert.ok(lines.some((line) => /^6: assert\[1\]\.threshold: threshold of rouge-n/.test(line)), lines.join('\n'));
    // The fix for the assertion type leaves the others; the var check runs once the test's shape is right.
    const edit = new vscode.WorkspaceEdit();
    const text = document.getText();
    edit.replace(uri, new vscode.Range(document.positionAt(text.indexOf('contians')), document.positionAt(text.indexOf('contians') + 8)), 'contains');
    edit.replace(uri, new vscode.Range(document.positionAt(text.indexOf('threshold: 3')), document.positionAt(text.indexOf('threshold: 3') + 12)), 'threshold: 0.3');
    assert.ok(await vscode.workspace.applyEdit(edit));
    const fixed = await eventually('the vars diagnostic', () => {
      const now = datasetDiagnostics(uri);
      return now.length === 1 && /vars\.character/.test(now[0]!.message) && now;
    });
    assert.equal(fixed[0]!.range.start.line, 1, 'placed at the var');
    await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
  });

  it('completes assertion types after type: and the prompt\'s inputs under vars:', async () => {
    const uri = workspaceUri('evals', 'fable.tests.yaml');
    const document = await vscode.workspace.openTextDocument(uri);
    const typeAt = document.positionAt(document.getText().indexOf('type: word-count') + 'type: '.length);
    const types = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, typeAt);
    const labels = types.items.map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
    for (const type of ['contains', 'not-contains', 'llm-rubric', 'javascript']) assert.ok(labels.includes(type), type);
    const varAt = document.positionAt(document.getText().indexOf('    charakter') + 4);
    const vars = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', uri, varAt);
    const varLabels = vars.items.filter((item) => item.kind === vscode.CompletionItemKind.Variable).map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
    assert.ok(varLabels.includes('character'), JSON.stringify(varLabels));
  });
});
