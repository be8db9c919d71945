// The completions the panel may ask about, kept in the extension host with what the panel's records
// leave out: per-token log-probabilities and what was sent (messages, config, backend), so the
// probability view can fetch them on demand and the explorer can ask the model again at a position.
// Bounded: the oldest entries go first.
import type { ChatMessage, GenerationConfig, GenerationResult, TokenLogprob } from '../../backends/backend';
import type { CompletionSource } from '../../shared/probabilities';

export interface KeptCompletion {
  backend: string;
  model: string;
  messages: ChatMessage[];
  config: GenerationConfig;
  text: string;
  /** Absent when the backend gave none (or was not asked). */
  logprobs?: TokenLogprob[];
  /** A branch's text before its forced token (the model wrote it after the prompt): its tokens
   * follow this, so the explorer's positions in a branch start after it. */
  prefix?: string;
  /** The model the backend reported, for display. */
  reportedModel: string;
}

/** The store's key for a source: one namespace per kind. */
export function sourceKey(source: CompletionSource): string {
  switch (source.kind) {
    case 'run': return `run:${source.id}`;
    case 'branch': return `branch:${source.id}`;
    case 'cell': return `cell:${source.comparison}:${source.cell}`;
  }
}

export class Completions {
  private readonly entries = new Map<string, KeptCompletion>();

  constructor(private readonly limit = 200) {}

  keep(source: CompletionSource, sent: Pick<KeptCompletion, 'backend' | 'model' | 'messages' | 'config' | 'prefix'>, result: GenerationResult): void {
    const key = sourceKey(source);
    this.entries.delete(key); // a rerun cell moves to the newest place
    this.entries.set(key, {
      ...sent, text: result.text, reportedModel: result.model,
      ...(result.logprobs && result.logprobs.length > 0 ? { logprobs: result.logprobs } : {}),
    });
    while (this.entries.size > this.limit) this.entries.delete(this.entries.keys().next().value!);
  }

  get(source: CompletionSource): KeptCompletion | undefined {
    return this.entries.get(sourceKey(source));
  }
}
