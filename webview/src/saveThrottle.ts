// Saving panel state copies the whole record (VS Code serializes it), so while a comparison streams
// the panel saves at most every `intervalMs`, the last change always written (a trailing save);
// settling and user actions save at once.
export class SaveThrottle {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly write: () => void, private readonly intervalMs = 500) {}

  /** Writes within `intervalMs`, folding every change until then into one write. */
  soon(): void {
    this.timer ??= setTimeout(() => this.now(), this.intervalMs);
  }

  /** Writes now, and drops the pending write. */
  now(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.write();
  }

  /** Writes a pending change now, if any (the page is going away). */
  flush(): void {
    if (this.timer !== undefined) this.now();
  }
}
