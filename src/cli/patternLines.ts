// What a prompt pattern does, as the CLI's stderr shows it while it happens (not with --json or
// --quiet): the retrieved passages (file:lines score), one line per agent step
// (`step 2: search[Hubble] -> 3 passages`), a program's code, console and answer or error. Model
// and workspace text is untrusted: each line is cut short and stripped of control characters, so a
// completion cannot move the cursor or clear the terminal.
import { passagePlace } from '../core/patterns/tools/search';
import type { AgentStep, ExecutionTrace, PatternTrace, RetrievalTrace } from '../core/patterns/trace';
import type { PatternEvent } from '../engine/patternRun';

const LINE_CHARS = 120;

/** One line of untrusted text: control characters (ANSI escapes included) shown as spaces, cut short. */
export function oneLine(text: string, limit = LINE_CHARS): string {
  // eslint-disable-next-line no-control-regex
  const flat = text.replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ').trim();
  return flat.length > limit ? `${flat.slice(0, limit - 1)}…` : flat;
}

const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? '' : 's'}`;

/** What the step's tool returned, in a few words: `3 passages`, `42`, or the error. */
function outcomeOf(step: AgentStep): string {
  if (step.error !== undefined) return `error: ${oneLine(step.error, 80)}`;
  const observation = step.observation ?? '';
  if (step.action?.tool === 'search') {
    const passages = observation.match(/^\[\d+\] /gm)?.length ?? 0;
    return passages > 0 ? plural(passages, 'passage') : oneLine(observation, 80);
  }
  return oneLine(observation, 80);
}

export function stepLine(index: number, step: AgentStep): string {
  const action = step.action ? `${step.action.tool}[${oneLine(step.action.argument, 60)}]` : '(no action)';
  if (step.action?.tool === 'finish') return `step ${index + 1}: ${action}`;
  return `step ${index + 1}: ${action} -> ${outcomeOf(step)}`;
}

export function executionLines(execution: ExecutionTrace): string[] {
  const lines = [];
  if (execution.code !== undefined) {
    const code = execution.code.split('\n');
    lines.push(`code (${plural(code.length, 'line')}):`, ...code.slice(0, 40).map((line) => `  ${oneLine(line)}`));
    if (code.length > 40) lines.push(`  … ${plural(code.length - 40, 'more line')}`);
  }
  for (const line of execution.console.slice(0, 20)) lines.push(`console: ${oneLine(line)}`);
  if (execution.console.length > 20) lines.push(`console: … ${plural(execution.console.length - 20, 'more line')}`);
  const took = `${Math.round(execution.durationMs)} ms`;
  lines.push(execution.answer !== undefined ? `answer: ${oneLine(execution.answer)} (${took})` : `error: ${oneLine(execution.error ?? 'no answer')} (${took})`);
  return lines;
}

export function retrievalLines(retrieval: RetrievalTrace): string[] {
  return [
    `retrieved ${plural(retrieval.passages.length, 'passage')} for '${oneLine(retrieval.query, 60)}' into ${retrieval.into} (${plural(retrieval.files, 'file')}, ${plural(retrieval.chunks, 'chunk')}, ${Math.round(retrieval.durationMs)} ms):`,
    ...retrieval.passages.map((passage) => `  ${passagePlace(passage)} ${passage.score.toFixed(2)}`),
  ];
}

/** The lines a pattern event prints, each prefixed (`prompt-lab run: `) and ended with a newline. */
export function eventText(prefix: string, event: PatternEvent): string {
  const lines = event.kind === 'step' ? [stepLine(event.index, event.step)] : executionLines(event.execution);
  return lines.map((line) => `${prefix}${line}\n`).join('');
}

/** A cell's pattern in a few words for its progress line (compare, eval): ` · agent: 3 steps (finish)`;
 * empty for a plain generation. The whole trace is in `--json`. */
export function traceNote(trace: PatternTrace | undefined): string {
  if (!trace) return '';
  const parts = [];
  if (trace.retrieval) parts.push(`${plural(trace.retrieval.passages.length, 'passage')} retrieved`);
  if (trace.agent) parts.push(`agent: ${plural(trace.agent.steps.length, 'step')} (${trace.agent.stop})`);
  if (trace.execution) parts.push(`program: ${trace.execution.answer !== undefined ? 'answered' : 'no answer'}`);
  return parts.length > 0 ? ` · ${parts.join(', ')}` : '';
}
