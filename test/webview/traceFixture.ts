// Pattern traces as the engine records them (src/core/patterns/trace.ts), built by hand for the
// trace view's tests: a retrieval, a ReAct trajectory with a malformed action and an unknown tool
// on the way to its answer, and a PAL program with console output.
import type { AgentStep, AgentTrace, ExecutionTrace, PatternTrace, RetrievalTrace } from '../../src/shared/protocol';

export const retrieval = (extra: Partial<RetrievalTrace> = {}): RetrievalTrace => ({
  from: ['docs/**/*.md'],
  query: 'How long does the warranty last?',
  into: 'passages',
  passages: [
    { file: 'docs/warranty.md', startLine: 12, endLine: 19, score: 7.4321, text: '## Warranty\nEvery kettle is covered for two years from the date of purchase.\nThe warranty covers the heating element and the switch.\nIt does not cover limescale.\nKeep the receipt.\nRegister online within 30 days\nto extend the warranty by a year.' },
    { file: 'docs/faq.md', startLine: 40, endLine: 40, score: 3.1, text: 'Q: Is the lid covered? A: Yes, for one year.' },
    { file: 'docs/returns/policy.md', startLine: 1, endLine: 8, score: 1.25, text: 'Returns are accepted within 30 days.' },
  ],
  files: 14,
  chunks: 83,
  durationMs: 23,
  ...extra,
});

export const step = (extra: Partial<AgentStep>): AgentStep => ({ text: '', completionTokens: 20, latencyMs: 300, ...extra });

export const agent = (extra: Partial<AgentTrace> = {}): AgentTrace => ({
  steps: [
    step({ text: 'Thought: I should look up the warranty.\nAction: search[warranty length]', thought: 'I should look up the warranty.', action: { tool: 'search', argument: 'warranty length' }, observation: 'docs/warranty.md:12–19 Every kettle is covered for two years from the date of purchase.', completionTokens: 18, latencyMs: 412 }),
    step({ text: 'Thought: now the extension\nAction search extension', error: 'No `Action: tool[argument]` line in the step.', completionTokens: 11, latencyMs: 250 }),
    step({ text: 'Thought: use the browser\nAction: browse[kettle.example]', thought: 'use the browser', action: { tool: 'browse', argument: 'kettle.example' }, observation: 'Unknown tool "browse": the tools are search, calculate.', error: 'Unknown tool "browse".', completionTokens: 15, latencyMs: 280 }),
    step({ text: 'Thought: two years plus one\nAction: calculate[2 + 1]', thought: 'two years plus one', action: { tool: 'calculate', argument: '2 + 1' }, observation: '3', completionTokens: 14, latencyMs: 198 }),
    step({ text: 'Action: finish[3 years when registered]', thought: 'I know the answer.', action: { tool: 'finish', argument: '3 years when registered' }, completionTokens: 9, latencyMs: 120 }),
  ],
  stop: 'finish',
  answer: '3 years when registered',
  ...extra,
});

export const execution = (extra: Partial<ExecutionTrace> = {}): ExecutionTrace => ({
  language: 'javascript',
  code: 'const years = 2;\nconst bonus = 1;\nconsole.log("years", years, "bonus", bonus);\nconst answer = years + bonus;',
  console: ['years 2 bonus 1'],
  answer: '3',
  durationMs: 7,
  ...extra,
});

export const fullTrace = (): PatternTrace => ({ retrieval: retrieval(), agent: agent(), execution: execution() });
