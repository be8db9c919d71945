// The run section: the streaming completion (as text, never markup), a Stop button while it runs,
// then the result's numbers: tokens in/out, latency, time to first token, tokens/s, finish reason,
// warnings and the error, inline. Appends text nodes as batches arrive instead of re-rendering. A
// prompt pattern's result also has its trace (traces/traceView.ts) under the completion.
import { RUN_TEXT_LIMIT, type RunResultView, type RunSnapshot } from '../../../src/shared/protocol';
import { el } from '../dom';
import { resultDetails } from './resultDetails';
import { exploreAfterPromptButton, probabilityToggle } from '../probabilities/probabilityToggle';
import { hasTrace } from '../traces/traceSummary';
import { traceView } from '../traces/traceView';

export class RunView {
  readonly element = el('section', { className: 'run', attributes: { 'aria-label': 'Last run' } });
  private output: HTMLElement | undefined;
  private length = 0;
  /** The probability toggle and "Next token…", shown once the run ended. */
  private probabilityTools: HTMLElement | undefined;

  constructor(
    private readonly onAbort: (id: string) => void,
    /** The 👍/👎 and note controls for a finished run (webview/src/history/). */
    private readonly feedbackFor?: (run: RunSnapshot, text: () => string) => HTMLElement,
  ) {}
  private run: RunSnapshot | undefined;

  /** Shows `run` as it is (a new run, or one restored from saved state). */
  show(run: RunSnapshot | undefined): void {
    this.length = 0;
    this.run = run;
    if (!run) {
      this.output = undefined;
      this.element.replaceChildren();
      return;
    }
    const running = run.result === undefined;
    this.probabilityTools = undefined;
    this.output = el('pre', { className: 'run-text', attributes: { tabindex: '0', 'aria-label': 'Completion', 'aria-busy': String(running) } });
    const stop = el('button', { className: 'action run-stop', attributes: { type: 'button', title: 'Stop this run' } }, 'Stop');
    stop.addEventListener('click', () => {
      stop.setAttribute('disabled', '');
      this.onAbort(run.id);
    });
    this.element.replaceChildren(
      el('header', { className: 'run-header' },
        el('h2', { className: 'run-title' }, `Run · ${run.fileName}`),
        el('span', { className: 'pill run-target' }, `${run.backend}${run.model ? ` · ${run.model}` : ''}`),
        el('span', { className: 'pill run-status', attributes: { role: 'status' } }, running ? 'running…' : run.result!.error ? 'failed' : run.result!.finishReason === 'abort' ? 'stopped' : 'done'),
        running && stop,
      ),
      this.output,
    );
    const source = { kind: 'run', id: run.id } as const;
    this.probabilityTools = el('div', { className: 'prob-tools' }, probabilityToggle(source, this.output, 'the run').button, exploreAfterPromptButton(source, `run · ${run.fileName}`));
    this.append(run.text);
    if (run.result) this.finish(run.result);
  }

  append(text: string): void {
    if (!this.output || text === '' || this.length >= RUN_TEXT_LIMIT) return;
    const room = RUN_TEXT_LIMIT - this.length;
    this.output.append(document.createTextNode(text.slice(0, room)));
    this.length += Math.min(text.length, room);
  }

  finish(result: RunResultView): void {
    this.element.querySelector('.run-stop')?.remove();
    const status = this.element.querySelector('.run-status');
    if (status) status.textContent = result.error ? 'failed' : result.finishReason === 'abort' ? 'stopped' : 'done';
    if (this.output) {
      // The result's text is the whole truth (a batch may have been lost while the panel reloaded).
      this.output.replaceChildren(document.createTextNode(result.text));
      this.length = result.text.length;
      this.output.setAttribute('aria-busy', 'false');
      if (this.probabilityTools) this.output.before(this.probabilityTools);
    }
    this.element.append(...resultDetails(result, 'run'));
    // The trajectory streamed as text; once the result is here, `text` is the final answer and the
    // trace shows how it was reached, under it.
    this.element.querySelector(':scope > .trace')?.remove();
    if (this.output && hasTrace(result.trace)) this.output.after(traceView(result.trace, { level: 3, restricted: this.run?.restricted === true }));
    if (this.run && this.feedbackFor && !this.element.querySelector('.feedback')) this.element.append(this.feedbackFor(this.run, () => result.text));
  }
}
