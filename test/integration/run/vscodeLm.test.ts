// The vscode-lm backend in a real VS Code, on chat models registered by a test extension
// (test/fixtures/lm-provider: vendor `prompt-lab-test`, models `echo` and `slow`, one token per
// word): run, compare, cancel, token counts, an unsupported setting reported, no models → a clear
// message; and model lists (VS Code's and a real OpenAI-compatible server's) in Select Backend and
// the completions of `model:`. Settings go to the test instance's user settings only.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { Backend } from '../../../src/backends/backend';
import type { ComparisonRecord, CellResult } from '../../../src/core/comparison';
import { createVscodeLmBackend } from '../../../src/extension/backends/vscodeLmBackend';
import { startOpenAIServer } from '../../../src/serve/openaiServer';
import { eventually, positionAfter, untitledPrompt } from '../language/helpers';

const PROVIDER_ID = 'promptlab-tests.prompt-lab-test-lm-provider';
const promptLab = () => vscode.workspace.getConfiguration('promptLab');
const setGlobal = (key: string, value: unknown) => promptLab().update(key, value, vscode.ConfigurationTarget.Global);

interface SeenRequest { model: string; messages: { role: string; text: string }[]; modelOptions: Record<string, unknown>; cancelled: boolean; chunks: number }
const requests = () => vscode.commands.executeCommand<SeenRequest[]>('promptLabTest.lm.requests');
type RunOutcome = { status: string; reason?: string; result: CellResult; streamed: { batches: number; characters: number } };
type CompareOutcome = { status: 'finished'; comparison: ComparisonRecord } | { status: 'not-run'; reason: string };

const BACKENDS = [
  { id: 'testlm', kind: 'vscode-lm', vendor: 'prompt-lab-test', defaultModel: 'echo' },
  { id: 'nolm', kind: 'vscode-lm', vendor: 'nobody-offers-this' },
];

async function labels(document: vscode.TextDocument, position: vscode.Position): Promise<string[]> {
  const list = await vscode.commands.executeCommand<vscode.CompletionList>('vscode.executeCompletionItemProvider', document.uri, position, ' ');
  return list.items.filter((item) => item.kind === vscode.CompletionItemKind.Value).map((item) => (typeof item.label === 'string' ? item.label : item.label.label));
}

describe('the vscode-lm backend, on a test extension\'s chat models', function () {
  this.timeout(90_000);

  before(async function () {
    // The provider is loaded beside Prompt Lab: installed by the code-server runner
    // (test/host/testExtensions.ts), a second development path in desktop VS Code.
    const provider = vscode.extensions.getExtension(PROVIDER_ID);
    if (!provider) {
      this.test!.parent!.title += ' — SKIPPED: the test extension test/fixtures/lm-provider is not loaded in this host';
      this.skip();
    }
    await provider.activate();
    await setGlobal('backends', BACKENDS);
    await eventually('the test models in VS Code', async () => (await vscode.lm.selectChatModels({ vendor: 'prompt-lab-test' })).length === 2);
    await eventually('the backends from settings', async () => {
      const lists = await vscode.commands.executeCommand<Record<string, { models?: string[] }>>('promptLab.refreshModelLists');
      return lists?.testlm?.models?.length === 2;
    });
  });

  after(async () => {
    for (const key of ['backends', 'defaultBackend']) await setGlobal(key, undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('runs a prompt, streams it, and counts tokens with the model\'s countTokens', async () => {
    const document = await untitledPrompt('---\nmodel: testlm/echo\n---\n{{role "system"}}Be brief.\n{{role "user"}}Hello there, model');
    const outcome = await vscode.commands.executeCommand<RunOutcome>('promptLab.runPrompt', document.uri);
    assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
    const result = outcome.result;
    assert.equal(result.text, 'You said: Hello there, model');
    assert.equal(result.backend, 'testlm');
    assert.equal(result.model, 'echo');
    assert.equal(result.finishReason, 'stop');
    assert.equal(outcome.streamed.characters, result.text.length, 'the panel got the whole text');
    // One token per word (the test model's counter): "Be brief." + "Hello there, model"; the answer.
    assert.deepEqual([result.usage.promptTokens, result.usage.completionTokens], [5, 5]);
    assert.ok(result.warnings.some((warning) => /system message was sent as a user message/.test(warning)), result.warnings.join('\n'));
    const seen = (await requests()).at(-1)!;
    // The text as rendered (Dotprompt keeps the newline before the next role block), as every backend sends it.
    assert.deepEqual(seen.messages, [{ role: 'user', text: 'Be brief.\n' }, { role: 'user', text: 'Hello there, model' }]);
  });

  it('reports generation settings the API cannot take, sends none of them, and applies stop sequences itself', async () => {
    const document = await untitledPrompt('---\nmodel: testlm/echo-family\nconfig:\n  temperature: 0.5\n  maxOutputTokens: 10\n  stopSequences: [" there"]\n---\nHello there, model');
    const diagnostics = await eventually('the unsupported-setting diagnostics', () => {
      const found = vscode.languages.getDiagnostics(document.uri).filter((d) => d.code === 'unsupported-setting');
      return found.length === 2 && found;
    });
    assert.deepEqual(diagnostics.map((d) => d.message.split(' ')[0]).sort(), ['config.maxOutputTokens', 'config.temperature']);

    const outcome = await vscode.commands.executeCommand<RunOutcome>('promptLab.runPrompt', document.uri);
    assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
    assert.equal(outcome.result.model, 'echo', 'the family picks the model');
    assert.equal(outcome.result.text, 'You said: Hello', 'cut at the stop sequence');
    assert.ok(outcome.result.warnings.some((w) => /temperature is not supported by backend 'testlm'/.test(w)), outcome.result.warnings.join('\n'));
    assert.ok(outcome.result.warnings.some((w) => /maxOutputTokens is not supported by backend 'testlm'/.test(w)));
    assert.deepEqual((await requests()).at(-1)!.modelOptions, {}, 'nothing was sent as a model option');
    assert.deepEqual(outcome.result.parameters, { vendor: 'prompt-lab-test', model: 'echo', family: 'echo-family', stopSequences: [' there'] });
  });

  it('runs in a comparison like any backend', async () => {
    const document = await untitledPrompt('---\nmodel: testlm/echo\n---\nCompare me');
    const outcome = await vscode.commands.executeCommand<CompareOutcome>('promptLab.compareTemperatures', document.uri, { temperatures: [0, 1], samples: 2 });
    assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
    const { cells } = (outcome as Extract<CompareOutcome, { status: 'finished' }>).comparison;
    assert.equal(cells.length, 4);
    for (const cell of cells) {
      assert.equal(cell.status, 'done', JSON.stringify(cell));
      assert.equal(cell.text, 'You said: Compare me');
      assert.ok(cell.result!.warnings.some((w) => /temperature is not supported/.test(w)), 'each cell says its temperature was not sent');
    }
  });

  it('cancels: an aborted run ends at once as aborted, and the model sees the cancellation', async () => {
    const backend: Backend = createVscodeLmBackend({ id: 'testlm', kind: 'vscode-lm', vendor: 'prompt-lab-test' }, { apiKey: async () => undefined });
    const controller = new AbortController();
    let tokens = 0;
    const started = Date.now();
    const result = await backend.generate({ model: 'slow', messages: [{ role: 'user', content: 'go' }], config: {} }, {
      signal: controller.signal,
      onToken: () => { if (++tokens === 3) controller.abort(); },
    });
    assert.equal(result.finishReason, 'abort');
    assert.equal(result.error, undefined);
    assert.match(result.text, /^(tick ){3,5}$/);
    assert.ok(Date.now() - started < 5000, `${Date.now() - started} ms (the slow model runs 20 s when not cancelled)`);
    const seen = await eventually('the cancellation at the model', async () => {
      const last = (await requests()).at(-1)!;
      return last.model === 'slow' && last.cancelled && last;
    });
    assert.ok(seen.chunks < 20, `${seen.chunks} chunks`);
    assert.equal(result.usage.completionTokens, tokens, 'the partial text is counted');
  });

  it('says clearly when no model of the vendor is available, or the model named is not', async () => {
    const none = await untitledPrompt('---\nmodel: nolm/anything\n---\nHello');
    const outcome = await vscode.commands.executeCommand<RunOutcome>('promptLab.runPrompt', none.uri);
    assert.equal(outcome.status, 'failed', JSON.stringify(outcome));
    assert.match(outcome.result.error!.message, /No chat model of vendor 'nobody-offers-this' is available in VS Code \(backend 'nolm'\)/);

    const missing = await untitledPrompt('---\nmodel: testlm/gpt-99\n---\nHello');
    const other = await vscode.commands.executeCommand<RunOutcome>('promptLab.runPrompt', missing.uri);
    assert.equal(other.status, 'failed');
    assert.match(other.result.error!.message, /No chat model 'gpt-99' of vendor 'prompt-lab-test'.*Available: echo, slow/);
  });

  it('lists VS Code\'s models and a server\'s GET /v1/models in Select Backend\'s data and the model: completions', async () => {
    // A real OpenAI-compatible server (prompt-lab serve's); GET /v1/models never reaches its backend.
    const unused: Backend = { id: 'unused', kind: 'local', supports: new Set(), generate: () => Promise.reject(new Error('not used')) };
    const server = await startOpenAIServer({ backend: unused, model: 'served-model', port: 0 });
    try {
      await setGlobal('backends', [...BACKENDS, { id: 'it-serve', kind: 'openai', baseURL: server.url }, { id: 'it-down', kind: 'openai', baseURL: 'http://127.0.0.1:9/v1' }]);
      const lists = await eventually('the lists', async () => {
        const found = await vscode.commands.executeCommand<Record<string, { models?: string[]; error?: string }>>('promptLab.refreshModelLists');
        return found?.['it-serve'] && found;
      });
      assert.deepEqual(lists.testlm, { models: ['echo', 'slow'] });
      assert.deepEqual(lists['it-serve'], { models: ['served-model'] });
      assert.deepEqual(lists.nolm, { models: [] });
      assert.match(lists['it-down']!.error ?? '', /could not reach 127\.0\.0\.1:9/);

      const document = await untitledPrompt('---\nmodel: \n---\nHello');
      const items = await labels(document, positionAfter(document, 'model: '));
      for (const model of ['testlm/echo', 'testlm/slow', 'it-serve/served-model']) assert.ok(items.includes(model), `${model} in ${items.join()}`);
      assert.ok(!items.some((item) => item.startsWith('it-down/') || item.startsWith('nolm/')), items.join());

      // Choosing a listed model: that backend becomes the default, the model its default model.
      assert.equal(await vscode.commands.executeCommand('promptLab.selectBackend', 'it-serve', 'served-model'), 'it-serve');
      assert.equal(promptLab().inspect('defaultBackend')?.globalValue, 'it-serve');
      const entry = (promptLab().inspect<{ id: string; defaultModel?: string }[]>('backends')?.globalValue ?? []).find((backend) => backend.id === 'it-serve');
      assert.equal(entry?.defaultModel, 'served-model');
    } finally {
      await server.close();
    }
  });
});
