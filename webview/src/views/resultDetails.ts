// A result record's numbers, warnings and error, as the run view and every comparison cell show
// them. `prefix` names the classes (`run-metrics`, `cell-error`, …) so each view styles its own.
import type { CellResult } from '../../../src/shared/protocol';
import { el } from '../dom';
import { number } from '../format';

function metric(name: string, value: string, className: string): HTMLElement {
  return el('div', { className: `metric ${className}` }, el('dt', {}, name), el('dd', {}, value));
}

export function resultDetails(result: CellResult, prefix: 'run' | 'cell'): HTMLElement[] {
  const estimated = result.usage.estimated ? ' (estimated)' : '';
  const parts: HTMLElement[] = [el('dl', { className: `${prefix}-metrics` },
    metric('Prompt tokens', `${number(result.usage.promptTokens)}${estimated}`, 'tokens-in'),
    metric('Completion tokens', `${number(result.usage.completionTokens)}${estimated}`, 'tokens-out'),
    metric('Latency', `${number(result.latencyMs)} ms`, 'latency'),
    result.timeToFirstTokenMs !== undefined && metric('First token', `${number(result.timeToFirstTokenMs)} ms`, 'ttft'),
    result.tokensPerSecond !== undefined && metric('Speed', `${number(result.tokensPerSecond, 1)} tokens/s`, 'speed'),
    metric('Finish', result.finishReason, 'finish-reason'),
  )];
  if (result.warnings.length > 0) parts.push(el('ul', { className: `${prefix}-warnings` }, ...result.warnings.map((warning) => el('li', {}, warning))));
  // role=alert: the failure is announced and shown where it happened (in a grid, other cells carry on).
  if (result.error) {
    parts.push(el('p', { className: `${prefix}-error`, attributes: { role: 'alert' } },
      `${result.error.status !== undefined ? `${result.error.status}: ` : ''}${result.error.message}`));
  }
  return parts;
}
