// Pearson's chi-square goodness-of-fit test: do observed counts match expected probabilities?
// Used to check that the computed `afterSampler` distribution is what the model really draws.
// Cells expecting fewer than `minExpected` draws are pooled (the test's approximation needs ~5).

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms: ~15 significant digits). */
function lnGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lnGamma(1 - x);
  const z = x - 1;
  let sum = c[0]!;
  for (let i = 1; i < 9; i++) sum += c[i]! / (z + i);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** The regularized upper incomplete gamma function Q(a, x) = Γ(a, x) / Γ(a). */
export function upperGammaQ(a: number, x: number): number {
  if (x <= 0) return 1;
  const front = Math.exp(-x + a * Math.log(x) - lnGamma(a));
  if (x < a + 1) {
    // Series for P(a, x), then Q = 1 - P.
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 1000 && Math.abs(term) > Math.abs(sum) * 1e-16; n++) {
      term *= x / (a + n);
      sum += term;
    }
    return Math.max(0, 1 - sum * front);
  }
  // Continued fraction for Q (modified Lentz).
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < 1000; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.min(1, front * h);
}

export interface ChiSquareResult {
  statistic: number;
  degreesOfFreedom: number;
  /** The probability of a statistic at least this large if the counts follow the probabilities. */
  pValue: number;
  /** Cells after pooling the small ones. */
  cells: number;
  /** Draws that fell where the probability is 0 (any makes the fit fail: p = 0). */
  impossible: number;
}

/** Tests `observed` counts against `probabilities` (aligned; the probabilities sum to 1). */
export function chiSquare(observed: readonly number[], probabilities: readonly number[], minExpected = 5): ChiSquareResult {
  const n = observed.reduce((sum, count) => sum + count, 0);
  let impossible = 0;
  const cells: { observed: number; expected: number }[] = [];
  let pooled = { observed: 0, expected: 0 };
  const order = probabilities.map((_, i) => i).sort((a, b) => probabilities[b]! - probabilities[a]!);
  for (const i of order) {
    const expected = probabilities[i]! * n;
    if (probabilities[i]! <= 0) { impossible += observed[i]!; continue; }
    if (expected >= minExpected) cells.push({ observed: observed[i]!, expected });
    else pooled = { observed: pooled.observed + observed[i]!, expected: pooled.expected + expected };
  }
  if (pooled.expected > 0) {
    // A pool still too small joins the smallest cell.
    if (pooled.expected < minExpected && cells.length > 0) {
      const last = cells.pop()!;
      pooled = { observed: pooled.observed + last.observed, expected: pooled.expected + last.expected };
    }
    cells.push(pooled);
  }
  const statistic = cells.reduce((sum, cell) => sum + (cell.observed - cell.expected) ** 2 / cell.expected, 0);
  const degreesOfFreedom = Math.max(1, cells.length - 1);
  const pValue = impossible > 0 ? 0 : cells.length < 2 ? 1 : upperGammaQ(degreesOfFreedom / 2, statistic / 2);
  return { statistic, degreesOfFreedom, pValue, cells: cells.length, impossible };
}
