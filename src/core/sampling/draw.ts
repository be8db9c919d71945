// Seeded draws from a sampled distribution, the way llama.cpp's `dist` sampler draws: a
// std::mt19937 seeded with the seed, one std::uniform_real_distribution<double>(0, 1) number per
// draw (libstdc++'s generate_canonical: two 32-bit outputs), and the first token, most probable
// first, at which the running sum of weights reaches that fraction of their total
// (llama_sampler_dist_apply, llama.cpp src/llama-sampler.cpp). With the same seed the first draw
// is the token the local model generates (float rounding aside), so the "Sample" histogram shows
// what the model would really do.
import type { SampledDistribution } from './types';

/** std::mt19937: the 32-bit Mersenne Twister, seeded as its one-argument constructor does. */
export class MersenneTwister {
  private readonly state = new Uint32Array(624);
  private index = 624;

  constructor(seed: number) {
    this.state[0] = seed >>> 0;
    for (let i = 1; i < 624; i++) {
      const previous = this.state[i - 1]! ^ (this.state[i - 1]! >>> 30);
      this.state[i] = (Math.imul(1812433253, previous) + i) >>> 0;
    }
  }

  next(): number {
    if (this.index >= 624) this.twist();
    let y = this.state[this.index++]!;
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** std::generate_canonical<double, 53> over this engine, as libstdc++ computes it. */
  nextCanonical(): number {
    const low = this.next();
    const high = this.next();
    const value = (low + high * 4294967296) / 18446744073709551616;
    return value >= 1 ? 1 - Number.EPSILON / 2 : value;
  }

  private twist(): void {
    const s = this.state;
    for (let i = 0; i < 624; i++) {
      const y = (s[i]! & 0x80000000) | (s[(i + 1) % 624]! & 0x7fffffff);
      s[i] = s[(i + 397) % 624]! ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
    }
    this.index = 0;
  }
}

/** The candidates the chain left, most probable first (the order llama.cpp's array has by then),
 * with their float32 weights relative to the first (llama.cpp's are exp(logit - max): the same ratios
 * as afterSampler's) and the weights' total. */
function candidatesOf(sampled: SampledDistribution): { indexes: number[]; weights: number[]; total: number } {
  const candidates = sampled.tokens
    .map((token, index) => ({ index, id: token.id, weight: token.afterSampler }))
    .filter((entry) => entry.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.id - b.id);
  const weights = candidates.map((entry) => Math.fround(entry.weight / candidates[0]!.weight));
  return { indexes: candidates.map((entry) => entry.index), weights, total: weights.reduce((sum, weight) => sum + weight, 0) };
}

/** One draw: the first candidate at which the running sum of weights reaches a uniform fraction of their total. */
function drawFrom(candidates: ReturnType<typeof candidatesOf>, rng: MersenneTwister): number {
  const target = candidates.total * rng.nextCanonical();
  let running = 0;
  for (let at = 0; at < candidates.indexes.length; at++) {
    running += candidates.weights[at]!;
    if (running >= target) return candidates.indexes[at]!;
  }
  return candidates.indexes[candidates.indexes.length - 1]!;
}

/**
 * `n` draws from `sampled` with `seed`, one random stream for all of them (as `n` tokens in a row
 * would use it). Returns indexes into `sampled.tokens`.
 */
export function sample(sampled: SampledDistribution, seed: number, n: number): number[] {
  const candidates = candidatesOf(sampled);
  const rng = new MersenneTwister(seed);
  const draws: number[] = [];
  if (candidates.indexes.length === 0) return draws;
  for (let d = 0; d < n; d++) draws.push(drawFrom(candidates, rng));
  return draws;
}

/** One draw from `sampled` with a random stream that goes on across positions (a generation seeds
 * one stream and draws each token from it, as llama.cpp's dist sampler keeps its std::mt19937).
 * Returns an index into `sampled.tokens`, or -1 when the chain left nothing. */
export function drawNext(sampled: SampledDistribution, rng: MersenneTwister): number {
  const candidates = candidatesOf(sampled);
  return candidates.indexes.length === 0 ? -1 : drawFrom(candidates, rng);
}

/** How often each token was drawn: counts aligned with `sampled.tokens`. */
export function histogram(sampled: SampledDistribution, draws: readonly number[]): number[] {
  const counts = new Array<number>(sampled.tokens.length).fill(0);
  for (const index of draws) counts[index]!++;
  return counts;
}
