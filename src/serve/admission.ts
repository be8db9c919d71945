// The server's bound on work: at most `capacity` requests (those generating plus those waiting for
// the backend) are admitted at once; the rest are turned away with 429 rather than queued without
// end. A slot is released exactly once: when the request is answered, or at once when its client
// goes away, even if the backend takes a while to stop.
import { ApiError } from './validate';

export const DEFAULT_CONCURRENCY = 2;
export const DEFAULT_MAX_QUEUE = 16;
/** What a 429 asks the client to wait, in seconds. */
export const RETRY_AFTER_SECONDS = 1;

export class Admission {
  private admitted = 0;

  constructor(readonly capacity: number) {}

  /** Requests holding a slot now. */
  get active(): number {
    return this.admitted;
  }

  /** A slot's release function (safe to call more than once), or a 429 ApiError when all are taken. */
  enter(): () => void {
    if (this.admitted >= this.capacity) {
      throw new ApiError(429, `This server is busy: ${this.capacity} requests are being generated or waiting. Please try again in ${RETRY_AFTER_SECONDS}s.`, null, 'rate_limit_exceeded', 'requests');
    }
    this.admitted++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.admitted--;
    };
  }
}
