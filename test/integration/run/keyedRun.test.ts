// A run on an openai-kind backend against a local OpenAI-protocol server in the extension host:
// the key stored for that origin is the one that arrives, and a 401 that echoes it back reaches
// neither the result record nor the outcome.
import * as assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as vscode from 'vscode';
import { eventually, untitledPrompt } from '../language/helpers';

const KEY = 'sk-it-run-0123456789abcdef';
const promptLab = () => vscode.workspace.getConfiguration('promptLab');
const setGlobal = (key: string, value: unknown) => promptLab().update(key, value, vscode.ConfigurationTarget.Global);

interface Outcome { status: string; result?: { text: string; error?: { message: string; status?: number }; finishReason: string; parameters: Record<string, unknown> } }

function sse(res: import('node:http').ServerResponse, words: string[]): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  const chunk = (delta: object, finish: string | null, usage?: object) =>
    `data: ${JSON.stringify({ id: 'c1', object: 'chat.completion.chunk', created: 0, model: 'fake', choices: [{ index: 0, delta, finish_reason: finish }], ...(usage ? { usage } : {}) })}\n\n`;
  for (const [index, word] of words.entries()) res.write(chunk(index === 0 ? { role: 'assistant', content: word } : { content: word }, null));
  res.write(chunk({}, 'stop', { prompt_tokens: 5, completion_tokens: words.length, total_tokens: 5 + words.length }));
  res.end('data: [DONE]\n\n');
}

describe('a keyed run in VS Code', function () {
  this.timeout(60_000);
  let server: Server;
  let origin: string;
  const seen: IncomingHttpHeaders[] = [];
  let reject = false;
  const opened: vscode.TextDocument[] = [];

  before(async () => {
    server = createServer((req, res) => {
      seen.push(req.headers);
      req.resume();
      req.on('end', () => {
        if (reject) {
          // As OpenAI does: the 401 quotes the key it was given.
          res.writeHead(401, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: `Incorrect API key provided: ${KEY}.`, type: 'invalid_request_error', code: 'invalid_api_key' } }));
          return;
        }
        sse(res, ['Hello', ' there']);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await setGlobal('backends', [{ id: 'it-fake', kind: 'openai', baseURL: `${origin}/v1`, defaultModel: 'fake', maxRetries: 0 }]);
    await eventually('the backend from settings', async () =>
      (await vscode.commands.executeCommand<{ origin?: string }>('promptLab.apiKey.check', 'it-fake'))?.origin === origin);
    await vscode.commands.executeCommand('promptLab.setApiKey', { backendId: 'it-fake', apiKey: KEY });
  });

  after(async () => {
    await vscode.commands.executeCommand('promptLab.clearApiKey', { backendId: 'it-fake' });
    await setGlobal('backends', undefined);
    for (const document of opened) {
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
    await new Promise((resolve) => server.close(resolve));
  });

  it('sends the key stored for the origin, and streams the answer', async () => {
    const document = await untitledPrompt('---\nmodel: it-fake/fake\nconfig:\n  temperature: 0.2\n---\nSay hello');
    opened.push(document);
    const outcome = await vscode.commands.executeCommand<Outcome>('promptLab.runPrompt', document.uri);
    assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
    assert.equal(outcome.result!.text, 'Hello there');
    assert.equal(seen.at(-1)?.authorization, `Bearer ${KEY}`);
    assert.equal(JSON.stringify(outcome).includes(KEY), false, 'the outcome never carries the key');
  });

  it('keeps a key the server echoes in a 401 out of the result', async () => {
    reject = true;
    const document = await untitledPrompt('---\nmodel: it-fake/fake\n---\nSay hello');
    opened.push(document);
    const outcome = await vscode.commands.executeCommand<Outcome>('promptLab.runPrompt', document.uri);
    reject = false;
    assert.equal(outcome.status, 'failed');
    assert.equal(outcome.result!.error?.status, 401);
    assert.equal(JSON.stringify(outcome).includes(KEY), false, JSON.stringify(outcome.result!.error));
  });
});
