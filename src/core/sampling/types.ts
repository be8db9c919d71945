// The shapes of a next-token distribution and of what a sampler makes of it. Shared by the
// backends (which produce the raw distribution), the pure sampler math (sampler.ts), the CLI's
// `next` command and the panel's next-token explorer. No `vscode`, no I/O.

/** How the sampler is set: the knobs of llama.cpp's sampler chain that Prompt Lab exposes. */
export interface SamplerSettings {
  /** > 0 divides the logits; 0 (or `greedy`) takes the most probable token. */
  temperature: number;
  /** Keep the k most probable tokens; 0 keeps every token. */
  topK: number;
  /** Keep the most probable tokens until their probability sums to at least p; 1 keeps every token. */
  topP: number;
  /** Keep the tokens at least `minP` times as probable as the most probable one; 0 keeps every token. */
  minP: number;
  /** Always take the most probable token (as temperature 0). */
  greedy?: boolean;
}

/** One candidate next token as the model gives it, before any sampler stage. */
export interface CandidateToken {
  /** The model's token id (a backend that has none, as OpenAI, numbers its tokens from -1 down). */
  id: number;
  /** The token's text as it reads in place (a leading space kept). */
  text: string;
  /** The raw logit, up to a constant shared by every token at this position; absent where unknown. */
  logit?: number;
  /** The model's probability at temperature 1 with no cut. */
  probability: number;
}

/** The model's next-token distribution at one position. */
export interface NextTokenDistribution {
  /** Most probable first. On an exact distribution, every token of the vocabulary unless `top` cut it. */
  tokens: CandidateToken[];
  /** The tokens not listed: how many (when known) and their total probability. */
  rest: { count?: number; probability: number };
  /** True when the probabilities are the model's own over its whole vocabulary (the local model);
   * false when built from what an API returns (OpenAI's `top_logprobs`, at most 20). */
  exact: boolean;
  backend: string;
  model: string;
  /** The context the distribution follows: how many tokens (prompt, plus `after`), and the text of
   * `after` as the model's tokens read back. */
  position: { tokens: number; after: string; afterTokens: number[] };
}

/** Why a token was cut: the stage of the chain that removed it (`greedy`: every token but the most probable). */
export type CutStage = 'top-k' | 'top-p' | 'min-p' | 'greedy';

/** A stage of the sampler chain, in the order it runs. */
export type StageName = 'top-k' | 'top-p' | 'min-p' | 'temperature' | 'greedy';

/** A candidate after the whole chain. */
export interface SampledToken extends CandidateToken {
  /** The probability of drawing this token with the settings: sums to 1 over `tokens`; 0 when cut. */
  afterSampler: number;
  /** The first stage that removed it; absent for tokens that can be drawn. */
  cutBy?: CutStage;
}

/** What one stage left: the candidates it kept and their probabilities renormalised over them. */
export interface SamplerStage {
  name: StageName;
  /** The setting this stage ran with (k, p, min-p, temperature; 0 for greedy). */
  value: number;
  /** How many candidates this stage kept. */
  kept: number;
  /** Per token, aligned with `SampledDistribution.tokens`: its probability after this stage (the
   * softmax of the kept tokens' logits as the stage leaves them), 0 for tokens cut so far. */
  probabilities: number[];
}

/** A distribution run through the sampler chain, each stage's result kept. */
export interface SampledDistribution {
  /** The same tokens as the input distribution, in the same order (most probable first). */
  tokens: SampledToken[];
  /** The stages that ran, in order; stages that are off (top-k 0, top-p 1, min-p 0) are left out. */
  stages: SamplerStage[];
  settings: SamplerSettings;
  /** False when tokens outside the listed ones (the distribution's `rest`) could have been kept by
   * the chain: the result then treats them as cut (e.g. top-p 0.99 on 20 OpenAI alternatives). */
  complete: boolean;
}
