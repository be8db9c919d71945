// The sampler chain's math at its exact boundaries (softmax with temperature, greedy, top-k, top-p,
// min-p, their order as node-llama-cpp 3.21.1 chains them), the seeded draws (std::mt19937 values
// printed by g++ 12's libstdc++), and the chi-square test used against the real model.
import * as assert from 'node:assert/strict';
import { applySampler, chiSquare, histogram, MersenneTwister, NEUTRAL_SETTINGS, sample, samplerSettingsProblems, type CandidateToken, type SamplerSettings } from '../../src/core/sampling';
import { upperGammaQ } from '../../src/core/sampling/chiSquare';

/** A distribution from probabilities, ids 0.. in the given order, no logits (ln p is used). */
function dist(probabilities: number[], rest = 0) {
  const tokens: CandidateToken[] = probabilities.map((probability, id) => ({ id, text: `t${id}`, probability }));
  return { tokens, rest: { probability: rest } };
}
const settings = (overrides: Partial<SamplerSettings>): SamplerSettings => ({ ...NEUTRAL_SETTINGS, ...overrides });
const after = (result: ReturnType<typeof applySampler>) => result.tokens.map((token) => token.afterSampler);
const cuts = (result: ReturnType<typeof applySampler>) => result.tokens.map((token) => token.cutBy ?? '-');
function near(actual: readonly number[], expected: readonly number[], tolerance = 1e-9) {
  assert.equal(actual.length, expected.length);
  actual.forEach((value, i) => assert.ok(Math.abs(value - expected[i]!) <= tolerance, `[${i}] ${value} is not ${expected[i]} (${actual.join(', ')})`));
}
const sum = (values: readonly number[]) => values.reduce((a, b) => a + b, 0);

describe('sampler chain', () => {
  it('leaves the distribution as it is with neutral settings', () => {
    const result = applySampler(dist([0.5, 0.3, 0.2]), NEUTRAL_SETTINGS);
    near(after(result), [0.5, 0.3, 0.2]);
    assert.deepEqual(result.stages.map((stage) => stage.name), ['temperature']);
    assert.equal(result.complete, true);
  });

  it('divides logits by the temperature: p_i ∝ p_i^(1/T)', () => {
    const p = [0.5, 0.3, 0.2];
    for (const temperature of [0.5, 2]) {
      const weights = p.map((value) => value ** (1 / temperature));
      near(after(applySampler(dist(p), settings({ temperature }))), weights.map((w) => w / sum(weights)));
    }
    // With logits given, they are used as they are (any shared offset cancels).
    const tokens = [{ id: 0, text: 'a', logit: 10, probability: 0 }, { id: 1, text: 'b', logit: 9, probability: 0 }];
    const two = after(applySampler({ tokens, rest: { probability: 0 } }, settings({ temperature: 0.5 })));
    near(two, [1 / (1 + Math.exp(-2)), Math.exp(-2) / (1 + Math.exp(-2))]);
  });

  it('gives one token as the temperature goes to 0, and at 0 (greedy)', () => {
    near(after(applySampler(dist([0.4, 0.35, 0.25]), settings({ temperature: 0.01 }))), [1, 0, 0], 1e-5);
    const greedy = applySampler(dist([0.35, 0.4, 0.25]), settings({ temperature: 0 }));
    assert.deepEqual(after(greedy), [0, 1, 0]);
    assert.deepEqual(cuts(greedy), ['greedy', '-', 'greedy']);
    assert.deepEqual(greedy.stages.map((stage) => stage.name), ['greedy']);
    // The greedy switch wins over any temperature; a tie goes to the lower id, as llama.cpp's greedy.
    const tied = applySampler({ tokens: [{ id: 7, text: 'x', probability: 0.4 }, { id: 3, text: 'y', probability: 0.4 }, { id: 1, text: 'z', probability: 0.2 }], rest: { probability: 0 } }, settings({ temperature: 1.5, greedy: true }));
    assert.deepEqual(after(tied), [0, 1, 0]);
  });

  it('top-k keeps exactly k tokens; a tie at the k-th place keeps the lower id', () => {
    const result = applySampler(dist([0.4, 0.3, 0.2, 0.1]), settings({ topK: 2 }));
    near(after(result), [0.4 / 0.7, 0.3 / 0.7, 0, 0]);
    assert.deepEqual(cuts(result), ['-', '-', 'top-k', 'top-k']);
    const tie = applySampler(dist([0.4, 0.2, 0.2, 0.2]), settings({ topK: 2 }));
    near(after(tie), [2 / 3, 1 / 3, 0, 0]);
    assert.equal(tie.stages[0]!.kept, 2);
    // k ≥ the vocabulary, and k = 0, cut nothing and are left out of the stages.
    for (const topK of [0, 4, 10]) assert.deepEqual(applySampler(dist([0.4, 0.3, 0.2, 0.1]), settings({ topK })).stages.map((stage) => stage.name), ['temperature']);
  });

  it('top-p keeps tokens up to the first whose running sum reaches p (reaching it exactly included)', () => {
    const p = [0.5, 0.25, 0.125, 0.125];
    near(after(applySampler(dist(p), settings({ topP: 0.75 }))), [2 / 3, 1 / 3, 0, 0]); // 0.5 + 0.25 = 0.75 exactly
    near(after(applySampler(dist(p), settings({ topP: 0.7500001 }))), [0.5 / 0.875, 0.25 / 0.875, 0.125 / 0.875, 0]);
    near(after(applySampler(dist(p), settings({ topP: 0.5 }))), [1, 0, 0, 0]);
    // p = 0 still keeps one token (min_keep 1); ties past the boundary are cut in id order.
    near(after(applySampler(dist(p), settings({ topP: 0 }))), [1, 0, 0, 0]);
    const tie = applySampler(dist(p), settings({ topP: 0.8 }));
    assert.deepEqual(cuts(tie), ['-', '-', '-', 'top-p']);
  });

  it('min-p keeps tokens at least p × the top probability, ties at the threshold included', () => {
    const p = [0.5, 0.25, 0.125, 0.125];
    const half = applySampler(dist(p), settings({ minP: 0.5 }));
    near(after(half), [2 / 3, 1 / 3, 0, 0]); // 0.25 is exactly 0.5 × 0.5: kept
    assert.deepEqual(cuts(half), ['-', '-', 'min-p', 'min-p']);
    near(after(applySampler(dist(p), settings({ minP: 0.25 }))), p); // 0.125 = 0.25 × 0.5: all kept
    near(after(applySampler(dist(p), settings({ minP: 0.5000001 }))), [1, 0, 0, 0]);
    near(after(applySampler(dist(p), settings({ minP: 1 }))), [1, 0, 0, 0]);
  });

  it('runs top-k, top-p, min-p, then temperature: the cuts see probabilities at temperature 1', () => {
    const p = [0.4, 0.3, 0.2, 0.1];
    // At T = 2 the distribution flattens, but top-p 0.7 still cuts on the T=1 probabilities:
    // 0.4 + 0.3 = 0.7 keeps two, which T then reshapes.
    const result = applySampler(dist(p), settings({ temperature: 2, topP: 0.7 }));
    const w = [Math.sqrt(0.4), Math.sqrt(0.3)];
    near(after(result), [w[0]! / (w[0]! + w[1]!), w[1]! / (w[0]! + w[1]!), 0, 0]);
    // top-p after top-k renormalises over the k kept: k = 3 leaves [4/9, 3/9, 2/9]; p = 0.7 needs two (7/9).
    const chained = applySampler(dist(p), settings({ topK: 3, topP: 0.7, minP: 0.8 }));
    assert.deepEqual(chained.stages.map((stage) => [stage.name, stage.kept]), [['top-k', 3], ['top-p', 2], ['min-p', 1], ['temperature', 1]]);
    assert.deepEqual(cuts(chained), ['-', 'min-p', 'top-p', 'top-k']);
    near(chained.stages[0]!.probabilities, [4 / 9, 3 / 9, 2 / 9, 0]);
    near(chained.stages[1]!.probabilities, [4 / 7, 3 / 7, 0, 0]);
  });

  it('keeps afterSampler summing to 1 and 0 on every cut token, for any settings', () => {
    const p = [0.31, 0.22, 0.17, 0.12, 0.08, 0.05, 0.03, 0.02];
    for (const temperature of [0, 0.3, 1, 1.7]) for (const topK of [0, 1, 3]) for (const topP of [0.2, 0.9, 1]) for (const minP of [0, 0.1, 0.6]) {
      const result = applySampler(dist(p), settings({ temperature, topK, topP, minP }));
      assert.ok(Math.abs(sum(after(result)) - 1) < 1e-12);
      for (const token of result.tokens) assert.equal(token.cutBy !== undefined, token.afterSampler === 0);
    }
  });

  it('counts unlisted tokens (OpenAI top 20) and says when the result is not complete', () => {
    // 0.9 listed, 0.1 elsewhere: top-p 0.95 would need unlisted tokens.
    const open = applySampler(dist([0.6, 0.3], 0.1), settings({ topP: 0.95 }));
    assert.equal(open.complete, false);
    // top-p 0.8 is reached within the listed tokens (0.6 + 0.3 of the whole ≥ 0.8): complete.
    const closed = applySampler(dist([0.6, 0.3], 0.1), settings({ topP: 0.8 }));
    assert.equal(closed.complete, true);
    near(after(closed), [2 / 3, 1 / 3]);
    // Measured against the whole (with the rest), 0.6 alone does not reach 0.65; listed-only it would.
    near(after(applySampler(dist([0.6, 0.3], 0.1), settings({ topP: 0.65 }))), [2 / 3, 1 / 3]);
  });

  it('reports settings out of range', () => {
    assert.deepEqual(samplerSettingsProblems(NEUTRAL_SETTINGS), []);
    assert.equal(samplerSettingsProblems({ temperature: -1, topK: 1.5, topP: 2, minP: -0.1 }).length, 4);
  });
});

describe('seeded draws', () => {
  it('is std::mt19937 (the C++ standard\'s 10000th output for the default seed)', () => {
    const rng = new MersenneTwister(5489);
    for (let i = 1; i < 10000; i++) rng.next();
    assert.equal(rng.next(), 4123659995);
  });

  it('draws uniform doubles as libstdc++\'s uniform_real_distribution<double> over mt19937', () => {
    // Printed by g++ 12: std::mt19937 r(seed); std::uniform_real_distribution<double> d(0, 1); d(r) ×3.
    const expected: Record<number, number[]> = {
      1: [0.99718480823026556, 0.93255736136816547, 0.128124447772306],
      3: [0.070724880451056613, 0.83994904246836621, 0.12132857932963054],
      42: [0.79654298428784598, 0.18343478789336848, 0.77969099761266125],
    };
    for (const [seed, values] of Object.entries(expected)) {
      const rng = new MersenneTwister(Number(seed));
      assert.deepEqual([rng.nextCanonical(), rng.nextCanonical(), rng.nextCanonical()], values);
    }
  });

  it('reproduces with a seed, never draws a cut token, and follows afterSampler', () => {
    const sampled = applySampler(dist([0.5, 0.3, 0.15, 0.05]), settings({ topK: 3, temperature: 1 }));
    assert.deepEqual(sample(sampled, 7, 50), sample(sampled, 7, 50));
    assert.notDeepEqual(sample(sampled, 7, 50), sample(sampled, 8, 50));
    const counts = histogram(sampled, sample(sampled, 1, 20000));
    assert.equal(counts[3], 0);
    assert.ok(chiSquare(counts, after(sampled)).pValue > 0.001);
    // A fraction u picks the first token, most probable first, whose running sum reaches u:
    // kept [0.5, 0.3, 0.15] / 0.95 sum to 0.526, 0.842, 1.
    assert.deepEqual(sample(sampled, 3, 1), [0]); // u = 0.0707
    assert.deepEqual(sample(sampled, 42, 1), [1]); // u = 0.797
    assert.deepEqual(sample(sampled, 1, 1), [2]); // u = 0.997
    // Listed out of order, the most probable still comes first: u = 0.797 < 0.9.
    assert.deepEqual(sample(applySampler(dist([0.1, 0.9]), NEUTRAL_SETTINGS), 42, 1), [1]);
  });
});

describe('chi-square test', () => {
  it('has the textbook tail probabilities', () => {
    // χ²(1) at 3.841459 and χ²(5) at 11.0705 are the 5% critical values; Q(1, x) = e^-x.
    assert.ok(Math.abs(upperGammaQ(0.5, 3.841459 / 2) - 0.05) < 1e-6);
    assert.ok(Math.abs(upperGammaQ(2.5, 11.0705 / 2) - 0.05) < 1e-5);
    assert.ok(Math.abs(upperGammaQ(1, 2.5) - Math.exp(-2.5)) < 1e-12);
  });

  it('accepts counts that fit, rejects counts that do not, and fails any impossible draw', () => {
    assert.ok(chiSquare([502, 298, 200], [0.5, 0.3, 0.2]).pValue > 0.9);
    assert.ok(chiSquare([600, 250, 150], [0.5, 0.3, 0.2]).pValue < 1e-6);
    assert.equal(chiSquare([500, 299, 200, 1], [0.5, 0.3, 0.2, 0]).pValue, 0);
    // Cells expecting under 5 are pooled.
    const pooled = chiSquare([990, 4, 3, 3], [0.99, 0.004, 0.003, 0.003]);
    assert.equal(pooled.cells, 2);
  });
});

describe('sampler chain on a large vocabulary', () => {
  it('handles 200,000 tokens (no argument-count limits: no spread of the vocabulary into Math.max)', () => {
    const size = 200_000;
    const tokens = Array.from({ length: size }, (_, id) => ({ id, text: `t${id}`, logit: -id / 1000, probability: 0 }));
    // Its speed is bench/probabilities.bench.mjs's (a slider change), not a timed test's.
    const result = applySampler({ tokens, rest: { probability: 0 } }, { temperature: 0.7, topK: 0, topP: 0.9, minP: 0.05 });
    assert.ok(Math.abs(result.tokens.reduce((sum, token) => sum + token.afterSampler, 0) - 1) < 1e-9);
    // p_i ∝ e^(-i/1000): 90% of the mass lies in the first 1000 · ln 10 ≈ 2302.6 tokens, so 2,303.
    assert.equal(result.stages.find((stage) => stage.name === 'top-p')!.kept, 2303);
    // min-p 0.05 alone keeps logits ≥ ln 0.05 ≈ -2.996: ids 0..2995.
    const minP = applySampler({ tokens, rest: { probability: 0 } }, { temperature: 1, topK: 0, topP: 1, minP: 0.05 });
    assert.equal(minP.stages.find((stage) => stage.name === 'min-p')!.kept, 2996);
  });
});
