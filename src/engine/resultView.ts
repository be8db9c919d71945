// A run's result as it leaves the engine (the panel, a command's caller, a comparison record):
// every string scrubbed of keys, no log-probabilities, the text capped.
import type { GenerationResult } from '../backends/backend';
import type { PatternTrace } from '../core/patterns/trace';
import { RUN_TEXT_LIMIT, type RunResultView } from '../shared/protocol';

export function resultView(result: GenerationResult, redact: (text: string) => string): RunResultView {
  const parameters = JSON.parse(redact(JSON.stringify(result.parameters ?? {}))) as Record<string, unknown>;
  return {
    text: result.text.slice(0, RUN_TEXT_LIMIT),
    finishReason: result.finishReason,
    usage: { ...result.usage },
    latencyMs: result.latencyMs,
    ...(result.timeToFirstTokenMs !== undefined ? { timeToFirstTokenMs: result.timeToFirstTokenMs } : {}),
    ...(result.tokensPerSecond !== undefined ? { tokensPerSecond: result.tokensPerSecond } : {}),
    backend: result.backend,
    model: result.model,
    parameters,
    warnings: result.warnings.map(redact),
    // Model and workspace text throughout: scrubbed as a whole like the parameters.
    ...(result.trace ? { trace: JSON.parse(redact(JSON.stringify(result.trace))) as PatternTrace } : {}),
    ...(result.error ? { error: { message: redact(result.error.message), ...(result.error.status !== undefined ? { status: result.error.status } : {}) } } : {}),
  };
}
