import { createKey, randomNormal } from '@bayesrnn/core';
import { expectClose, expectNoLeaks } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { gaussianKlToZeroMean, gaussianLogDensity } from './gaussian-density.js';
import { gaussianPrior } from './gaussian-prior.js';
import { priorFromConfig } from './rebuild-prior.js';
import { FORTUNATO_SCALE_MIXTURE, scaleMixturePrior } from './scale-mixture-prior.js';

/** log N(x | 0, s²) in float64. */
function logNormal(x: number, s: number): number {
  return -0.5 * Math.log(2 * Math.PI) - Math.log(s) - (x * x) / (2 * s * s);
}

const THETAS = [-0.5, -0.05, -1e-3, 0, 2e-4, 1e-3, 0.02, 0.3, 1.5];

describe('gaussianPrior', () => {
  it('logProb sums log N(θ | 0, σ²) over every element', () => {
    const expected = THETAS.reduce((sum, x) => sum + logNormal(x, 0.7), 0);
    const value = tf.tidy(() => gaussianPrior(0.7).logProb(tf.tensor1d(THETAS)).dataSync()[0]);
    expectClose(value ?? Number.NaN, expected, { rtol: 1e-5, atol: 1e-5 });
  });

  it('closed-form KL equals a 100k-sample Monte-Carlo estimate', () => {
    // KL(N(μ, σ²) ‖ N(0, s²)) per weight for 4 weights; MC: mean of log q(θ) − log p(θ).
    const mu = [0.3, -0.1, 0, 0.8];
    const sigma = [0.1, 0.5, 1.2, 0.05];
    const s = 0.6;
    const samples = 100_000;
    const [closed, estimate, standardError] = tf.tidy(() => {
      const muT = tf.tensor2d([mu]);
      const sigmaT = tf.tensor2d([sigma]);
      const theta = tf.add(muT, tf.mul(sigmaT, randomNormal(createKey(3), [samples, 4])));
      const perSample = tf.sum(
        tf.sub(gaussianLogDensity(theta, muT, sigmaT), gaussianLogDensity(theta, 0, s)),
        1,
      );
      const { mean, variance } = tf.moments(perSample);
      return [
        gaussianPrior(s).klFromGaussian?.(muT, sigmaT).dataSync()[0] ?? Number.NaN,
        mean.dataSync()[0] ?? Number.NaN,
        Math.sqrt((variance.dataSync()[0] ?? Number.NaN) / samples),
      ];
    });
    // Hand value of Σ_j log(s/σ_j) + (σ_j² + μ_j²)/(2s²) − ½.
    const hand = mu.reduce((sum, m, j) => {
      const v = sigma[j] as number;
      return sum + Math.log(s / v) + (v * v + m * m) / (2 * s * s) - 0.5;
    }, 0);
    expectClose(closed, hand, { rtol: 1e-5, atol: 1e-5 });
    // Four standard errors of the MC mean: fails by chance with probability < 1e-4.
    expect(Math.abs(estimate - closed)).toBeLessThan(4 * standardError);
    expect(standardError).toBeLessThan(0.01);
  });

  it('gaussianKlToZeroMean is zero when q equals the prior', () => {
    const kl = tf.tidy(
      () => gaussianKlToZeroMean(tf.zeros([5]), tf.fill([5], 0.3), 0.3).dataSync()[0],
    );
    expect(Math.abs(kl ?? Number.NaN)).toBeLessThan(1e-6);
  });
});

describe('scaleMixturePrior', () => {
  it('logProb is the per-scalar log of the mixture, in float64 by hand', () => {
    const { pi, sigma1, sigma2 } = { pi: 0.25, sigma1: Math.exp(-1), sigma2: Math.exp(-3) };
    const expected = THETAS.reduce(
      (sum, x) =>
        sum +
        Math.log(pi * Math.exp(logNormal(x, sigma1)) + (1 - pi) * Math.exp(logNormal(x, sigma2))),
      0,
    );
    const prior = scaleMixturePrior({ pi, sigma1, sigma2 });
    const value = tf.tidy(() => prior.logProb(tf.tensor1d(THETAS)).dataSync()[0]);
    expectClose(value ?? Number.NaN, expected, { rtol: 1e-5, atol: 1e-4 });
  });

  it('stays finite where the narrow component (σ2 = e^−7) underflows', () => {
    // At θ = 1.5, the narrow term is exp(−1.5²/(2e^−14)) = 0 in float64: log-sum-exp must
    // fall back to the wide component alone.
    const prior = scaleMixturePrior(FORTUNATO_SCALE_MIXTURE);
    const value = tf.tidy(() => prior.logProb(tf.tensor1d([1.5])).dataSync()[0] ?? Number.NaN);
    expectClose(value, Math.log(0.25) + logNormal(1.5, Math.exp(-1)), { rtol: 1e-5, atol: 1e-5 });
    const peak = tf.tidy(() => prior.logProb(tf.tensor1d([0])).dataSync()[0] ?? Number.NaN);
    expect(Number.isFinite(peak)).toBe(true);
  });

  it('has no closed-form KL and reports the official example’s prior stddev', () => {
    const prior = scaleMixturePrior();
    expect(prior.klFromGaussian).toBeUndefined();
    // papers.md §1.1: sqrt(π σ1² + (1 − π) σ2²) = 0.1839.
    expect(prior.stddev).toBeCloseTo(0.1839, 4);
  });

  it('rejects bad settings, naming the option', () => {
    expect(() => scaleMixturePrior({ pi: 1, sigma1: 1, sigma2: 0.1 })).toThrow(/pi/);
    expect(() => scaleMixturePrior({ pi: 0.5, sigma1: -1, sigma2: 0.1 })).toThrow(/sigma1/);
    expect(() => gaussianPrior(0)).toThrow(/sigma/);
  });

  it('round-trips through its config and leaks nothing', async () => {
    const prior = priorFromConfig(scaleMixturePrior().config);
    expect(prior.config).toEqual(scaleMixturePrior().config);
    await expectNoLeaks(() => {
      const theta = tf.tensor1d(THETAS);
      prior.logProb(theta).dispose();
      theta.dispose();
    });
  });
});
