// What a prompt pattern did on its way to an answer, as one record the CLI's `--json`, the panel's
// trace views, comparisons and evals all read. Three patterns run around a plain generation:
// - retrieval (`promptlab.retrieve`): workspace files chunked and ranked (BM25) before rendering;
//   the top passages fill an input;
// - ReAct (`promptlab.agent`): generate until `Observation:`, run the tool the last `Action:` names,
//   append what it returned, continue until `finish[answer]`;
// - PAL (`promptlab.execute: javascript`): the completion's code runs in a QuickJS sandbox and its
//   `answer` is the output.
// Every string here came from a model or a workspace file: untrusted text, shown as text only.

/** A chunk of a workspace file, as ranked for a query. */
export interface Passage {
  /** Relative to the workspace (or the CLI's working folder), with `/` separators. */
  file: string;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  /** The ranker's score (BM25): comparable within one query only. */
  score: number;
  text: string;
}

/** Ranks the prompt's `promptlab.retrieve` files for a query: the best `top` passages, best first. */
export type Retriever = (query: string, top: number, signal?: AbortSignal) => Promise<Passage[]>;

export interface RetrievalTrace {
  /** The glob(s) the passages came from, as written. */
  from: string[];
  query: string;
  /** The input the passages filled. */
  into: string;
  passages: Passage[];
  /** Files matched and chunks indexed, for the user to see what the ranking ran over. */
  files: number;
  chunks: number;
  durationMs: number;
}

export type AgentStop = 'finish' | 'max-steps' | 'parse-error' | 'unknown-tool' | 'cancelled' | 'error';

export interface AgentStep {
  /** The model's text of this step (thought and action), as generated. */
  text: string;
  thought?: string;
  action?: { tool: string; argument: string };
  /** What the tool returned (or why it failed), as appended to the transcript. */
  observation?: string;
  /** Why the step's action could not be read or run. */
  error?: string;
  completionTokens: number;
  latencyMs: number;
}

export interface AgentTrace {
  steps: AgentStep[];
  stop: AgentStop;
  /** The argument of `finish[...]`, when the agent finished. */
  answer?: string;
}

export interface ExecutionTrace {
  language: 'javascript';
  /** The code block found in the completion (undefined when there was none). */
  code?: string;
  /** console.log / console.error lines, capped. */
  console: string[];
  /** The value of `answer` (or of the last expression), as text. */
  answer?: string;
  /** Why it produced no answer: no code, a thrown error, out of time, out of memory. */
  error?: string;
  durationMs: number;
}

export interface PatternTrace {
  retrieval?: RetrievalTrace;
  agent?: AgentTrace;
  execution?: ExecutionTrace;
}
