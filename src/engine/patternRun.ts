// One run of a prompt with its pattern, where every host runs prompts (CLI run/compare/eval, the
// editor's Run Prompt, comparison and eval cells): a plain generation (runPrompt), a ReAct agent
// (`promptlab.agent`) or a program-aided run (`promptlab.execute: javascript`). The result is one
// GenerationResult whose `text` is the final answer and whose `trace` says how it was reached.
//
// How an agent continues on chat backends: the trajectory so far (each step's text, then
// `Observation: <result>`) is ONE assistant (`model`) message after the rendered messages (appended
// to the last message when the prompt itself ends with a `model` message). Servers that continue a
// trailing assistant message (llama.cpp's server, the local backend's chat template) go on from
// there; others answer with a new assistant turn that reads the trajectory as its own earlier text.
// Either way the step's text is appended to the trajectory, so the next request sees every step.
import type { Backend, GenerateOptions, GenerationResult } from '../backends/backend';
import { runPrompt, type RunRequest } from '../backends/runPrompt';
import { generationConfigOf, mergeGenerationConfig } from '../core/generationConfig';
import { agentSpecOf, type AgentSpec } from '../core/patterns/agentSpec';
import { executeSpecOf } from '../core/patterns/executeSpec';
import { findCode, runProgram } from '../core/patterns/program';
import { cutAtObservation, OBSERVATION_CUE, parseStep } from '../core/patterns/react';
import { isToolName, runTool, type ToolContext } from '../core/patterns/tools';
import type { AgentStep, AgentStop, AgentTrace, ExecutionTrace, PatternTrace, RetrievalTrace, Retriever } from '../core/patterns/trace';
import type { RenderResult } from '../core/render';

export interface PatternRequest extends RunRequest {
  /** What retrieval put into the prompt before rendering, to carry on the result's trace. */
  retrieval?: RetrievalTrace;
}

/** Something a host shows as it happens (the CLI's stderr): an agent's step, a program's run. */
export type PatternEvent =
  | { kind: 'step'; index: number; step: AgentStep }
  | { kind: 'execution'; execution: ExecutionTrace };

export interface PatternOptions extends GenerateOptions {
  /** The agent's `search` tool ranks through it (the prompt's `promptlab.retrieve`). */
  retrieve?: Retriever;
  /** False: a PAL program is not run (the trace says why). Sandboxed code is allowed by default,
   * Restricted Mode included: it touches nothing outside the sandbox. */
  allowCode?: boolean;
  onEvent?: (event: PatternEvent) => void;
}

export async function runPattern(backend: Backend, request: PatternRequest, options: PatternOptions = {}): Promise<GenerationResult> {
  const { retrieval, ...run } = request;
  const agent = agentSpecOf(request.rendered.ext);
  if (agent) return runAgent(backend, run, agent, options, retrieval);
  const generateOptions: GenerateOptions = { ...(options.signal ? { signal: options.signal } : {}), ...(options.onToken ? { onToken: options.onToken } : {}) };
  const result = await runPrompt(backend, run, generateOptions);
  if (executeSpecOf(request.rendered.ext)) return executeProgram(result, options, retrieval);
  return retrieval ? { ...result, trace: { retrieval } } : result;
}

/** PAL: the completion's program, run in the sandbox; its answer becomes the result's text. */
async function executeProgram(result: GenerationResult, options: PatternOptions, retrieval: RetrievalTrace | undefined): Promise<GenerationResult> {
  const traced = (execution: ExecutionTrace): PatternTrace => ({ ...(retrieval ? { retrieval } : {}), execution });
  // A failed or stopped generation is reported as such; its partial code is not run.
  if (result.error || result.finishReason === 'abort') return { ...result, trace: traced({ language: 'javascript', console: [], error: 'the generation did not complete: its code was not run', durationMs: 0 }) };
  const code = findCode(result.text)?.code;
  const execution: ExecutionTrace = options.allowCode === false
    ? { language: 'javascript', ...(code !== undefined ? { code } : {}), console: [], error: 'code is not run here: the host does not allow it', durationMs: 0 }
    : await runProgram(result.text);
  options.onEvent?.({ kind: 'execution', execution });
  if (execution.answer !== undefined) return { ...result, text: execution.answer, trace: traced(execution) };
  const message = `the program gave no answer: ${execution.error ?? 'unknown'}`;
  return { ...result, text: message, error: { message }, trace: traced(execution) };
}

/** The rendered prompt with the trajectory so far as the model's own message (see the top of the file). */
function withTrajectory(rendered: RenderResult, trajectory: string): RenderResult {
  if (!trajectory) return rendered;
  const messages = [...rendered.text];
  const last = messages.at(-1);
  if (last?.role === 'model') messages[messages.length - 1] = { ...last, content: last.content + trajectory };
  else messages.push({ role: 'model', content: trajectory });
  return { ...rendered, text: messages };
}

/** The prompt's stop sequences (frontmatter < overrides) and `Observation:`. */
function stopSequencesOf(request: RunRequest): string[] {
  const config = mergeGenerationConfig(request.defaults, generationConfigOf(request.rendered.config), request.overrides);
  return [...new Set([...(config.stopSequences ?? []), OBSERVATION_CUE])];
}

const STOP_MESSAGES: Record<Exclude<AgentStop, 'finish'>, (spec: AgentSpec, step?: AgentStep) => string> = {
  'max-steps': (spec) => `the agent took ${spec.maxSteps} steps without finish[answer] (promptlab.agent.maxSteps)`,
  'parse-error': (_, step) => `the agent stopped: ${step?.error ?? 'a step could not be read'}`,
  'unknown-tool': (_, step) => `the agent stopped: ${step?.error ?? 'it called an unknown tool'}`,
  cancelled: () => 'the agent was cancelled',
  error: (_, step) => `the agent stopped: ${step?.error ?? 'the backend failed'}`,
};

/** ReAct: generate to `Observation:`, run the last action's tool, append what it returned, repeat. */
async function runAgent(backend: Backend, request: RunRequest, spec: AgentSpec, options: PatternOptions, retrieval: RetrievalTrace | undefined): Promise<GenerationResult> {
  const started = performance.now();
  const overrides = { ...request.overrides, stopSequences: stopSequencesOf(request) };
  const tools: ToolContext = { ...(options.retrieve ? { retriever: options.retrieve } : {}), ...(options.signal ? { signal: options.signal } : {}) };
  const steps: AgentStep[] = [];
  const usage = { promptTokens: 0, completionTokens: 0, estimated: false };
  const warnings = new Set<string>();
  let trajectory = '';
  let first: GenerationResult | undefined;
  let last: GenerationResult | undefined;
  let stop: AgentStop | undefined;
  let answer: string | undefined;
  const emit = (text: string) => options.onToken?.({ text });
  const record = (step: AgentStep) => {
    steps.push(step);
    options.onEvent?.({ kind: 'step', index: steps.length - 1, step });
  };

  while (stop === undefined) {
    if (steps.length >= spec.maxSteps) { stop = 'max-steps'; break; }
    if (options.signal?.aborted) { stop = 'cancelled'; break; }
    const result = await runPrompt(backend, { ...request, rendered: withTrajectory(request.rendered, trajectory), overrides }, {
      ...(options.signal ? { signal: options.signal } : {}),
      onToken: (token) => options.onToken?.(token),
    });
    first ??= result;
    last = result;
    usage.promptTokens += result.usage.promptTokens;
    usage.completionTokens += result.usage.completionTokens;
    usage.estimated ||= result.usage.estimated;
    for (const warning of result.warnings) warnings.add(warning);
    const text = cutAtObservation(result.text);
    const base = { text, completionTokens: result.usage.completionTokens, latencyMs: result.latencyMs };
    if (result.finishReason === 'abort') { record({ ...base, error: 'cancelled' }); stop = 'cancelled'; break; }
    if (result.error) { record({ ...base, error: result.error.message }); stop = 'error'; break; }

    const parsed = parseStep(text);
    const thought = parsed.thought !== undefined ? { thought: parsed.thought } : {};
    if (parsed.kind === 'unreadable') {
      const error = result.finishReason === 'length' ? `${parsed.error} (the step reached maxOutputTokens first)` : parsed.error;
      record({ ...base, ...thought, error });
      stop = 'parse-error';
      break;
    }
    const action = { tool: parsed.tool, argument: parsed.argument };
    if (parsed.tool === 'finish') {
      record({ ...base, ...thought, action });
      answer = parsed.argument;
      stop = 'finish';
      break;
    }
    if (!isToolName(parsed.tool) || !spec.tools.includes(parsed.tool)) {
      record({ ...base, ...thought, action, error: `unknown tool '${parsed.tool}': this agent's tools are ${[...spec.tools, 'finish'].join(', ')}` });
      stop = 'unknown-tool';
      break;
    }
    let observation: string;
    let error: string | undefined;
    try {
      observation = await runTool(parsed.tool, parsed.argument, tools);
    } catch (thrown) {
      if (options.signal?.aborted) { record({ ...base, ...thought, action, error: 'cancelled' }); stop = 'cancelled'; break; }
      error = thrown instanceof Error ? thrown.message : String(thrown);
      observation = `Error: ${error}`;
    }
    const observed = `${text.endsWith('\n') || text === '' ? '' : '\n'}${OBSERVATION_CUE} ${observation}\n`;
    trajectory += text + observed;
    emit(observed);
    record({ ...base, ...thought, action, observation, ...(error !== undefined ? { error } : {}) });
  }

  const agent: AgentTrace = { steps, stop: stop!, ...(answer !== undefined ? { answer } : {}) };
  const trace: PatternTrace = { ...(retrieval ? { retrieval } : {}), agent };
  const latencyMs = performance.now() - started;
  const summary = {
    usage, latencyMs, warnings: [...warnings], trace,
    ...(first?.timeToFirstTokenMs !== undefined ? { timeToFirstTokenMs: first.timeToFirstTokenMs } : {}),
    ...(latencyMs > 0 && usage.completionTokens > 0 ? { tokensPerSecond: usage.completionTokens / (latencyMs / 1000) } : {}),
  };
  const identity = { backend: last?.backend ?? backend.id, model: last?.model ?? request.model, parameters: first?.parameters ?? {} };
  if (stop === 'finish') return { ...identity, ...summary, text: answer!, finishReason: last!.finishReason };
  const message = STOP_MESSAGES[stop!](spec, steps.at(-1));
  const finishReason = stop === 'cancelled' ? 'abort' : stop === 'error' ? 'error' : last?.finishReason ?? 'stop';
  // Cancelled as a plain run is: finish reason 'abort', no error.
  if (stop === 'cancelled') return { ...identity, ...summary, text: message, finishReason };
  const status = stop === 'error' ? last?.error : undefined;
  return { ...identity, ...summary, text: message, finishReason, error: { ...status, message } };
}
