// `prompt-lab run`, `compare` and `eval` of ReAct and PAL prompts, in-process through runCli, with the
// real openai client over real HTTP against a scripted OpenAI-compatible server
// (test/support/faultServer.ts). Each reply is chosen from the request itself (the question, and for
// an agent how many Observations its trajectory has so far), so trajectories are deterministic even
// when a comparison's cells run at once. The final answer is the output; `--json` holds the trace.
import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { GenerationResult } from '../../src/backends/backend';
import type { ComparisonRecord } from '../../src/core/comparison';
import type { EvalRecord } from '../../src/core/eval/evalRecord';
import { startFaultServer, type Fault, type FaultServer } from '../support/faultServer';
import { cli } from '../support/inProcessCli';

type Message = { role: string; content: string };
const messagesOf = (body: Record<string, unknown>) => (body.messages ?? []) as Message[];
const reply = (text: string): Fault => ({ kind: 'ok', tokens: text.split(/(?<= )/) });

/** Agent steps by question: step i answers a trajectory with i Observations. */
const AGENT: Record<string, string[]> = {
  FINISH: [' I subtract 1969 from 1990.\nAction: calculate[1990 - 1969]\n', 'Thought: That is 21 years.\nAction: finish[21 years]'],
  LOOP: Array(10).fill(' I will add again.\nAction: calculate[1 + 1]\n') as string[],
  MALFORMED: [' The answer is 42, I think, and I will not use an action.'],
  UNKNOWN: [' I will browse.\nAction: browse[hubble.org]\n'],
  // The shipped react-agent.prompt's default question, searching the shipped prompts/docs/.
  How: [
    ' I need the year Hubble was launched.\nAction: search[Hubble Space Telescope launched]\n',
    'Thought: Hubble was launched in 1990. Now the first crewed Moon landing.\nAction: search[first crewed Moon landing]\n',
    'Thought: Apollo 11 landed in 1969.\nAction: calculate[1990 - 1969]\n',
    'Thought: 21 years.\nAction: finish[21 years]',
  ],
};

/** PAL completions by question (the prompt's cue opened the fence; the reply closes it). */
const PROGRAMS: Record<string, string> = {
  ANSWER: 'const perDay = (18 - 6) / 6 * 3;\nconsole.log("per day", perDay);\nconst answer = perDay * 7;\n```',
  FOREVER: 'let answer = 0;\nwhile (true) answer++;\n```',
  MEMORY: 'const big = new Uint8Array(1024 * 1024 * 1024);\nconst answer = big.length;\n```',
  REQUIRE: 'const answer = require("fs").readFileSync("/etc/passwd", "utf8");\n```',
  FETCH: 'const answer = fetch("SERVER");\n```',
  PROCESS: 'const answer = process.env.HOME;\n```',
};

function respondTo(server: () => FaultServer) {
  return (body: Record<string, unknown>): Fault | undefined => {
    const messages = messagesOf(body);
    if (messages.some((m) => m.content.includes('Context:'))) return undefined; // answer-from-context: the default reply
    const question = /Question: (\w+)/.exec(messages.filter((m) => m.role === 'user').at(-1)?.content ?? '')?.[1] ?? '';
    if (AGENT[question]) {
      const last = messages.at(-1)!;
      const observations = last.role === 'assistant' ? (last.content.match(/Observation:/g) ?? []).length : 0;
      return reply(AGENT[question][observations] ?? 'Action: finish[out of script]');
    }
    if (PROGRAMS[question]) return reply(PROGRAMS[question].replace('SERVER', server().url));
    return undefined;
  };
}

const AGENT_PROMPT = (maxSteps = 3) => `---
model: gpt-test
config: { temperature: 0, maxOutputTokens: 60 }
promptlab.agent: { tools: [calculate], maxSteps: ${maxSteps} }
input:
  schema:
    question: string
  default:
    question: FINISH
---
{{role "system"}}Answer with Thought, Action and Observation steps; calculate[expression] or finish[answer].
{{role "user"}}Question: {{question}}
Thought:
`;

const PAL_PROMPT = `---
model: gpt-test
config: { temperature: 0, maxOutputTokens: 100, stopSequences: ["\`\`\`"] }
promptlab.execute: javascript
input:
  schema:
    question: string
  default:
    question: ANSWER
---
{{role "user"}}Question: {{question}}

\`\`\`javascript
`;

describe('prompt-lab run, compare and eval of ReAct and PAL prompts over a scripted server', function () {
  this.timeout(30_000);
  let server: FaultServer;
  let dir: string;

  before(async () => {
    server = await startFaultServer({ chunkDelayMs: 1, respondTo: respondTo(() => server) });
    dir = mkdtempSync(path.join(tmpdir(), 'prompt-lab-patterns-'));
    writeFileSync(path.join(dir, 'agent.prompt'), AGENT_PROMPT());
    writeFileSync(path.join(dir, 'pal.prompt'), PAL_PROMPT);
  });
  after(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => server.reset());

  const file = (name: string) => path.join(dir, name);
  const run = (name: string, question: string, ...flags: string[]) =>
    cli('run', file(name), '--base-url', server.url, '--input', `question=${question}`, '--no-history', ...flags);

  describe('ReAct', () => {
    it('run: the final answer is stdout, one stderr line per step; --json holds the trajectory', async () => {
      const { code, stdout, stderr } = await run('agent.prompt', 'FINISH');
      assert.equal(code, 0, stderr);
      assert.equal(stdout, '21 years\n');
      assert.match(stderr, /prompt-lab run: step 1: calculate\[1990 - 1969\] -> 21\n/);
      assert.match(stderr, /prompt-lab run: step 2: finish\[21 years\]\n/);
      assert.equal(server.requests.length, 2);
      // The second request carries the first step and its observation as the model's own text.
      assert.equal(messagesOf(server.requests[1]!.body!).at(-1)!.content, ' I subtract 1969 from 1990.\nAction: calculate[1990 - 1969]\nObservation: 21\n');

      const json = await run('agent.prompt', 'FINISH', '--json');
      assert.equal(json.code, 0, json.stderr);
      assert.doesNotMatch(json.stderr, /step 1/, 'no step lines with --json');
      const result = JSON.parse(json.stdout) as GenerationResult;
      assert.equal(result.text, '21 years');
      assert.equal(result.trace!.agent!.stop, 'finish');
      assert.deepEqual(result.trace!.agent!.steps.map((step) => [step.action, step.observation]), [
        [{ tool: 'calculate', argument: '1990 - 1969' }, '21'],
        [{ tool: 'finish', argument: '21 years' }, undefined],
      ]);
    });

    it('run: a model that loops stops at maxSteps; a malformed action and an unknown tool stop it; exit 1 each', async () => {
      const loop = await run('agent.prompt', 'LOOP', '--json');
      assert.equal(loop.code, 1);
      const looped = JSON.parse(loop.stdout) as GenerationResult;
      assert.equal(looped.trace!.agent!.stop, 'max-steps');
      assert.equal(looped.trace!.agent!.steps.length, 3);
      assert.match(looped.error!.message, /took 3 steps without finish\[answer\]/);
      assert.equal(server.requests.length, 3, 'no fourth request');

      const malformed = await run('agent.prompt', 'MALFORMED');
      assert.equal(malformed.code, 1);
      assert.equal(malformed.stdout, '');
      assert.match(malformed.stderr, /step 1: \(no action\) -> error: /);
      assert.match(malformed.stderr, /prompt-lab run: error: the agent stopped: /);

      const unknown = await run('agent.prompt', 'UNKNOWN', '--json');
      assert.equal(unknown.code, 1);
      const stopped = JSON.parse(unknown.stdout) as GenerationResult;
      assert.equal(stopped.trace!.agent!.stop, 'unknown-tool');
      assert.match(stopped.error!.message, /unknown tool 'browse': this agent's tools are calculate, finish/);
    });

    it('compare: each cell is a whole trajectory whose text is the final answer; the record keeps the trace', async () => {
      const { code, stdout, stderr } = await cli('compare', file('agent.prompt'), '--base-url', server.url, '--input', 'question=FINISH',
        '--temperatures', '0,0.5', '--samples', '2', '--json', '--no-history');
      assert.equal(code, 0, stderr);
      const record = JSON.parse(stdout) as ComparisonRecord;
      assert.equal(record.cells.length, 4);
      for (const cell of record.cells) {
        assert.equal(cell.status, 'done');
        assert.equal(cell.text, '21 years');
        assert.equal(cell.result!.text, '21 years');
        assert.equal(cell.result!.trace!.agent!.steps.length, 2);
      }
      assert.equal(server.requests.length, 8, 'two requests per cell');
      assert.match(stderr, /\[1\/4\] temperature 0(\.5)?, sample \d: \d+ tokens, \d+ ms · agent: 2 steps \(finish\)\n/);
    });

    it('eval: the final answer is graded; a looping test fails its cell with the trace kept', async () => {
      writeFileSync(file('agent.tests.yaml'), `tests:
  - description: finishes
    vars: { question: FINISH }
    assert:
      - type: equals
        value: 21 years
  - description: loops
    vars: { question: LOOP }
    assert:
      - type: contains
        value: years
`);
      const { code, stdout, stderr } = await cli('eval', file('agent.prompt'), '--base-url', server.url, '--json', '--no-history');
      assert.equal(code, 1, stderr);
      const record = JSON.parse(stdout) as EvalRecord;
      const [finishes, loops] = record.cells;
      assert.equal(finishes!.text, '21 years');
      assert.equal(finishes!.outcome?.pass, true);
      assert.equal(finishes!.result!.trace!.agent!.stop, 'finish');
      assert.equal(loops!.status, 'failed');
      assert.equal(loops!.result!.trace!.agent!.stop, 'max-steps');
      assert.match(stderr, /loops · variant default: error: the run failed: .* · agent: 3 steps \(max-steps\)\n/);
    });
  });

  describe('PAL', () => {
    it('run: the program\'s answer is stdout; its code, console and answer go to stderr; --json holds the execution', async () => {
      const { code, stdout, stderr } = await run('pal.prompt', 'ANSWER');
      assert.equal(code, 0, stderr);
      assert.equal(stdout, '42\n');
      assert.match(stderr, /prompt-lab run: code \(4 lines\):\nprompt-lab run: {3}const perDay = \(18 - 6\) \/ 6 \* 3;\n/);
      assert.match(stderr, /prompt-lab run: console: per day 6\n/);
      assert.match(stderr, /prompt-lab run: answer: 42 \(\d+ ms\)\n/);
      const json = await run('pal.prompt', 'ANSWER', '--json');
      const result = JSON.parse(json.stdout) as GenerationResult;
      assert.equal(result.text, '42');
      assert.deepEqual(result.trace!.execution!.console, ['per day 6']);
      assert.match(result.trace!.execution!.code!, /const answer = perDay \* 7;/);
    });

    it('run: code that runs forever or allocates 1 GB is stopped by its limit; exit 1 with the reason', async () => {
      const forever = await run('pal.prompt', 'FOREVER', '--json');
      assert.equal(forever.code, 1);
      const stopped = JSON.parse(forever.stdout) as GenerationResult;
      assert.match(stopped.trace!.execution!.error!, /ran longer than \d+ ms and was stopped/);
      assert.match(stopped.error!.message, /^the program gave no answer: /);

      const memory = await run('pal.prompt', 'MEMORY');
      assert.equal(memory.code, 1);
      assert.equal(memory.stdout, '');
      assert.match(memory.stderr, /prompt-lab run: error: the program used more than \d+ MB and was stopped \(\d+ ms\)\n/);
      assert.match(memory.stderr, /prompt-lab run: error: the program gave no answer: the program used more than \d+ MB/);
    });

    it('run: require, fetch and process are not defined in the sandbox, and nothing leaks out', async () => {
      for (const name of ['REQUIRE', 'FETCH', 'PROCESS']) {
        const { code, stdout } = await run('pal.prompt', name, '--json');
        assert.equal(code, 1);
        const result = JSON.parse(stdout) as GenerationResult;
        assert.equal(result.trace!.execution!.error, `ReferenceError: '${name.toLowerCase()}' is not defined`);
        assert.doesNotMatch(stdout, /root:|\/home\//, 'no file or environment content in the output');
      }
      // Three generations; the sandbox's fetch sent nothing to the server.
      assert.equal(server.requests.length, 3);
    });

    it('compare and eval: the program\'s answer is the cell\'s output; a runaway program fails its cell', async () => {
      const compared = await cli('compare', file('pal.prompt'), '--base-url', server.url, '--input', 'question=ANSWER', '--temperatures', '0,1', '--samples', '1', '--json', '--no-history');
      assert.equal(compared.code, 0, compared.stderr);
      const record = JSON.parse(compared.stdout) as ComparisonRecord;
      assert.deepEqual(record.cells.map((cell) => [cell.status, cell.text, cell.result!.trace!.execution!.answer]), [['done', '42', '42'], ['done', '42', '42']]);

      writeFileSync(file('pal.tests.yaml'), `tests:
  - vars: { question: ANSWER }
    assert:
      - type: equals
        value: "42"
  - vars: { question: FOREVER }
    assert:
      - type: equals
        value: "42"
`);
      const evaluated = await cli('eval', file('pal.prompt'), '--base-url', server.url, '--json', '--no-history');
      assert.equal(evaluated.code, 1, evaluated.stderr);
      const evalRecord = JSON.parse(evaluated.stdout) as EvalRecord;
      assert.equal(evalRecord.cells[0]!.text, '42');
      assert.equal(evalRecord.cells[0]!.outcome?.pass, true);
      assert.equal(evalRecord.cells[1]!.status, 'failed');
      assert.match(evalRecord.cells[1]!.result!.trace!.execution!.error!, /ran longer than/);
    });
  });

  it('a prompt whose retrieval cannot run is a user error: exit 1 with the reason, nothing sent', async () => {
    writeFileSync(file('rag.prompt'), AGENT_PROMPT()
      .replace('promptlab.agent: { tools: [calculate], maxSteps: 3 }', 'promptlab.retrieve: { from: "nowhere-at-all/**/*.md", query: question, into: passages }')
      .replace('    question: string\n', '    question: string\n    passages?(array): { file: string, text: string }\n'));
    const { code, stderr } = await run('rag.prompt', 'FINISH');
    assert.equal(code, 1, stderr);
    assert.match(stderr, /rag\.prompt: .*nowhere-at-all/);
    assert.equal(server.requests.length, 0);
  });

  describe('the shipped samples, run from the folder that holds prompts/ (retrieval searches the working folder: prompts/docs/)', () => {
    const root = path.resolve(__dirname, '../../..');
    const cwd = process.cwd();
    beforeEach(() => process.chdir(root));
    afterEach(() => process.chdir(cwd));

    it('react-agent.prompt searches prompts/docs/, calculates and finishes: the answer is stdout, each step and its passages on stderr', async () => {
      const { code, stdout, stderr } = await cli('run', 'prompts/react-agent.prompt', '--base-url', server.url, '--model', 'gpt-test', '--no-history');
      assert.equal(code, 0, stderr);
      assert.equal(stdout, '21 years\n');
      assert.match(stderr, /step 1: search\[Hubble Space Telescope launched\] -> [1-3] passages?\n/);
      assert.match(stderr, /step 3: calculate\[1990 - 1969\] -> 21\n/);
      // The first search's observation reached the model: a passage of the Hubble file, where it is.
      const second = messagesOf(server.requests[1]!.body!).at(-1)!.content;
      assert.match(second, /Observation: \[1\] prompts\/docs\/hubble-space-telescope\.md:\d+(-\d+)?\n[^]*launched on 24 April 1990/);
      const json = await cli('run', 'prompts/react-agent.prompt', '--base-url', server.url, '--model', 'gpt-test', '--no-history', '--json');
      const result = JSON.parse(json.stdout) as GenerationResult;
      assert.deepEqual(result.trace!.agent!.steps.map((step) => step.action!.tool), ['search', 'search', 'calculate', 'finish']);
    });

    it('answer-from-context.prompt retrieves four passages into its prompt; stderr lists them (file:lines score)', async () => {
      const { code, stderr } = await cli('run', 'prompts/answer-from-context.prompt', '--base-url', server.url, '--model', 'gpt-test', '--no-history');
      assert.equal(code, 0, stderr);
      assert.match(stderr, /retrieved 4 passages for 'How wide is Hubble's primary mirror.*' into passages/);
      assert.match(stderr, /\n.*prompts\/docs\/hubble-mirror\.md:\d+(-\d+)? \d+\.\d\d\n/);
      const sent = messagesOf(server.requests[0]!.body!).at(-1)!.content;
      assert.match(sent, /\[0\] prompts\/docs\/hubble-mirror\.md: /, 'the best passage is the mirror file');
      assert.match(sent, /2\.4 metres/);
    });
  });
});
