// Per-token log-probabilities of finished runs and comparison cells, kept apart from what streams:
// a run's updates carry text only, and the panel asks for a cell's logprobs by key when its
// probability view opens. Bounded, so a long session of runs does not grow without end.
import type { TokenLogprob } from './backend';

/** The key of a comparison cell's logprobs: the record's id and the cell's index. */
export const cellLogprobsKey = (comparisonId: string, cell: number): string => `${comparisonId}#${cell}`;

/** Scrubs every token text (a completion can echo a key the prompt held). */
export function redactLogprobs(logprobs: readonly TokenLogprob[], redact: (text: string) => string): TokenLogprob[] {
  return logprobs.map((entry) => ({
    ...entry, token: redact(entry.token), top: entry.top.map((alternative) => ({ ...alternative, token: redact(alternative.token) })),
  }));
}

export class LogprobStore {
  private readonly entries = new Map<string, TokenLogprob[]>();

  /** `limit`: how many runs' logprobs are kept; the oldest go first. */
  constructor(private readonly limit = 500) {}

  keep(key: string, logprobs: readonly TokenLogprob[] | undefined): void {
    if (!logprobs || logprobs.length === 0) return;
    this.entries.delete(key);
    this.entries.set(key, [...logprobs]);
    while (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value!);
  }

  /** The logprobs kept under `key`; undefined when the backend gave none, or they were dropped. */
  get(key: string): TokenLogprob[] | undefined {
    return this.entries.get(key);
  }

  /** Forgets every key that starts with `prefix` (a comparison's cells when it is closed). */
  forget(prefix: string): void {
    for (const key of [...this.entries.keys()]) if (key.startsWith(prefix)) this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}
