// Compare Temperatures in a real VS Code on the embedded local model: the command opens the panel,
// every cell's completion streams into it in batches, the record holds what ran, and the hidden
// export command writes the comparison in each format.
import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ComparisonRecord } from '../../../src/core/comparison';
import { eventually, untitledPrompt, workspaceUri } from '../language/helpers';

const EXTENSION_ID = 'promptlab.prompt-lab';
const promptLab = () => vscode.workspace.getConfiguration('promptLab');
const setGlobal = (key: string, value: unknown) => promptLab().update(key, value, vscode.ConfigurationTarget.Global);

type Outcome =
  | { status: 'finished'; comparison: ComparisonRecord; streamed: { messages: number; characters: number } }
  | { status: 'not-run'; reason: string };

const STORY = '---\nmodel: local\nconfig:\n  maxOutputTokens: 20\ninput:\n  schema:\n    answer?: string\n  default:\n    answer: the cat played in the sun\npromptlab.reference: answer\n---\nOnce upon a time, there was a little cat. One day,';

describe('Compare Temperatures in VS Code', function () {
  this.timeout(120_000);
  const opened: vscode.TextDocument[] = [];
  let document: vscode.TextDocument;
  let outcome: Extract<Outcome, { status: 'finished' }>;

  before(async function () {
    const extensionPath = vscode.extensions.getExtension(EXTENSION_ID)?.extensionPath ?? '';
    const model = path.resolve(extensionPath, '../shared/models/stories260K.gguf');
    assert.ok(existsSync(model), `the test model is at ${model}`);
    document = await untitledPrompt(STORY);
    opened.push(document);
    await eventually('activation', () => vscode.extensions.getExtension(EXTENSION_ID)?.isActive);
    await setGlobal('local.modelPath', model);
    await eventually('the model path setting', () => promptLab().get('local.modelPath') === model);
  });

  after(async () => {
    await setGlobal('local.modelPath', undefined);
    for (const each of opened) {
      if (each.isClosed) continue;
      await vscode.window.showTextDocument(each);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('opens the panel and streams every cell of a 2 × 2 comparison from the local model into it', async () => {
    const result = await vscode.commands.executeCommand<Outcome>('promptLab.compareTemperatures', document.uri, { temperatures: [0, 1.2], samples: 2, seed: 7 });
    assert.equal(result.status, 'finished', JSON.stringify(result));
    outcome = result as typeof outcome;
    const { comparison, streamed } = outcome;
    assert.deepEqual(comparison.columns.map((column) => column.label), ['temperature 0', 'temperature 1.2']);
    assert.deepEqual(comparison.seeds, [7, 8]);
    assert.equal(comparison.cells.length, 4);
    for (const cell of comparison.cells) {
      assert.equal(cell.status, 'done', JSON.stringify(cell));
      assert.equal(cell.result!.backend, 'local');
      assert.ok(cell.text.trim().length > 0, 'the model wrote something');
      assert.equal(cell.text, cell.result!.text);
      assert.equal(cell.result!.parameters.temperature, comparison.columns[cell.column]!.settings.temperature);
      // Greedy decoding (temperature 0) takes no seed; sampled cells use their row's.
      if (cell.column === 1) assert.equal(cell.result!.parameters.seed, comparison.seeds[cell.sample]);
      assert.ok(cell.result!.usage.completionTokens <= 20);
    }
    // Temperature 0 is greedy: both samples of that column say the same.
    const column0 = comparison.cells.filter((cell) => cell.column === 0).map((cell) => cell.text);
    assert.equal(column0[0], column0[1]);
    // Metrics per column, and against the prompt's reference.
    for (const column of comparison.columns) {
      assert.ok(column.metrics, `${column.label} has metrics`);
      assert.ok(column.metrics.rougeL !== undefined && column.metrics.bleu !== undefined, 'compared with the reference');
    }
    assert.equal(comparison.columns[0]!.metrics!.meanPairwiseRougeL, 1, 'identical samples are alike');
    // The token view's numbers: the prompt's parts, a local model costs nothing.
    assert.ok(comparison.tokens && comparison.tokens.total > 0);
    assert.equal(comparison.tokens.price?.source, 'local');
    // Every streamed character reached the panel, in batches (a few dozen messages a second at most).
    assert.ok(streamed.messages >= 1);
    assert.equal(streamed.characters, comparison.cells.reduce((sum, cell) => sum + cell.text.length, 0));
    const panelOpen = vscode.window.tabGroups.all.flatMap((group) => group.tabs)
      .some((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('promptLab.panel'));
    assert.ok(panelOpen, 'the Prompt Lab panel is open');
  });

  it('exports the comparison as Markdown, CSV and JSON', async () => {
    assert.ok(outcome, 'the comparison above ran');
    const folder = mkdtempSync(path.join(tmpdir(), 'prompt-lab-export-'));
    const written: Record<string, string> = {};
    for (const [format, extension] of [['markdown', 'md'], ['csv', 'csv'], ['json', 'json']] as const) {
      const target = vscode.Uri.file(path.join(folder, `comparison.${extension}`));
      const uri = await vscode.commands.executeCommand<string | undefined>('promptLab.compare.export', format, target, outcome.comparison.id);
      assert.equal(uri, target.toString());
      written[format] = readFileSync(target.fsPath, 'utf8');
    }
    const first = outcome.comparison.cells[0]!.text.trim().split('\n')[0]!;
    assert.match(written.markdown!, /temperature 0/);
    assert.ok(written.markdown!.includes(first.slice(0, 20).replace(/\|/g, '\\|')), 'the Markdown holds the completions');
    assert.equal(written.csv!.split('\r\n').filter(Boolean).length >= 5, true, 'a header and a row per cell');
    assert.deepEqual((JSON.parse(written.json!) as ComparisonRecord).cells.map((cell) => cell.text), outcome.comparison.cells.map((cell) => cell.text));
  });

  it('refuses a comparison too large to show, and says why', async () => {
    const result = await vscode.commands.executeCommand<Outcome>('promptLab.compareTemperatures', document.uri, { temperatures: [0, 0.5, 1, 1.5], samples: 30 });
    assert.equal(result.status, 'not-run');
    assert.match((result as { reason: string }).reason, /at most 100 cells/);
  });

  it('compares prompt variants: each column checks and renders its own file, with the same inputs', async () => {
    // tale.prompt allows 8 output tokens, tale.short.prompt beside it 4, with a much shorter text.
    const result = await vscode.commands.executeCommand<Outcome>('promptLab.compare', workspaceUri('tale.prompt'), {
      axes: [{ name: 'variant', values: ['default', 'short'] }], samples: 1, seed: 3, input: { hero: 'fox' },
    });
    assert.equal(result.status, 'finished', JSON.stringify(result));
    const { comparison } = result as Extract<Outcome, { status: 'finished' }>;
    assert.deepEqual(comparison.columns.map((column) => column.label), ['variant default', 'variant short']);
    assert.match(comparison.prompt.messages[0]!.content, /little fox/, 'the record keeps the prompt\'s own messages');
    const [base, short] = comparison.cells;
    for (const cell of [base!, short!]) {
      assert.equal(cell.status, 'done', JSON.stringify(cell));
      assert.equal(cell.result!.backend, 'local');
      assert.equal('variant' in cell.result!.parameters, false, 'the variant is no generation setting');
    }
    assert.equal(base!.result!.parameters.maxTokens, 8);
    assert.equal(short!.result!.parameters.maxTokens, 4);
    assert.ok(short!.result!.usage.promptTokens < base!.result!.usage.promptTokens / 2, `${short!.result!.usage.promptTokens} vs ${base!.result!.usage.promptTokens} prompt tokens`);

    const missing = await vscode.commands.executeCommand<Outcome>('promptLab.compare', workspaceUri('tale.prompt'), { axes: [{ name: 'variant', values: ['default', 'long'] }], samples: 1 });
    assert.equal(missing.status, 'not-run');
    assert.match((missing as { reason: string }).reason, /the variant 'long' has no file tale\.long\.prompt beside tale\.prompt/);
    const numbers = await vscode.commands.executeCommand<Outcome>('promptLab.compare', workspaceUri('tale.prompt'), { axes: [{ name: 'temperature', values: ['hot'] }], samples: 1 });
    assert.match((numbers as { reason: string }).reason, /temperature: "hot" must be a number/);
  });

  it('compares models: each column on the target its id names, and none runs when one cannot', async () => {
    const result = await vscode.commands.executeCommand<Outcome>('promptLab.compare', workspaceUri('tale.prompt'), {
      axes: [{ name: 'model', values: ['local', 'local/stories260K'] }], samples: 1, seed: 3,
    });
    assert.equal(result.status, 'finished', JSON.stringify(result));
    const { comparison } = result as Extract<Outcome, { status: 'finished' }>;
    assert.deepEqual(comparison.columns.map(({ label, backend, model }) => [label, backend, model]), [
      ['model local', 'local', ''], ['model local/stories260K', 'local', 'stories260K'],
    ]);
    assert.deepEqual(comparison.cells.map((cell) => [cell.status, cell.result!.model]), [['done', 'stories260K'], ['done', 'stories260K']]);
    const unknown = await vscode.commands.executeCommand<Outcome>('promptLab.compare', workspaceUri('tale.prompt'), {
      axes: [{ name: 'model', values: ['local', 'nowhere/x'] }], samples: 1,
    });
    assert.deepEqual(unknown, { status: 'not-run', reason: "no backend 'nowhere'" });
  });

  it('reproduces a comparison from the seed in promptLab.compare.seed', async () => {
    await setGlobal('compare.seed', 100);
    try {
      await eventually('the seed setting', () => promptLab().get('compare.seed') === 100);
      const run = async () => {
        const result = await vscode.commands.executeCommand<Outcome>('promptLab.compareTemperatures', document.uri, { temperatures: [1], samples: 2 });
        assert.equal(result.status, 'finished', JSON.stringify(result));
        return (result as Extract<Outcome, { status: 'finished' }>).comparison;
      };
      const first = await run();
      const second = await run();
      assert.deepEqual(first.seeds, [100, 101]);
      assert.deepEqual(second.cells.map((cell) => cell.text), first.cells.map((cell) => cell.text), 'the same seeds sample the same text');
      assert.notEqual(first.cells[0]!.text, first.cells[1]!.text, 'rows differ: each has its own seed');
    } finally {
      await setGlobal('compare.seed', undefined);
    }
  });
});
