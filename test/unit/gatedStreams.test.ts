// The fault server's gates, which the e2e suite relies on to hold a comparison's cells running while
// it hides and shows the panel: through the real `openai` client, a gated stream delivers what comes
// before its gate, then waits for as long as the test wants, and delivers the rest once opened.
import * as assert from 'node:assert/strict';
import type { StreamedToken } from '../../src/backends/backend';
import { createOpenAIBackend } from '../../src/backends/openai';
import { startFaultServer, type FaultServer } from '../support/faultServer';

/** Waits until `probe` holds: what the client has received, which trails what the server wrote. */
async function until(what: string, probe: () => boolean): Promise<void> {
  for (const started = Date.now(); !probe(); await new Promise((resolve) => setTimeout(resolve, 10))) {
    if (Date.now() - started > 10_000) throw new Error(`timed out waiting for ${what}`);
  }
}

const request = (seed: number) => ({ model: 'gated', messages: [{ role: 'user' as const, content: 'Hi' }], config: { seed } });

describe('fault server: gated streams, through the openai client', function () {
  this.timeout(15_000);
  let server: FaultServer;

  before(async () => {
    // Each request's reply names its seed, so two streams cannot be mistaken for one another.
    server = await startFaultServer({ fault: { kind: 'gated', at: [2, 4] }, replyOf: (body) => ['seed', ` ${String(body.seed)}`, ':', ' one', ' two', ' three'] });
  });
  after(() => server.close());

  it('holds every stream at each gate until the test opens it, then finishes it whole', async () => {
    const backend = createOpenAIBackend({ id: 'gated', kind: 'openai', baseURL: server.url, maxRetries: 0 }, { apiKey: async () => undefined });
    const streamed: string[][] = [[], []];
    let settled = 0;
    const runs = [7, 8].map((seed, index) => backend.generate(request(seed), { onToken: (token: StreamedToken) => streamed[index]!.push(token.text) })
      .finally(() => { settled++; }));
    const texts = () => streamed.map((tokens) => tokens.join(''));
    await server.whenWaiting(0, 2);
    await until('the tokens before the first gate', () => texts().join('|') === 'seed 7|seed 8');
    // Held: nothing more is sent and nothing ends until the test opens the gate.
    assert.equal(settled, 0);
    server.openGate(0);
    await server.whenWaiting(1, 2);
    await until('the tokens before the second gate', () => texts().join('|') === 'seed 7: one|seed 8: one');
    assert.equal(server.waitingAt(0), 0);
    assert.equal(settled, 0);
    server.openGate(1);
    const results = await Promise.all(runs);
    assert.deepEqual(results.map((result) => [result.text, result.finishReason, result.error]), [['seed 7: one two three', 'stop', undefined], ['seed 8: one two three', 'stop', undefined]]);
    assert.deepEqual(streamed.map((tokens) => tokens.join('')), results.map((result) => result.text));
  });

  it('lets later streams through gates already open', async () => {
    const backend = createOpenAIBackend({ id: 'gated', kind: 'openai', baseURL: server.url, maxRetries: 0 }, { apiKey: async () => undefined });
    const result = await backend.generate(request(9));
    assert.equal(result.text, 'seed 9: one two three');
  });

  it('says how many streams wait when too few arrive in time', async () => {
    await assert.rejects(server.whenWaiting(5, 1, 100), /0 of 1 streams wait at gate 5 after 100 ms/);
  });
});
