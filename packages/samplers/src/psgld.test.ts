import { createKey, disposeTree, foldIn } from '@bayesrnn/core';
import { expectClose, TOLERANCES } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  CORRELATED,
  gaussianGradient,
  momentErrors,
  runChains,
} from './__fixtures__/gaussian-target.js';
import { createPsgld, type PsgldConfig } from './psgld.js';

const THETA = [0.5, -1, 2];
/** A different minibatch gradient at each of 4 steps. */
const GRADIENTS = [
  [0.1, 0.2, -0.3],
  [-0.4, 0.05, 0.3],
  [0.2, -0.6, 0.01],
  [1.5, 0.3, -0.2],
];

/** Runs `createPsgld(config)` over `GRADIENTS` from `THETA`; returns the final θ and v. */
function runPsgld(config: PsgldConfig, eta: number): { theta: number[]; v: number[] } {
  const tensorsBefore = tf.memory().numTensors;
  const psgld = createPsgld<'w'>(config);
  const initial = { w: tf.tensor1d(THETA) };
  let state = psgld.init(initial);
  initial.w.dispose();
  GRADIENTS.forEach((g, t) => {
    const gradient = { w: tf.tensor1d(g) };
    const next = psgld.step(state, gradient, foldIn(createKey(5), t), eta);
    disposeTree([state, gradient]);
    state = next;
  });
  const result = {
    theta: Array.from(state.position.w.dataSync()),
    v: Array.from(state.secondMoment.w.dataSync()),
  };
  disposeTree(state);
  // Every step's inputs and the old states were disposed: nothing else is left.
  expect(tf.memory().numTensors).toBe(tensorsBefore);
  return result;
}

/** pSGLD with T = 0 in plain JS (float64): RMSprop on g + θ/(σ²N). */
function psgldByHand(
  beta: number,
  lambda: number,
  precision: number,
  eta: number,
): { theta: number[]; v: number[] } {
  const theta = [...THETA];
  const v = THETA.map(() => 0);
  for (const g of GRADIENTS) {
    theta.forEach((x, i) => {
      const gi = g[i] ?? 0;
      v[i] = beta * (v[i] ?? 0) + (1 - beta) * gi * gi;
      theta[i] = x - (eta * (gi + precision * x)) / (lambda + Math.sqrt(v[i] ?? 0));
    });
  }
  return { theta, v };
}

describe('createPsgld', () => {
  it("secondMoment follows RMSprop's recursion v ← βv + (1 − β)g² over 4 noisy steps", () => {
    const { v } = runPsgld({ datasetSize: 10, beta: 0.9 }, 0.01);
    const expected = [0, 0, 0].map((_, i) =>
      GRADIENTS.reduce((vi, g) => 0.9 * vi + 0.1 * (g[i] ?? 0) ** 2, 0),
    );
    expectClose(v, expected, TOLERANCES.float32, 'secondMoment');
  });

  it('with temperature 0 matches a hand computation, prior included', () => {
    const config = { datasetSize: 4, priorVariance: 2, temperature: 0, beta: 0.8, lambda: 1e-3 };
    const actual = runPsgld(config, 0.05);
    const expected = psgldByHand(0.8, 1e-3, 1 / (2 * 4), 0.05);
    expectClose(actual.theta, expected.theta, TOLERANCES.float32, 'position');
    expectClose(actual.v, expected.v, TOLERANCES.float32, 'secondMoment');
  });

  it('with temperature 0 and no prior is RMSprop without momentum (ρ = β, ε = λ)', () => {
    const config = { datasetSize: 1, priorVariance: Infinity, temperature: 0 };
    const actual = runPsgld(config, 0.05);
    const expected = psgldByHand(0.99, 1e-8, 0, 0.05);
    expectClose(actual.theta, expected.theta, TOLERANCES.float32, 'position');
  });

  it('takes a gradient scale itself: the same step as a gradient scaled beforehand, bit for bit', () => {
    const psgld = createPsgld<'w'>({ datasetSize: 10, priorVariance: 2 });
    expect(psgld.acceptsGradientScale).toBe(true);
    const before = tf.memory().numTensors;
    const [given, prescaled] = tf.tidy(() => {
      const state = psgld.init({ w: tf.tensor1d(THETA) });
      const gradient = tf.tensor1d(GRADIENTS[3] ?? []);
      const key = createKey(9);
      const withScale = psgld.step(state, { w: gradient }, key, 0.01, 0.37);
      const scaled = psgld.step(state, { w: tf.mul(gradient, 0.37) }, key, 0.01);
      return [withScale.position.w, scaled.position.w].map((w) => Array.from(w.dataSync()));
    });
    expect(given).toEqual(prescaled);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('samples a correlated 2-D Gaussian (6000 chains × 1000 steps), up to its known bias', () => {
    // Mean: unbiased by symmetry; MC error 0.013 sd, tolerance 0.05 sd.
    // Covariance: dropping Γ makes pSGLD biased. v averages g² over ~1/(1 − β) = 100 recent
    // steps, during which the slow mode barely moves, so G⁻¹ is in effect a function of the
    // position: small far from the mean. Langevin dynamics with a position-dependent diffusion D
    // and no Γ term has stationary density ∝ exp(−U)/D, so the chains are *overdispersed*:
    // measured +12 % variance here (+40 % at η = 0.005, +5 % at β = 0.999). The test pins that:
    // variances inflated by 0–25 % (MC error 1.8 %), and the correlation, which a common
    // inflation leaves alone, within 0.02 of 0.8 (MC error (1 − ρ²)/√n ≈ 0.005).
    const psgld = createPsgld<'x'>({ datasetSize: 1, priorVariance: Number.POSITIVE_INFINITY });
    const samples = runChains(psgld, {
      chains: 6000,
      steps: 1000,
      stepSize: 0.02,
      start: [0, 0],
      seed: 3,
      gradient: gaussianGradient(CORRELATED),
    });
    const { mean, estimate } = momentErrors(samples, CORRELATED);
    expect(mean).toBeLessThan(0.05);
    const [[sxx, sxy], [, syy]] = estimate.covariance;
    for (const inflation of [sxx, syy]) {
      expect(inflation).toBeGreaterThan(1);
      expect(inflation).toBeLessThan(1.25);
    }
    expect(Math.abs(sxy / Math.sqrt(sxx * syy) - 0.8)).toBeLessThan(0.02);
  });
});
