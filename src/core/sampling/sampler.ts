// The sampler chain as the local backend runs it, computed exactly, stage by stage.
//
// Order. node-llama-cpp 3.21.1 builds its chain in AddonSampler::rebuildChainIfNeeded
// (node_modules/node-llama-cpp/llama/addon/AddonSampler.cpp): with temperature > 0 it is
//   top-k → top-p → min-p → temperature → dist (a seeded draw),
// and with temperature ≤ 0 the greedy sampler alone. (It is not common/sampling.cpp's chain:
// node-llama-cpp assembles its own.) Temperature comes LAST: top-p and min-p see the model's
// probabilities at temperature 1, whatever the temperature.
// Each stage as llama.cpp implements it (src/llama-sampler.cpp in the llama.cpp of the package's
// llama/gitRelease.bundle):
// - top-k keeps exactly k tokens, the highest logits (k ≤ 0: every token). llama.cpp leaves the
//   order of tokens tied at the k-th place to std::partial_sort; here the lower id stays first.
// - top-p (p < 1) takes the softmax of the candidates left, sorted, and keeps tokens up to and
//   including the first whose running sum (float32) is ≥ p; at least one token.
// - min-p (p > 0) keeps the tokens whose logit is ≥ max logit + ln(p), i.e. probability ≥ p × the
//   most probable token's (ties at the threshold stay); at least one.
// - temperature divides the logits; dist draws from their softmax (see draw.ts).
// - greedy takes the highest logit, the lowest id among ties (the first in vocabulary order).
// Float32 arithmetic is mirrored with Math.fround where a boundary depends on it.
import type { CandidateToken, CutStage, NextTokenDistribution, SampledDistribution, SampledToken, SamplerSettings, SamplerStage } from './types';

/** The settings that cut nothing: the model's own distribution (llama.cpp's chain as configured
 * by node-llama-cpp with `topK: 0, topP: 1, minP: 0`). */
export const NEUTRAL_SETTINGS: SamplerSettings = { temperature: 1, topK: 0, topP: 1, minP: 0 };

const f32 = Math.fround;

/** The logit a candidate is sampled by: its own, or ln(probability) (the same up to a constant). */
function logitOf(token: CandidateToken): number {
  return token.logit ?? Math.log(token.probability);
}

/** Most probable first; ties by lower id. */
function byLogit(a: { logit: number; id: number }, b: { logit: number; id: number }): number {
  return b.logit - a.logit || a.id - b.id;
}

/** Softmax over the kept indexes (`kept`) of `logits` scaled by 1/temperature, in double; 0 for
 * every other index. Typed arrays: a 150k-token vocabulary goes through every stage per slider move. */
function softmax(logits: readonly number[], kept: readonly number[], temperature = 1): Float64Array {
  const out = new Float64Array(logits.length);
  if (kept.length === 0) return out;
  // A loop, not Math.max(...): a vocabulary of 150k tokens would overflow the call's arguments.
  let max = -Infinity;
  for (const i of kept) if (logits[i]! > max) max = logits[i]!;
  max /= temperature;
  let sum = 0;
  for (const i of kept) {
    const weight = Math.exp(logits[i]! / temperature - max);
    out[i] = weight;
    sum += weight;
  }
  for (const i of kept) out[i]! /= sum;
  return out;
}

function stageOf(name: SamplerStage['name'], value: number, kept: number, probabilities: Float64Array): SamplerStage {
  return { name, value, kept, probabilities: Array.from(probabilities) };
}

/** Checks settings a user typed (CLI flags, sliders): a message per bad value. */
export function samplerSettingsProblems(settings: SamplerSettings): string[] {
  const problems: string[] = [];
  if (!Number.isFinite(settings.temperature) || settings.temperature < 0) problems.push(`temperature must be a number ≥ 0 (got ${settings.temperature})`);
  if (!Number.isInteger(settings.topK) || settings.topK < 0) problems.push(`top-k must be a whole number ≥ 0, 0 for no cut (got ${settings.topK})`);
  if (!Number.isFinite(settings.topP) || settings.topP < 0 || settings.topP > 1) problems.push(`top-p must be between 0 and 1 (got ${settings.topP})`);
  if (!Number.isFinite(settings.minP) || settings.minP < 0 || settings.minP > 1) problems.push(`min-p must be between 0 and 1 (got ${settings.minP})`);
  return problems;
}

/**
 * Runs a distribution through the sampler chain. Each stage's probabilities are kept; the tokens
 * come back in the input's order with `afterSampler` (summing to 1, 0 where cut) and `cutBy`.
 */
export function applySampler(distribution: Pick<NextTokenDistribution, 'tokens' | 'rest'>, settings: SamplerSettings): SampledDistribution {
  const input = distribution.tokens;
  const count = input.length;
  const logits = input.map(logitOf);
  const order = input.map((token, i) => ({ i, id: token.id, logit: logits[i]! })).sort(byLogit).map((entry) => entry.i);
  const cutBy = new Array<CutStage | undefined>(input.length);
  const stages: SamplerStage[] = [];
  const restMass = distribution.rest.probability;
  let complete = restMass <= 0;
  const finish = (kept: number[], temperature: number): SampledDistribution => {
    const final = softmax(logits, kept, temperature);
    const tokens: SampledToken[] = input.map((token, i) => {
      const sampled: SampledToken = { id: token.id, text: token.text, probability: token.probability, afterSampler: final[i]! };
      if (token.logit !== undefined) sampled.logit = token.logit;
      if (cutBy[i]) sampled.cutBy = cutBy[i];
      return sampled;
    });
    return { tokens, stages, settings: { ...settings }, complete };
  };
  if (count === 0) return { tokens: [], stages, settings: { ...settings }, complete: false };

  if (settings.greedy || settings.temperature <= 0) {
    // The first maximum in vocabulary order (llama_sampler_greedy_apply); unlisted tokens are less
    // probable than every listed one, so greedy is always complete.
    let best = 0;
    for (let i = 1; i < count; i++) {
      if (logits[i]! > logits[best]! || (logits[i] === logits[best] && input[i]!.id < input[best]!.id)) best = i;
    }
    for (let i = 0; i < count; i++) if (i !== best) cutBy[i] = 'greedy';
    const one = new Float64Array(count);
    one[best] = 1;
    stages.push(stageOf('greedy', 0, 1, one));
    complete = true;
    return finish([best], 1);
  }

  let kept = order;
  if (settings.topK > 0 && settings.topK < count + (distribution.rest.count ?? 0)) {
    for (const i of kept.slice(settings.topK)) cutBy[i] = 'top-k';
    kept = kept.slice(0, settings.topK);
    if (settings.topK <= count) complete = true; // every unlisted token is cut too
    stages.push(stageOf('top-k', settings.topK, kept.length, softmax(logits, kept)));
  }
  if (settings.topP < 1) {
    // Renormalised over the candidates left, in float32 as llama_sampler_top_p_apply sums them.
    // While unlisted tokens are still in play (OpenAI's top 20), their mass counts in the sum.
    const p = softmax(logits, kept);
    if (!complete) {
      const listed = kept.reduce((sum, i) => sum + input[i]!.probability, 0);
      for (const i of kept) p[i] = p[i]! * listed / (listed + restMass);
    }
    const target = f32(settings.topP);
    let sum = 0;
    let last = kept.length;
    for (let at = 0; at < kept.length; at++) {
      sum = f32(sum + f32(p[kept[at]!]!));
      if (sum >= target) { last = at + 1; break; }
    }
    if (last < kept.length || sum >= target) complete = true;
    for (const i of kept.slice(last)) cutBy[i] = 'top-p';
    kept = kept.slice(0, last);
    stages.push(stageOf('top-p', settings.topP, kept.length, softmax(logits, kept)));
  }
  if (settings.minP > 0) {
    const threshold = f32(f32(logits[kept[0]!]!) + f32(Math.log(settings.minP)));
    const survivors = kept.filter((i, at) => at === 0 || f32(logits[i]!) >= threshold);
    const surviving = new Set(survivors);
    for (const i of kept) if (!surviving.has(i)) cutBy[i] = 'min-p';
    // Unlisted tokens are below the least probable listed one: if that one is cut, so are they.
    if (survivors.length < kept.length) complete = true;
    kept = survivors;
    stages.push(stageOf('min-p', settings.minP, kept.length, softmax(logits, kept)));
  }
  stages.push(stageOf('temperature', settings.temperature, kept.length, softmax(logits, kept, settings.temperature)));
  return finish(kept, settings.temperature);
}
