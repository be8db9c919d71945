// Streamed text reaches the panel in batches: one message per interval at most, however fast the
// backend produces tokens (a local model makes hundreds a second; the webview re-lays out per message).

/** 50 ms: at most 20 messages a second, and still reads as a smooth stream. */
export const TOKEN_BATCH_MS = 50;

export class TokenBatcher {
  private pending = '';
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly send: (text: string) => void, private readonly intervalMs = TOKEN_BATCH_MS) {}

  push(text: string): void {
    if (text === '') return;
    this.pending += text;
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  /** Sends what is pending now (before the run's result, so no text arrives after it). */
  flush(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.pending === '') return;
    const text = this.pending;
    this.pending = '';
    this.send(text);
  }
}
