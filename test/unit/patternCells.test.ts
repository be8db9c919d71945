// The engine's comparison cells run the prompt's pattern: with the real openai backend over real
// HTTP against a scripted OpenAI-compatible server, a ReAct prompt's cell is its whole trajectory
// (one request per step), and the cell's text is the agent's final answer, not the step it ended on.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { createOpenAIBackend } from '../../src/backends/openai';
import { BackendRegistry } from '../../src/backends/registry';
import { ComparisonRun } from '../../src/core/comparisonRun';
import { memoryEnvironment } from '../../src/core/promptEnvironment';
import { countInProcess } from '../../src/core/promptTokens';
import { columnRunsOf } from '../../src/engine/columns';
import { newEngineComparison } from '../../src/engine/comparison';
import type { EngineHost } from '../../src/engine/host';
import { preparePrompt } from '../../src/engine/prompt';
import { startFaultServer, type FaultServer } from '../support/faultServer';
import { agentPrompt, respondAsAgent } from '../support/scriptedAgent';

const PROMPT = agentPrompt('scripted/m');

describe('engine: a comparison cell of a ReAct prompt', function () {
  this.timeout(20_000);
  let server: FaultServer;
  let host: EngineHost;

  before(async () => {
    server = await startFaultServer({ chunkDelayMs: 1, respondTo: respondAsAgent });
    const files: Record<string, string> = { '/p/agent.prompt': PROMPT };
    host = {
      backends: new BackendRegistry([{ id: 'scripted', kind: 'openai', baseURL: server.url, maxRetries: 0 }], { openai: createOpenAIBackend }, { apiKey: async () => 'sk-test-0123456789abcdefghij' }),
      readPrompt: async (ref) => (ref in files ? { ref, fileName: path.posix.basename(ref), text: files[ref]! } : undefined),
      beside: (ref, fileName) => path.posix.join(path.posix.dirname(ref), fileName),
      environment: () => memoryEnvironment(),
      defaultBackend: 'scripted',
      localModelProblem: () => undefined,
      countTexts: countInProcess,
      log: () => undefined,
    };
  });
  after(async () => {
    await host.backends.dispose();
    await server.close();
  });

  it('is the whole trajectory: its text is the final answer, its trace the steps; the streamed steps are replaced', async () => {
    const prepared = await preparePrompt(host, '/p/agent.prompt', {});
    assert.ok(!('problem' in prepared), JSON.stringify(prepared));
    const axes = [{ name: 'temperature' as const, values: [0, 0.7] }];
    const columns = await columnRunsOf(host, prepared, axes);
    assert.ok(!('problem' in columns));
    const { record, runCell, limit } = await newEngineComparison(host, prepared, columns, { axes, samples: 1, seeds: [1] });
    const streamed = new Map<number, string>();
    await new ComparisonRun(record, runCell, { limit, onUpdate: (update) => { if (update.append) streamed.set(update.index, (streamed.get(update.index) ?? '') + update.append); } }).run();
    assert.equal(server.requests.length, 4, 'two steps per cell');
    for (const [index, cell] of record.cells.entries()) {
      assert.equal(cell.status, 'done');
      assert.equal(cell.text, '21 years');
      assert.equal(cell.result!.trace!.agent!.stop, 'finish');
      assert.deepEqual(cell.result!.trace!.agent!.steps.map((step) => step.action), [{ tool: 'calculate', argument: '1990 - 1969' }, { tool: 'finish', argument: '21 years' }]);
      assert.match(streamed.get(index) ?? '', /Observation: 21\n/, 'the steps streamed while the cell ran');
    }
    assert.deepEqual(server.requests.map((request) => request.body!.temperature).sort(), [0, 0, 0.7, 0.7]);
  });
});
