// Runs in progress, by request id: the panel's Stop (`run/abort {id}`) and the progress
// notification's Cancel both end up here. CancellationTokens are converted at the edge.
import { randomUUID } from 'node:crypto';

export class ActiveRuns {
  private readonly controllers = new Map<string, AbortController>();

  start(): { id: string; controller: AbortController } {
    const id = randomUUID();
    const controller = new AbortController();
    this.controllers.set(id, controller);
    return { id, controller };
  }

  /** Aborts run `id`; an unknown or finished id is ignored. */
  abort(id: string): void {
    this.controllers.get(id)?.abort();
  }

  finish(id: string): void {
    this.controllers.delete(id);
  }

  abortAll(): void {
    for (const controller of this.controllers.values()) controller.abort();
    this.controllers.clear();
  }
}
