// The panel's token chips for a prompt that runs on the local model, in the real editor: they come
// from the model's own tokenizer (stories260K), labelled with it, and their total is the model's own
// count of the prompt; the status bar then shows the same count, naming the same tokenizer.
// Vietnamese reaches the panel as the model's byte-level tokens with their bytes.
import * as assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { LocalBackend } from '../../../src/backends/local/localBackend';
import type { TokenCountState } from '../../../src/extension/language/tokenStatusBar';
import type { HostToWebview, RenderedPromptView } from '../../../src/shared/protocol';
import { eventually, openPrompt } from './helpers';

const EXTENSION_ID = 'promptlab.prompt-lab';
const setGlobal = (key: string, value: unknown) => vscode.workspace.getConfiguration('promptLab').update(key, value, vscode.ConfigurationTarget.Global);
const posted = () => vscode.commands.executeCommand<HostToWebview['prompt/rendered'][]>('promptLab.renderedPrompt.posted');
const lensTitles = async (uri: vscode.Uri) => (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)).map((lens) => lens.command?.title ?? '');
const tokenCount = () => vscode.commands.executeCommand<TokenCountState>('promptLab.tokenCount.current');

/** The panel's last rendering of `uri` once it has the local tokenizer's chips. */
async function localView(uri: vscode.Uri): Promise<{ view: RenderedPromptView; before: HostToWebview['prompt/rendered'][] }> {
  return eventually(`the panel's local chips for ${uri.toString()}`, async () => {
    const all = (await posted()).filter((payload) => payload.uri === uri.toString());
    const last = all.at(-1)?.rendered;
    return last?.tokens?.tokenizer === 'stories260K tokenizer' && { view: last, before: all.slice(0, -1) };
  }, 60_000);
}

/** The model's own count of a one-message prompt, asked of a separate model process. */
async function modelCount(modelPath: string, content: string): Promise<number> {
  const backend = new LocalBackend({ id: 'local', kind: 'local', modelPath, threads: 1 });
  try {
    return (await backend.measurePrompt([{ role: 'user', content }])).promptTokens;
  } finally {
    await backend.dispose();
  }
}

describe('token chips of a local prompt, in VS Code', function () {
  this.timeout(120_000);
  let model: string;

  before(async function () {
    const extensionPath = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
    model = [path.join(extensionPath, 'models/stories260K.gguf'), path.resolve(extensionPath, '../shared/models/stories260K.gguf')].find((file) => existsSync(file)) ?? '';
    if (!model) {
      this.test!.title += ' — SKIPPED: no stories260K.gguf';
      this.skip();
    }
    await setGlobal('local.modelPath', model);
    await eventually('the model path setting', () => vscode.workspace.getConfiguration('promptLab').get('local.modelPath') === model);
  });

  after(async () => {
    await setGlobal('local.modelPath', undefined);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('shows the local model\'s own tokens and count in the panel, and the status bar agrees', async () => {
    const { document } = await openPrompt('story.prompt');
    await vscode.commands.executeCommand('promptLab.openPanel');
    const { view, before } = await localView(document.uri);
    // Until the model had tokenized it, the panel said so (no chips of another tokenizer).
    for (const earlier of before.filter((payload) => payload.rendered)) {
      assert.equal(earlier.rendered!.tokensLoading, 'stories260K tokenizer');
      assert.equal(earlier.rendered!.tokens, undefined);
    }
    assert.equal(view.tokenizer, 'stories260K tokenizer');
    assert.equal(view.exact, true);
    assert.equal(view.tokensLoading, undefined);
    assert.equal(view.tokens!.note, undefined, 'the model loaded: no fallback note');
    const groups = view.tokens!.groups;
    assert.equal(groups.reduce((sum, group) => sum + group.count, 0), view.total, 'the chips\' groups add up to the count shown');
    assert.equal(groups.reduce((sum, group) => sum + group.tokens.length, 0), view.total, 'the local tokenizer lists every token');
    const content = view.messages.map((message) => message.segments.map((segment) => segment.text).join('')).join('\n');
    assert.equal(view.total, await modelCount(model, content), 'the model\'s own count of the rendered prompt');

    const counted = await eventually('the status bar\'s local count', async () => {
      const state = await tokenCount();
      return state.uri === document.uri.toString() && state.tokenizer === 'stories260K tokenizer' && state;
    });
    assert.equal(counted.total, view.total, 'the status bar and the panel agree');
    assert.equal(counted.exact, true);
    const lens = await eventually('the lens\'s local count', async () => (await lensTitles(document.uri)).find((title) => title.includes('stories260K')));
    assert.equal(lens, `${view.total} tokens (stories260K tokenizer)`, 'the CodeLens says what the status bar says');
  });

  it('shows Vietnamese as the model\'s byte-level tokens, each with its bytes', async () => {
    const text = 'Chào bạn, khỏe không?';
    const document = await vscode.workspace.openTextDocument({ language: 'dotprompt', content: `---\nmodel: local\n---\n${text}` });
    await vscode.window.showTextDocument(document);
    const { view } = await localView(document.uri);
    const tokens = view.tokens!.groups.flatMap((group) => group.tokens).sort((a, b) => a.index - b.index);
    const byteTokens = tokens.filter((token) => token.bytes);
    // à, ạ, ỏ, ô: 2 + 3 + 3 + 2 bytes, one token each (stories260K has no merges for them).
    assert.deepEqual(byteTokens.map((token) => token.bytes), [[0xc3], [0xa0], [0xe1], [0xba], [0xa1], [0xe1], [0xbb], [0x8f], [0xc3], [0xb4]]);
    assert.deepEqual(byteTokens.filter((token) => token.text !== '').map((token) => token.text), ['à', 'ạ', 'ỏ', 'ô']);
    assert.ok(byteTokens.every((token) => view.tokens!.groups.find((group) => group.tokens.includes(token))!.part !== 'overhead'), 'the bytes belong to the text, not the overhead');
    assert.equal(view.total, await modelCount(model, text));
  });

  it('falls back to tiktoken\'s tokens with a visible note when the local model cannot load', async () => {
    const missing = path.join(path.dirname(model), 'missing-model.gguf');
    await setGlobal('local.modelPath', missing);
    await eventually('the model path setting', () => vscode.workspace.getConfiguration('promptLab').get('local.modelPath') === missing);
    const document = await vscode.workspace.openTextDocument({ language: 'dotprompt', content: '---\nmodel: local\n---\n{{role "user"}}Once upon a time' });
    await vscode.window.showTextDocument(document);
    const view = await eventually('the fallback chips', async () => {
      const last = (await posted()).filter((payload) => payload.uri === document.uri.toString()).at(-1)?.rendered;
      return last?.tokens !== undefined && last;
    }, 60_000);
    assert.equal(view.tokens!.tokenizer, 'o200k_base');
    assert.match(view.tokens!.note ?? '', /^The missing-model tokenizer could not be used \(.*missing-model\.gguf.*\): these are o200k_base's tokens, an estimate of the local model's\.$/s);
    assert.equal(view.tokenizer, 'o200k_base');
    assert.equal(view.exact, false, 'tiktoken only estimates a local model\'s count');
    const state = await eventually('the status bar\'s estimate', async () => {
      const current = await tokenCount();
      return current.uri === document.uri.toString() && current.state === 'counted' && current;
    });
    assert.deepEqual([state.tokenizer, state.exact, state.total], ['o200k_base', false, view.total], 'the status bar names the tokenizer of its estimate');
    assert.ok((await lensTitles(document.uri)).includes(`~${view.total} tokens (o200k_base)`), 'so does the CodeLens');
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', document.uri, new vscode.Position(3, 4));
    const hover = hovers.flatMap((one) => one.contents.map((part) => (typeof part === 'string' ? part : part.value))).join('\n');
    assert.match(hover, new RegExp(`Whole prompt: ~${view.total} tokens \\(o200k_base\\)\\. Counts marked ~ are o200k_base's, an estimate`), 'and the role marker\'s hover');
    assert.match(hover, /Message 1 of 1 \(cue\): \*\*~\d+ tokens\*\*/);
    await setGlobal('local.modelPath', model);
  });
});
