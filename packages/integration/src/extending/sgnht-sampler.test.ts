// A user's SG-MCMC sampler (SGNHT, Ding et al. 2014) through the published contracts only: a
// Gaussian target sampled from noisy gradients (against SGHMC, which runs hot), the update by
// hand, determinism and validation (sgnht-sampler-in-training.test.ts trains with it).
import {
  createKey,
  disposeTree,
  flattenTree,
  foldIn,
  randomNormal,
  splitKey,
} from '@bayesrnn/core';
import { createSghmc } from '@bayesrnn/samplers';
import type { NamedTensorTree, RngKey, Sampler, Weights } from '@bayesrnn/spec';
import { checkLeaksAfterEachTest, expectClose, TOLERANCES } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createSgnht, DEFAULT_SGNHT_CONFIG, type SgnhtState } from './sgnht-sampler.js';

checkLeaksAfterEachTest();

/** Two independent coordinates with different means and variances: the target N(μ, diag σ²). */
const TARGET: { readonly mean: number[]; readonly variance: number[] } = {
  mean: [1, -2],
  variance: [0.5, 2],
};

interface ChainSummary {
  /** Per-coordinate sample mean and (1/n) variance over every chain and kept step. */
  readonly mean: number[];
  readonly variance: number[];
  /** Mean over kept steps of the kinetic temperature `vᵀv / (n η)` (N = T = 1). */
  readonly kinetic: number;
  /** Mean over kept steps of the thermostat `α` (NaN for a sampler without one). */
  readonly thermostat: number;
}

/**
 * Runs `chains` chains (the rows of one [chains, 2] weight, so one step moves them all and
 * one global thermostat sees n = 2·chains elements) from 0 on the target above, with NOISY
 * gradients `g = (x − μ)/σ² + noiseStd·ζ`, ζ ~ N(0, I) drawn from its own key per step. Keeps
 * every `thin`-th step after `burnIn`.
 */
function runNoisyChains<State extends NamedTensorTree & { readonly momentum: Weights<'x'> }>(
  sampler: Sampler<'x', State>,
  run: { chains: number; burnIn: number; kept: number; thin: number; stepSize: number },
  noiseStd: number,
  seed: number,
): ChainSummary {
  const [stepKey, noiseKey] = splitKey(createKey(seed), 2) as [RngKey, RngKey];
  const [mu, precision] = [
    tf.tensor1d(TARGET.mean),
    tf.tensor1d(TARGET.variance.map((v) => 1 / v)),
  ];
  const start = tf.zeros([run.chains, 2]);
  let state = sampler.init({ x: start });
  start.dispose();
  const [sum, squares] = [
    [0, 0],
    [0, 0],
  ];
  let [kinetic, thermostat, snapshots] = [0, 0, 0];
  for (let t = 1; t <= run.burnIn + run.kept; t += 1) {
    const g = tf.tidy(() => {
      const exact = tf.mul(tf.sub(sampler.position(state).x, mu), precision);
      return tf.add(exact, randomNormal(foldIn(noiseKey, t), exact.shape, { stddev: noiseStd }));
    });
    const next = sampler.step(state, { x: g }, foldIn(stepKey, t), run.stepSize);
    disposeTree([state, g]);
    state = next;
    if (t <= run.burnIn || (t - run.burnIn) % run.thin !== 0) continue;
    const x = sampler.position(state).x.dataSync();
    const v = state.momentum.x.dataSync();
    let vv = 0;
    for (let i = 0; i < x.length; i += 1) {
      const [xi, j] = [x[i] as number, i % 2];
      sum[j] = (sum[j] as number) + xi;
      squares[j] = (squares[j] as number) + xi * xi;
      vv += (v[i] as number) ** 2;
    }
    kinetic += vv / x.length / run.stepSize;
    const alpha = (state as Partial<SgnhtState<'x'>>).thermostat;
    thermostat += alpha === undefined ? Number.NaN : (alpha.dataSync()[0] as number);
    snapshots += 1;
  }
  disposeTree([state, mu, precision]);
  const count = run.chains * snapshots;
  const mean = sum.map((s) => s / count);
  const variance = squares.map((s, j) => s / count - (mean[j] as number) ** 2);
  return { mean, variance, kinetic: kinetic / snapshots, thermostat: thermostat / snapshots };
}

describe('SGNHT on a Gaussian target from noisy gradients', () => {
  // η = 0.01, a = 0.025, gradient-noise variance B = 5 per element (N = T = 1, flat prior).
  // Per step the momentum gets noise of variance Q = 2aη + η²B = 0.001: half injected, half
  // from the gradient, which SGHMC with α = a does not know about (its temperature ≈ 2).
  const [stepSize, diffusion, noiseVariance] = [0.01, 0.025, 5];
  const noiseStd = Math.sqrt(noiseVariance);
  // 1000 chains: 500 burn-in steps (the slowest start offset, 1.4 sd, decays like e^{−αt/2}:
  // e^{−6} under SGHMC's α = 0.025, far less under SGNHT's), then 500 steps kept every 5th.
  const run = { chains: 1000, burnIn: 500, kept: 500, thin: 5, stepSize };
  let sgnht: ChainSummary;
  let sghmc: ChainSummary;
  beforeAll(() => {
    const options = { datasetSize: 1, priorVariance: Number.POSITIVE_INFINITY };
    sgnht = runNoisyChains(createSgnht<'x'>({ ...options, diffusion }), run, noiseStd, 11);
    // ξ frozen at a: createSghmc with friction a is exactly SGNHT without its thermostat update.
    sghmc = runNoisyChains(
      createSghmc<'x'>({ ...options, friction: diffusion }),
      run,
      noiseStd,
      11,
    );
  });

  it('matches the target mean and variance; SGHMC with the same friction runs hot', () => {
    // Error budget. (1) Discretisation: for a Gaussian target and a fixed friction α the
    // stationary covariance of this (semi-implicit Euler) recursion is exact to solve: the
    // position's variance is σ²·(1 − α/2)·E[vᵀv/n]/η, whatever the curvature. The thermostat
    // holds E[vᵀv/n] = η, so the variance is σ²(1 − α/2) ≈ 0.974 σ² at α ≈ 0.051: an O(h)
    // bias of Ding et al.'s first-order scheme. (2) Monte Carlo: position autocorrelation
    // time ≈ 2α/(ηλ) ≤ 20 steps and that of x² ≈ 1/α ≈ 20 steps, so 1000 chains × 500 steps
    // hold ≥ 25 000 effectively independent draws: SE(mean) ≤ 0.0063 sd, SE(variance) ≤
    // √(2/25 000) ≈ 0.9 % relative. Tolerances: mean 0.04 sd (≈ 6 SE); variance ratio
    // within 0.05 of the discretisation-corrected 1 − α/2 (≈ 5 SE), hence within 0.08 of 1.
    TARGET.mean.forEach((mu, j) => {
      const sd = Math.sqrt(TARGET.variance[j] as number);
      expect(Math.abs((sgnht.mean[j] as number) - mu) / sd).toBeLessThan(0.04);
      const ratio = (sgnht.variance[j] as number) / (TARGET.variance[j] as number);
      expect(Math.abs(ratio - (1 - sgnht.thermostat / 2))).toBeLessThan(0.05);
      expect(Math.abs(ratio - 1)).toBeLessThan(0.08);
      // SGHMC's temperature is (2aη + η²B)/(2aη) ≈ 2: its variance is about twice the
      // target's. So this test would fail for a sampler that ignored the gradient noise.
      expect((sghmc.variance[j] as number) / (TARGET.variance[j] as number)).toBeGreaterThan(1.6);
    });
  });

  it('the thermostat holds the kinetic temperature at 1 and settles where theory says', () => {
    // Averaged over time the thermostat's increments vᵀv/n − η sum to (α_end − α_start): so
    // E[vᵀv/(nη)] = 1 up to α's drift over the kept steps (n = 2000 makes α nearly constant).
    expect(Math.abs(sgnht.kinetic - 1)).toBeLessThan(0.02);
    expect(sghmc.kinetic).toBeGreaterThan(1.6);
    // Its fixed point: E[v²] = η in the stationary recursion needs α(2 − α) = 2a + ηB (to
    // O(ηλ) ≈ 1 %), i.e. α* = 1 − √(1 − 2a − ηB) ≈ 0.0513: the noise B was estimated.
    const expected = 1 - Math.sqrt(1 - 2 * diffusion - stepSize * noiseVariance);
    expect(Math.abs(sgnht.thermostat / expected - 1)).toBeLessThan(0.03);
  });
});

describe('createSgnht', () => {
  it('at temperature 0 follows the update equations, computed by hand over 3 steps', () => {
    // Two weights share one thermostat (n = 4); prior σ² = 2, N = 4; the second step passes
    // clipping's gradientScale 0.5. No noise at T = 0, so every number is known.
    const [datasetSize, priorVariance, diffusion, eta] = [4, 2, 0.3, 0.1];
    const sgnht = createSgnht<'a' | 'b'>({ datasetSize, priorVariance, diffusion, temperature: 0 });
    const initial = { a: tf.tensor1d([0.5, -1, 2]), b: tf.tensor1d([1]) };
    let state = sgnht.init(initial);
    disposeTree(initial);
    const theta = [0.5, -1, 2, 1];
    const v = [0, 0, 0, 0];
    let alpha = diffusion;
    const steps = [
      { a: [0.1, 0.2, -0.3], b: [0.4], scale: undefined },
      { a: [-0.4, 0.05, 0.3], b: [-0.2], scale: 0.5 },
      { a: [0.2, -0.6, 0.01], b: [0.3], scale: undefined },
    ];
    for (const [t, { a, b, scale }] of steps.entries()) {
      const gradient = { a: tf.tensor1d(a), b: tf.tensor1d(b) };
      const next = sgnht.step(state, gradient, foldIn(createKey(1), t), eta, scale);
      disposeTree([state, gradient]);
      state = next;
      // v ← (1 − α) v − η (g·scale + θ/(σ²N)); θ ← θ + v; α ← α + vᵀv/n − 0
      const g = [...a, ...b].map((x) => x * (scale ?? 1));
      let kinetic = 0;
      theta.forEach((x, i) => {
        v[i] =
          (1 - alpha) * (v[i] as number) -
          eta * ((g[i] as number) + x / (priorVariance * datasetSize));
        theta[i] = x + (v[i] as number);
        kinetic += (v[i] as number) ** 2;
      });
      alpha += kinetic / 4;
    }
    const position = sgnht.position(state);
    expectClose(position.a, theta.slice(0, 3), TOLERANCES.float32, 'position/a');
    expectClose(position.b, theta.slice(3), TOLERANCES.float32, 'position/b');
    expectClose(state.momentum.a, v.slice(0, 3), TOLERANCES.float32, 'momentum/a');
    expectClose(state.thermostat, alpha, TOLERANCES.float32, 'thermostat');
    disposeTree(state);
  });

  it('is deterministic under a key, differs under another, and never disposes its inputs', () => {
    const sgnht = createSgnht<'a' | 'b'>({ datasetSize: 10 });
    const weights = { a: tf.tensor2d([[0.5, -1, 2]]), b: tf.tensor1d([0.1, 0.2]) };
    const gradient = { a: tf.tensor2d([[0.1, 0.2, -0.3]]), b: tf.tensor1d([0.3, -0.1]) };
    const chain = (seed: number) => {
      let state = sgnht.init(weights);
      for (let t = 0; t < 4; t += 1) {
        const next = sgnht.step(state, gradient, foldIn(createKey(seed), t), 0.05);
        const inputs = flattenTree([state, weights, gradient]);
        expect(inputs.every((leaf) => !leaf.tensor.isDisposed)).toBe(true);
        const old = new Set(inputs.map((leaf) => leaf.tensor));
        expect(flattenTree(next).some((leaf) => old.has(leaf.tensor))).toBe(false);
        disposeTree(state);
        state = next;
      }
      const leaves = flattenTree(state);
      const values = Object.fromEntries(
        leaves.map((l) => [l.path, Array.from(l.tensor.dataSync())]),
      );
      disposeTree(state);
      return values;
    };
    const first = chain(7);
    expect(Object.keys(first)).toEqual([
      'position/a',
      'position/b',
      'momentum/a',
      'momentum/b',
      'thermostat',
    ]);
    expect(chain(7)).toEqual(first);
    const other = chain(8);
    expect(other['position/a']).not.toEqual(first['position/a']);
    expect(other.thermostat).not.toEqual(first.thermostat);
    disposeTree([weights, gradient]);
  });
});

describe('SgnhtConfig validation', () => {
  it('fills in the defaults', () => {
    expect(createSgnht({ datasetSize: 7 }).config).toEqual({
      datasetSize: 7,
      ...DEFAULT_SGNHT_CONFIG,
    });
    expect(DEFAULT_SGNHT_CONFIG).toEqual({ diffusion: 0.1, priorVariance: 1, temperature: 1 });
  });

  it.each([
    ['diffusion', -1, 'SgnhtConfig.diffusion must be in (0, 1], got -1'],
    ['diffusion', 0, 'SgnhtConfig.diffusion must be in (0, 1], got 0'],
    ['diffusion', 1.5, 'SgnhtConfig.diffusion must be in (0, 1], got 1.5'],
    ['diffusion', Number.NaN, 'SgnhtConfig.diffusion must be in (0, 1], got NaN'],
    ['datasetSize', 0, 'SgnhtConfig.datasetSize must be a finite number > 0, got 0'],
    [
      'datasetSize',
      Number.POSITIVE_INFINITY,
      'SgnhtConfig.datasetSize must be a finite number > 0, got Infinity',
    ],
    ['priorVariance', -1, 'SgnhtConfig.priorVariance must be > 0 (Infinity for no prior), got -1'],
    ['temperature', -0.5, 'SgnhtConfig.temperature must be a finite number ≥ 0, got -0.5'],
  ])('refuses %s = %s with a RangeError naming both', (option, value, message) => {
    expect(() => createSgnht({ datasetSize: 10, [option]: value })).toThrow(
      new RangeError(message),
    );
  });

  it('refuses mismatched gradients and bad step sizes', () => {
    const sgnht = createSgnht<'a' | 'b'>({ datasetSize: 1 });
    const weights = { a: tf.zeros([1, 3]), b: tf.zeros([2]) };
    const state = sgnht.init(weights);
    const key = createKey(1);
    expect(() => sgnht.step(state, { a: weights.a } as typeof weights, key, 0.1)).toThrow(
      'SGNHT: no gradient for weight "b"',
    );
    const extra: typeof weights = { ...weights, ...{ c: weights.a } };
    expect(() => sgnht.step(state, extra, key, 0.1)).toThrow(
      'SGNHT: gradient for unknown weight "c"',
    );
    const wrong = tf.zeros([3, 1]);
    expect(() => sgnht.step(state, { a: wrong, b: weights.b }, key, 0.1)).toThrow(
      'SGNHT: gradient of "a" has shape [3, 1], weight has [1, 3]',
    );
    for (const bad of [-0.1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => sgnht.step(state, weights, key, bad)).toThrow(RangeError);
    }
    disposeTree([state, weights, wrong]);
  });
});
