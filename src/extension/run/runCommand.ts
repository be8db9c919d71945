// "Prompt Lab: Run Prompt" (palette, editor title ▶, CodeLens): check the prompt, ask for missing
// inputs, pick the backend (the file's `model: provider/name`, else promptLab.defaultBackend), run
// through runPattern (a plain generation, a ReAct agent, a PAL program; retrieval before rendering)
// with an AbortController, stream the completion (an agent: each step and its observation) into the
// panel, where the final answer and the trace replace it when the run ends, and log one line. Invoked programmatically it returns the run's outcome (the result record, nothing secret).
import * as vscode from 'vscode';
import type { GenerationResult } from '../../backends/backend';
import { chatMessagesOf, sentConfig } from '../../backends/runPrompt';
import { PANEL_LOGPROBS } from '../../engine/comparison';
import { redactLogprobs } from '../../backends/redactLogprobs';
import type { Completions } from '../probabilities/completions';
import type { EngineHost } from '../../engine/host';
import { runPattern, type PatternRequest } from '../../engine/patternRun';
import type { Target } from '../../engine/target';
import type { RunResultView } from '../../shared/protocol';
import type { ApiKeyStore } from '../backends/apiKeys';
import type { BackendService } from '../backends/backendService';
import type { OutputLog } from '../backends/outputLog';
import { describeTarget } from '../backends/runTarget';
import { Commands } from '../commands';
import { PromptLabPanel } from '../panel/promptLabPanel';
import type { ActiveRuns } from './activeRuns';
import { preparePrompt, type PreparedPrompt } from './preparePrompt';
import { logLine, reportFailure, resultView } from './runReport';
import { TokenBatcher } from './tokenBatcher';

/** What the command resolves to. `not-run`: stopped before anything was sent, `reason` says why. */
export type RunOutcome =
  | {
    status: 'finished' | 'failed' | 'aborted';
    id: string;
    result: RunResultView;
    /** What was streamed to the panel: `run/token` messages and their characters. */
    streamed: { batches: number; characters: number };
  }
  | { status: 'not-run'; reason: string };

/** The second argument, for callers other than menus: input values (skip the input boxes). */
interface RunOptions { input?: Record<string, unknown> }

function optionsOf(value: unknown): RunOptions {
  const input = typeof value === 'object' && value !== null ? (value as { input?: unknown }).input : undefined;
  return typeof input === 'object' && input !== null && !Array.isArray(input) ? { input: input as Record<string, unknown> } : {};
}

export interface RunDependencies {
  extensionUri: vscode.Uri;
  /** The engine's host: prompts, partials, backends, the log, redaction. */
  engine: EngineHost;
  backends: BackendService;
  keys: ApiKeyStore;
  log: OutputLog;
  runs: ActiveRuns;
  /** A run ended (finished, failed or stopped): history keeps it (extension/history). */
  onRunEnded?(prepared: PreparedPrompt, outcome: Exclude<RunOutcome, { status: 'not-run' }>): void;
  /** Where the run's token probabilities are kept for the panel (absent: not kept). */
  completions?: Completions;
}

export function registerRunCommand(deps: RunDependencies): vscode.Disposable {
  return vscode.commands.registerCommand(Commands.runPrompt, async (uri?: unknown, options?: unknown): Promise<RunOutcome> => {
    const outcome = await runCommand(deps, uri instanceof vscode.Uri ? uri : undefined, optionsOf(options)).catch((error: unknown) => {
      const message = deps.keys.redact(error instanceof Error ? error.message : String(error));
      deps.log.line(`run failed before it started: ${message}`);
      void vscode.window.showErrorMessage(`Prompt Lab: ${message}`);
      return { status: 'not-run', reason: message } as RunOutcome;
    });
    return outcome;
  });
}

const notRun = (reason: string): RunOutcome => ({ status: 'not-run', reason });

async function runCommand(deps: RunDependencies, uri: vscode.Uri | undefined, options: RunOptions): Promise<RunOutcome> {
  const prepared = await preparePrompt(deps, uri, options.input);
  if ('notRun' in prepared) return notRun(prepared.notRun);
  const outcome = await execute(deps, prepared);
  if (outcome.status !== 'not-run') deps.onRunEnded?.(prepared, outcome);
  return outcome;
}

async function execute(deps: RunDependencies, { fileName, rendered, retrieved, target }: PreparedPrompt): Promise<RunOutcome> {
  const backend = deps.backends.registry.get(target.backendId);
  const { id, controller } = deps.runs.start();
  PromptLabPanel.show(deps.extensionUri);
  // Restricted Mode still retrieves and runs sandboxed code (neither touches anything outside the
  // workspace): the trace view says so.
  PromptLabPanel.postRun('run/started', { id, fileName, backend: target.backendId, model: target.model, ...(vscode.workspace.isTrusted ? {} : { restricted: true }) });
  let tokens = 0;
  const streamed = { batches: 0, characters: 0 };
  const batcher = new TokenBatcher((text) => {
    streamed.batches++;
    streamed.characters += text.length;
    PromptLabPanel.postRun('run/token', { id, text: deps.keys.redact(text) });
  });
  // The panel's probability view asks for alternatives per token unless the prompt sets its own.
  const request: PatternRequest = {
    rendered, model: target.model, ...(deps.completions && backend.supports.has('logprobs') ? { defaults: { logprobs: PANEL_LOGPROBS } } : {}),
    ...(retrieved?.retrieval ? { retrieval: retrieved.retrieval } : {}),
  };
  let result: GenerationResult;
  try {
    result = await vscode.window.withProgress({
      location: vscode.ProgressLocation.Notification,
      title: `Prompt Lab: running ${fileName} on ${describeTarget(target)}`,
      cancellable: true,
    }, async (progress, token) => {
      const cancel = token.onCancellationRequested(() => controller.abort());
      try {
        return await runPattern(backend, request, {
          signal: controller.signal,
          // The sandbox (QuickJS) touches nothing outside itself: Restricted Mode included.
          allowCode: true,
          ...(retrieved?.retriever ? { retrieve: retrieved.retriever } : {}),
          onEvent: (event) => { if (event.kind === 'step') progress.report({ message: `step ${event.index + 1}` }); },
          onToken: (streamed) => {
            tokens++;
            batcher.push(streamed.text);
            if (tokens % 25 === 0) progress.report({ message: `${tokens} tokens` });
          },
        });
      } finally {
        cancel.dispose();
      }
    });
  } catch (error) {
    // Backends report failures in the result; an exception still must not leave the panel waiting.
    result = failedResult(target, error instanceof Error ? error.message : String(error));
  } finally {
    deps.runs.finish(id);
  }
  batcher.flush();
  deps.completions?.keep({ kind: 'run', id }, { backend: target.backendId, model: target.model, messages: chatMessagesOf(rendered), config: sentConfig(backend, request) },
    result.logprobs ? { ...result, logprobs: redactLogprobs(result.logprobs, (text) => deps.keys.redact(text)) } : result);
  const view = resultView(result, (text) => deps.keys.redact(text));
  PromptLabPanel.postRun('run/finished', { id, result: view });
  deps.log.line(logLine(id, fileName, view));
  const status = view.finishReason === 'abort' || controller.signal.aborted ? 'aborted' : view.error ? 'failed' : 'finished';
  if (status === 'failed') void reportFailure(view, target.config, () => deps.log.channel.show(true));
  return { status, id, result: view, streamed };
}

function failedResult(target: Target, message: string): GenerationResult {
  return {
    text: '', finishReason: 'error', usage: { promptTokens: 0, completionTokens: 0, estimated: true }, latencyMs: 0,
    backend: target.backendId, model: target.model, parameters: {}, warnings: [], error: { message },
  };
}
