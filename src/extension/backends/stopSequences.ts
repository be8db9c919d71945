// Stop sequences for a backend whose API takes none (vscode.lm): the streamed text is cut where a
// stop sequence first appears, and the request is then cancelled. Text that could be the start of
// a stop sequence is held back until the next chunk shows whether it is, so nothing past the stop
// is ever streamed. No `vscode` here: unit-tested in plain mocha.

export class StopSequenceCutter {
  private readonly stops: string[];
  private pending = '';
  private done = false;

  constructor(stops: readonly string[] = []) {
    this.stops = stops.filter((stop) => stop.length > 0);
  }

  /** True once a stop sequence was seen: everything after it is dropped. */
  get stopped(): boolean {
    return this.done;
  }

  /** Takes a streamed chunk; returns the text that can be shown now. */
  push(chunk: string): string {
    if (this.done) return '';
    const text = this.pending + chunk;
    let cut = -1;
    for (const stop of this.stops) {
      const at = text.indexOf(stop);
      if (at !== -1 && (cut === -1 || at < cut)) cut = at;
    }
    if (cut !== -1) {
      this.done = true;
      this.pending = '';
      return text.slice(0, cut);
    }
    let hold = 0;
    for (const stop of this.stops) {
      for (let length = Math.min(stop.length - 1, text.length); length > hold; length--) {
        if (text.endsWith(stop.slice(0, length))) {
          hold = length;
          break;
        }
      }
    }
    this.pending = text.slice(text.length - hold);
    return text.slice(0, text.length - hold);
  }

  /** At the end of the stream: the text held back, which turned out not to be a stop sequence. */
  flush(): string {
    const rest = this.done ? '' : this.pending;
    this.pending = '';
    return rest;
  }
}
