// How the local backend draws a token when it reports probabilities: node-llama-cpp 3.21.1 reports
// the probabilities of the candidates its sampler chain left (temperature-scaled, cut by top-k / top-p
// / min-p and renormalised: AddonContext::SampleToken turns the chain's array into the map), never
// the model's own distribution. So the model host asks node-llama-cpp for the neutral chain
// (temperature 1, no cut), which reports the model's softmax over the whole vocabulary, and draws
// the token here with core's copy of that chain (top-k → top-p → min-p → temperature → dist, the same
// std::mt19937 stream): the token a seed gives is the one node-llama-cpp's own sampler gives, float
// rounding aside, and the probabilities shown are the model's before the sampler (as OpenAI reports them).
import { applySampler } from '../../core/sampling/sampler';
import { drawNext, MersenneTwister } from '../../core/sampling/draw';
import type { SamplerSettings } from '../../core/sampling/types';

/** The chain node-llama-cpp runs when asked for the model's own distribution. */
export const RAW_CHAIN = { temperature: 1, topK: 0, topP: 1, minP: 0 } as const;

export interface RawChoice {
  /** The token drawn (or taken, when greedy). */
  token: number;
  /** The model's probability of that token, before the sampler. */
  probability: number;
}

/** Draws tokens from raw distributions with `settings`, one random stream per generation. */
export class RawSampler {
  private readonly rng: MersenneTwister | undefined;

  /** `seed`: the generation's (required unless the settings are greedy). */
  constructor(private readonly settings: SamplerSettings, seed: number | undefined) {
    const greedy = settings.greedy === true || settings.temperature <= 0;
    if (!greedy && seed === undefined) throw new Error('a sampled generation needs a seed');
    this.rng = greedy ? undefined : new MersenneTwister(seed! >>> 0);
  }

  /** The next token from `raw` (token → the model's probability, as node-llama-cpp reports it under RAW_CHAIN). */
  choose(raw: ReadonlyMap<number, number>): RawChoice {
    const tokens = [...raw].map(([id, probability]) => ({ id, text: '', probability }));
    const sampled = applySampler({ tokens, rest: { count: 0, probability: 0 } }, this.settings);
    const at = this.rng ? drawNext(sampled, this.rng) : sampled.tokens.findIndex((token) => token.afterSampler === 1);
    if (at < 0) throw new Error('the sampler left no token to draw');
    const chosen = tokens[at]!;
    return { token: chosen.id, probability: chosen.probability };
  }
}
