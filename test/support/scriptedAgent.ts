// A scripted ReAct model for the fault server: it answers a trajectory with i Observations so far
// with step i, so an agent over calculate finishes in two steps whatever the host (engine cells,
// Run Prompt in VS Code).
import type { Fault } from './faultServer';

export const AGENT_STEPS = [' I subtract 1969 from 1990.\nAction: calculate[1990 - 1969]\n', 'Thought: That is 21 years.\nAction: finish[21 years]'];

/** The step that answers a trajectory with i Observations so far, streamed word by word. */
export function respondAsAgent(body: Record<string, unknown>): Fault {
  const last = ((body.messages ?? []) as { role: string; content: string }[]).at(-1)!;
  const observations = last.role === 'assistant' ? (last.content.match(/Observation:/g) ?? []).length : 0;
  return { kind: 'ok', tokens: (AGENT_STEPS[observations] ?? 'Action: finish[out of script]').split(/(?<= )/) };
}

/** The ReAct prompt these steps answer, on `model` (a backend id / model the host knows). */
export function agentPrompt(model: string): string {
  return `---
model: ${model}
config: { temperature: 0, maxOutputTokens: 60 }
promptlab.agent: { tools: [calculate], maxSteps: 4 }
---
{{role "user"}}Question: How many years after 1969 was Hubble launched?
Thought:`;
}
