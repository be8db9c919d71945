// Per-token log-probabilities scrubbed like the text they belong to: a completion can echo a key the
// prompt held, in its tokens and in their alternatives. The panel keeps a finished run's or cell's
// logprobs (redacted) in the extension host's `Completions` store, out of the streamed updates.
import type { TokenLogprob } from './backend';

/** Scrubs every token text (a completion can echo a key the prompt held). */
export function redactLogprobs(logprobs: readonly TokenLogprob[], redact: (text: string) => string): TokenLogprob[] {
  return logprobs.map((entry) => ({
    ...entry, token: redact(entry.token), top: entry.top.map((alternative) => ({ ...alternative, token: redact(alternative.token) })),
  }));
}
