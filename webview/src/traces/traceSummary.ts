// A trace in a few words, for a comparison or eval cell: "3 passages · 4 steps · finish · code ✓".
// `spoken` says the same for a screen reader (a check mark is not a word).
import type { AgentStop, PatternTrace } from '../../../src/shared/protocol';
import { plural } from '../format';

/** How an agent stopped, in one or two words (the cell summary). */
export const STOP_SHORT: Record<AgentStop, string> = {
  'finish': 'finish',
  'max-steps': 'step limit',
  'parse-error': 'parse error',
  'unknown-tool': 'unknown tool',
  'cancelled': 'stopped',
  'error': 'error',
};

/** How an agent stopped, as a sentence's end (the trace view). */
export const STOP_LONG: Record<AgentStop, string> = {
  'finish': 'finished with an answer',
  'max-steps': 'stopped at the step limit without an answer',
  'parse-error': 'stopped: the model\'s action could not be read',
  'unknown-tool': 'stopped: the model called a tool that does not exist',
  'cancelled': 'stopped by the user',
  'error': 'stopped by an error',
};

/** Whether the sandboxed code produced an answer. */
export const codeSucceeded = (trace: PatternTrace): boolean =>
  trace.execution !== undefined && trace.execution.error === undefined && trace.execution.answer !== undefined;

export function traceSummary(trace: PatternTrace): { text: string; spoken: string } {
  const text: string[] = [];
  const spoken: string[] = [];
  if (trace.retrieval) {
    const passages = plural(trace.retrieval.passages.length, 'passage');
    text.push(passages);
    spoken.push(`${passages} retrieved`);
  }
  if (trace.agent) {
    const steps = plural(trace.agent.steps.length, 'step');
    text.push(`${steps} · ${STOP_SHORT[trace.agent.stop]}`);
    spoken.push(`${steps}, ${STOP_LONG[trace.agent.stop]}`);
  }
  if (trace.execution) {
    const ok = codeSucceeded(trace);
    text.push(`code ${ok ? '✓' : '✗'}`);
    spoken.push(ok ? 'the code ran and gave an answer' : 'the code gave no answer');
  }
  return { text: text.join(' · '), spoken: spoken.join('; ') };
}

/** Whether a trace has anything to show (an empty record is shown as no trace). */
export const hasTrace = (trace: PatternTrace | undefined): trace is PatternTrace =>
  trace !== undefined && (trace.retrieval !== undefined || trace.agent !== undefined || trace.execution !== undefined);
