// Run Prompt on a ReAct prompt in a real VS Code, against a scripted OpenAI-compatible server over
// real HTTP (test/support/faultServer.ts): the agent's steps stream into the panel, the tool runs
// between them, and the run lands in the panel as the final answer with its trace (the result the
// command posts with run/finished and resolves to).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { RunResultView } from '../../../src/shared/protocol';
import { startFaultServer, type FaultServer } from '../../support/faultServer';
import { AGENT_STEPS, agentPrompt, respondAsAgent } from '../../support/scriptedAgent';
import { eventually, untitledPrompt } from '../language/helpers';

const KEY = 'sk-it-agent-0123456789abcdef';
const promptLab = () => vscode.workspace.getConfiguration('promptLab');
const setGlobal = (key: string, value: unknown) => promptLab().update(key, value, vscode.ConfigurationTarget.Global);

interface Outcome { status: string; result?: RunResultView; streamed?: { batches: number; characters: number } }

const PROMPT = agentPrompt('it-agent/scripted');

describe('Run Prompt on a ReAct agent in VS Code', function () {
  this.timeout(60_000);
  let server: FaultServer;
  const opened: vscode.TextDocument[] = [];

  before(async () => {
    server = await startFaultServer({ chunkDelayMs: 1, respondTo: respondAsAgent });
    await setGlobal('backends', [{ id: 'it-agent', kind: 'openai', baseURL: server.url, defaultModel: 'scripted', maxRetries: 0 }]);
    await eventually('the backend from settings', async () =>
      (await vscode.commands.executeCommand<{ origin?: string }>('promptLab.apiKey.check', 'it-agent'))?.origin === server.origin);
    await vscode.commands.executeCommand('promptLab.setApiKey', { backendId: 'it-agent', apiKey: KEY });
  });

  after(async () => {
    await vscode.commands.executeCommand('promptLab.clearApiKey', { backendId: 'it-agent' });
    await setGlobal('backends', undefined);
    for (const document of opened) {
      await vscode.window.showTextDocument(document);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
    await server.close();
  });

  it('runs every step, streams them into the panel, and lands the final answer with its trace', async () => {
    const document = await untitledPrompt(PROMPT);
    opened.push(document);
    const outcome = await vscode.commands.executeCommand<Outcome>('promptLab.runPrompt', document.uri);
    assert.equal(outcome.status, 'finished', JSON.stringify(outcome));
    const result = outcome.result!;
    assert.equal(result.text, '21 years');
    const agent = result.trace!.agent!;
    assert.equal(agent.stop, 'finish');
    assert.deepEqual(agent.steps.map((step) => [step.action?.tool, step.observation]), [['calculate', '21'], ['finish', undefined]]);
    assert.equal(server.requests.length, 2, 'one request per step');
    // The panel got both steps' text and the observation between them while the run went on.
    const streamedText = AGENT_STEPS.join('') + 'Observation: 21\n';
    assert.equal(outcome.streamed!.characters, streamedText.length);
    const panelOpen = vscode.window.tabGroups.all.flatMap((group) => group.tabs)
      .some((tab) => tab.input instanceof vscode.TabInputWebview && tab.input.viewType.endsWith('promptLab.panel'));
    assert.ok(panelOpen, 'the Prompt Lab panel is open');
  });
});
