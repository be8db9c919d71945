// runPattern with the real openai backend over real HTTP, against a scripted OpenAI-compatible
// server (test/support/faultServer.ts): each request gets the next scripted reply, so every
// trajectory is deterministic. ReAct (finish, loops, malformed and unknown actions, cancel) and PAL
// (an answer, and programs that run forever, allocate 1 GB, reach for Node or are missing).
import * as assert from 'node:assert/strict';
import type { Backend, StreamedToken } from '../../src/backends/backend';
import { createOpenAIBackend } from '../../src/backends/openai';
import { checkPrompt } from '../../src/core/check/checkPrompt';
import type { Passage, Retriever } from '../../src/core/patterns/trace';
import { memoryEnvironment } from '../../src/core/promptEnvironment';
import { renderChecked, type RenderResult } from '../../src/core/render';
import { runPattern, type PatternEvent } from '../../src/engine/patternRun';
import { startFaultServer, type Fault, type FaultServer } from '../support/faultServer';

/** A reply as the server streams it: a few tokens (split after spaces), so steps stream in pieces. */
const reply = (text: string): Fault => ({ kind: 'ok', tokens: text.split(/(?<= )/) });

async function render(frontmatter: string, body = '{{role "user"}}Question: How many years after 1969 was Hubble launched?\nThought:'): Promise<RenderResult> {
  const checked = await checkPrompt(`---\n${frontmatter}\n---\n${body}\n`, memoryEnvironment());
  assert.deepEqual(checked.diagnostics, []);
  return renderChecked(checked, {});
}

const PASSAGES: Passage[] = [
  { file: 'docs/hubble.md', startLine: 3, endLine: 5, score: 2.5, text: 'The Hubble Space Telescope was launched in 1990. It orbits Earth.' },
  { file: 'docs/apollo.md', startLine: 1, endLine: 2, score: 1.5, text: 'Apollo 11 landed on the Moon in 1969.' },
];
const retriever: Retriever = async (query, top) => PASSAGES.filter((p) => query.split(/\s+/).some((w) => p.text.includes(w))).slice(0, top);

describe('runPattern: ReAct agents and PAL over a scripted OpenAI-compatible server', function () {
  this.timeout(20_000);
  let server: FaultServer;
  let backend: Backend;

  before(async () => {
    server = await startFaultServer({ chunkDelayMs: 1 });
    backend = createOpenAIBackend({ id: 'scripted', kind: 'openai', baseURL: server.url, timeoutMs: 5000, maxRetries: 0 }, { apiKey: async () => 'sk-test-0123456789abcdefghij', log: () => undefined });
  });
  after(() => server.close());
  beforeEach(() => server.reset());

  const agentPrompt = (tools = '[search, calculate, lookup]', extra = '') => render(`model: scripted/m\nconfig: { temperature: 0, stopSequences: ["\\n\\nQuestion:"] }\npromptlab.agent: { tools: ${tools}${extra} }`);
  const lastMessage = (index: number) => (server.requests[index]!.body!.messages as { role: string; content: string }[]).at(-1)!;

  it('runs a 3-step trajectory to finish: search, calculate, finish', async () => {
    server.script(
      reply(' I need the launch year of Hubble.\nAction: search[Hubble launched]\n'),
      reply('Thought: Hubble was launched in 1990. I subtract 1969.\nAction: calculate[1990 - 1969]\n'),
      reply('Thought: The answer is 21 years.\nAction: finish[21 years]'),
    );
    const streamed: StreamedToken[] = [];
    const events: PatternEvent[] = [];
    const result = await runPattern(backend, { rendered: await agentPrompt(), model: 'm' }, { retrieve: retriever, onToken: (t) => streamed.push(t), onEvent: (e) => events.push(e) });

    assert.equal(result.error, undefined);
    assert.equal(result.text, '21 years');
    const agent = result.trace!.agent!;
    assert.equal(agent.stop, 'finish');
    assert.equal(agent.answer, '21 years');
    assert.deepEqual(agent.steps.map((s) => [s.thought, s.action, s.error]), [
      ['I need the launch year of Hubble.', { tool: 'search', argument: 'Hubble launched' }, undefined],
      ['Hubble was launched in 1990. I subtract 1969.', { tool: 'calculate', argument: '1990 - 1969' }, undefined],
      ['The answer is 21 years.', { tool: 'finish', argument: '21 years' }, undefined],
    ]);
    assert.equal(agent.steps[0]!.observation, '[1] docs/hubble.md:3-5\nThe Hubble Space Telescope was launched in 1990. It orbits Earth.');
    assert.equal(agent.steps[1]!.observation, '21');
    assert.equal(agent.steps[2]!.observation, undefined);
    // Tokens and latency per step, usage summed over the three requests.
    assert.deepEqual(agent.steps.map((s) => s.completionTokens), [10, 12, 8]);
    assert.ok(agent.steps.every((s) => s.latencyMs > 0));
    assert.deepEqual(result.usage, { promptTokens: 33, completionTokens: 30, estimated: false });
    assert.deepEqual(events.map((e) => e.kind === 'step' && e.index), [0, 1, 2]);

    // Each request stops at Observation: besides the prompt's own stop sequence; the trajectory so
    // far is the model's own last message.
    assert.equal(server.requests.length, 3);
    assert.deepEqual(server.requests.map((r) => r.body!.stop), Array(3).fill(['\n\nQuestion:', 'Observation:']));
    assert.equal(lastMessage(0).role, 'user');
    assert.deepEqual(lastMessage(1), { role: 'assistant', content: ' I need the launch year of Hubble.\nAction: search[Hubble launched]\nObservation: [1] docs/hubble.md:3-5\nThe Hubble Space Telescope was launched in 1990. It orbits Earth.\n' });
    assert.equal(lastMessage(2).content, `${lastMessage(1).content}Thought: Hubble was launched in 1990. I subtract 1969.\nAction: calculate[1990 - 1969]\nObservation: 21\n`);
    // The live text is the whole trajectory: every step's text and every observation.
    assert.equal(streamed.map((t) => t.text).join(''), `${lastMessage(2).content}Thought: The answer is 21 years.\nAction: finish[21 years]`);
  });

  it('stops a model that loops at maxSteps', async () => {
    server.script(...Array.from({ length: 5 }, () => reply('Thought: Let me search again.\nAction: search[Hubble]\n')));
    const result = await runPattern(backend, { rendered: await agentPrompt('[search]', ', maxSteps: 3'), model: 'm' }, { retrieve: retriever });
    assert.equal(server.requests.length, 3);
    assert.equal(result.trace!.agent!.stop, 'max-steps');
    assert.equal(result.trace!.agent!.steps.length, 3);
    assert.equal(result.trace!.agent!.answer, undefined);
    assert.equal(result.error?.message, 'the agent took 3 steps without finish[answer] (promptlab.agent.maxSteps)');
    assert.equal(result.text, result.error?.message);
  });

  it('stops at a malformed action and shows why', async () => {
    server.script(reply('Thought: I will look it up.\nAction: search Hubble telescope\n'));
    const result = await runPattern(backend, { rendered: await agentPrompt(), model: 'm' }, { retrieve: retriever });
    const agent = result.trace!.agent!;
    assert.equal(agent.stop, 'parse-error');
    assert.equal(agent.steps[0]!.thought, 'I will look it up.');
    assert.equal(agent.steps[0]!.error, "cannot read the action 'search Hubble telescope': write Action: tool[argument]");
    assert.equal(result.error?.message, "the agent stopped: cannot read the action 'search Hubble telescope': write Action: tool[argument]");
    assert.equal(server.requests.length, 1);
  });

  it('reads Action + Action Input lines, and the LAST action of a step', async () => {
    server.script(
      reply('Thought: first search[x]?\nAction: search[wrong]\nNo, better:\nAction: calculate\nAction Input: "2 * 21"\n'),
      reply('Action: Finish[42]'),
    );
    const result = await runPattern(backend, { rendered: await agentPrompt(), model: 'm' }, { retrieve: retriever });
    assert.deepEqual(result.trace!.agent!.steps.map((s) => s.action), [{ tool: 'calculate', argument: '2 * 21' }, { tool: 'finish', argument: '42' }]);
    assert.equal(result.text, '42');
  });

  it('stops at an unknown tool, and at a known tool the prompt did not give', async () => {
    server.script(reply('Thought: Browse.\nAction: browse[https://example.com]\n'));
    const unknown = await runPattern(backend, { rendered: await agentPrompt(), model: 'm' }, { retrieve: retriever });
    assert.equal(unknown.trace!.agent!.stop, 'unknown-tool');
    assert.equal(unknown.trace!.agent!.steps[0]!.error, "unknown tool 'browse': this agent's tools are search, calculate, lookup, finish");
    assert.match(unknown.error!.message, /unknown tool 'browse'/);

    server.script(reply('Action: search[Hubble]\n'));
    const notGiven = await runPattern(backend, { rendered: await agentPrompt('[calculate]'), model: 'm' }, { retrieve: retriever });
    assert.equal(notGiven.trace!.agent!.stop, 'unknown-tool');
    assert.match(notGiven.trace!.agent!.steps[0]!.error!, /this agent's tools are calculate, finish/);
  });

  it("makes a tool's failure an observation and goes on (search without retrieve, a bad expression)", async () => {
    server.script(
      reply('Action: search[Hubble]\n'),
      reply('Action: calculate[1 / 0]\n'),
      reply('Action: finish[I could not find it]'),
    );
    const result = await runPattern(backend, { rendered: await agentPrompt(), model: 'm' }, {});
    const steps = result.trace!.agent!.steps;
    assert.match(steps[0]!.observation!, /^Error: search has no files to search: this prompt has no promptlab\.retrieve/);
    assert.equal(steps[1]!.observation, 'Error: the result is not a finite number (division by zero or overflow)');
    assert.equal(steps[1]!.error, 'the result is not a finite number (division by zero or overflow)');
    assert.equal(result.trace!.agent!.stop, 'finish');
    assert.equal(result.text, 'I could not find it');
  });

  it('keeps nothing a backend wrote past Observation: (a server that ignores stop sequences)', async () => {
    server.script(reply('Action: calculate[6 * 7]\nObservation: 41\nThought: done\nAction: finish[41]'), reply('Action: finish[42]'));
    const result = await runPattern(backend, { rendered: await agentPrompt(), model: 'm' }, {});
    assert.deepEqual(result.trace!.agent!.steps.map((s) => [s.text, s.observation]), [['Action: calculate[6 * 7]\n', '42'], ['Action: finish[42]', undefined]]);
    assert.equal(result.text, '42');
  });

  it('is cancelled mid-run: the step in flight stops, no further request', async () => {
    server.script(reply('Action: calculate[1 + 1]\n'), { kind: 'gated', at: [2] });
    const controller = new AbortController();
    const running = runPattern(backend, { rendered: await agentPrompt(), model: 'm' }, { signal: controller.signal });
    await server.whenWaiting(0, 1);
    const aborted = Date.now();
    controller.abort();
    const result = await running;
    // Before the backend's 5 s idle timer (the rest is counting the aborted step's tokens locally).
    assert.ok(Date.now() - aborted < 4000, `${Date.now() - aborted} ms`);
    server.openGate(0);
    assert.equal(result.finishReason, 'abort');
    assert.equal(result.error, undefined);
    assert.equal(result.trace!.agent!.stop, 'cancelled');
    assert.deepEqual(result.trace!.agent!.steps.map((s) => s.error), [undefined, 'cancelled']);
    assert.equal(server.requests.length, 2);
  });

  it('reports a backend failure as the stop reason', async () => {
    server.script(reply('Action: calculate[1 + 1]\n'), { kind: 'status', status: 400, message: 'bad request here' });
    const result = await runPattern(backend, { rendered: await agentPrompt(), model: 'm' }, {});
    assert.equal(result.trace!.agent!.stop, 'error');
    assert.match(result.error!.message, /^the agent stopped: .*bad request here/);
    assert.equal(result.error!.status, 400);
  });

  describe('PAL: promptlab.execute: javascript', () => {
    const palPrompt = () => render('model: scripted/m\npromptlab.execute: javascript', '{{role "user"}}Q: 18 eggs a day, 6 kept, cartons of 6 at $3: money a week?\n```javascript');

    it('runs the code and answers with `answer`; the trace has code, console and answer', async () => {
      server.script(reply('const perDay = (18 - 6) / 6 * 3;\nconsole.log("per day", perDay);\nconst answer = perDay * 7;\n```'));
      const events: PatternEvent[] = [];
      const result = await runPattern(backend, { rendered: await palPrompt(), model: 'm' }, { onEvent: (e) => events.push(e) });
      assert.equal(result.text, '42');
      assert.equal(result.error, undefined);
      const execution = result.trace!.execution!;
      assert.equal(execution.code, 'const perDay = (18 - 6) / 6 * 3;\nconsole.log("per day", perDay);\nconst answer = perDay * 7;\n');
      assert.deepEqual(execution.console, ['per day 6']);
      assert.equal(execution.answer, '42');
      assert.deepEqual(events.map((e) => e.kind), ['execution']);
    });

    it('stops code that runs forever, or allocates 1 GB: the error is the text', async () => {
      server.script(reply('```js\nlet answer = 0;\nwhile (true) answer++;\n```'));
      const forever = await runPattern(backend, { rendered: await palPrompt(), model: 'm' }, {});
      assert.equal(forever.text, 'the program gave no answer: the program ran longer than 1000 ms and was stopped');
      assert.equal(forever.error?.message, forever.text);
      server.script(reply('```js\nconst big = new Uint8Array(1024 * 1024 * 1024);\nconst answer = big.length;\n```'));
      const memory = await runPattern(backend, { rendered: await palPrompt(), model: 'm' }, {});
      assert.equal(memory.trace!.execution!.error, 'the program used more than 32 MB and was stopped');
    });

    it('has no require, fetch or process: ReferenceErrors, and nothing reached Node', async () => {
      const before = server.requests.length;
      for (const name of ['require', 'fetch', 'process']) {
        const call = name === 'process' ? 'process.env.HOME' : `${name}(${JSON.stringify(server.url)})`;
        server.script(reply('```js\nconst answer = ' + call + ';\n```'));
        const result = await runPattern(backend, { rendered: await palPrompt(), model: 'm' }, {});
        assert.equal(result.trace!.execution!.error, `ReferenceError: '${name}' is not defined`);
      }
      // Three generations and no request from the sandbox's fetch.
      assert.equal(server.requests.length - before, 3);
    });

    it('says when the completion has no code, and does not run code the host does not allow', async () => {
      server.script(reply('I think the answer is 42.'));
      const prose = await runPattern(backend, { rendered: await palPrompt(), model: 'm' }, {});
      assert.match(prose.trace!.execution!.error!, /no code block and is not JavaScript/);
      server.script(reply('Here you go:\n```python\nanswer = 42\n```'));
      const python = await runPattern(backend, { rendered: await palPrompt(), model: 'm' }, {});
      assert.match(python.text, /no JavaScript code block/);
      server.script(reply('const answer = 42;'));
      const refused = await runPattern(backend, { rendered: await palPrompt(), model: 'm' }, { allowCode: false });
      assert.equal(refused.trace!.execution!.error, 'code is not run here: the host does not allow it');
      assert.equal(refused.trace!.execution!.code, 'const answer = 42;');
      assert.equal(refused.trace!.execution!.answer, undefined);
    });
  });

  it('runs a plain prompt as runPrompt does, carrying a retrieval trace', async () => {
    const rendered = await render('model: scripted/m');
    const retrieval = { from: ['docs/*.md'], query: 'q', into: 'passages', passages: PASSAGES, files: 2, chunks: 2, durationMs: 1 };
    const result = await runPattern(backend, { rendered, model: 'm', retrieval }, {});
    assert.equal(result.text, 'Hello, world! How are you?');
    assert.deepEqual(result.trace, { retrieval });
    assert.equal(server.requests[0]!.body!.stop, undefined);
  });
});
