import { createKey, disposeTree } from '@bayesrnn/core';
import { expectClose, TOLERANCES } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  CORRELATED,
  gaussianGradient,
  momentErrors,
  runChains,
} from './__fixtures__/gaussian-target.js';
import {
  REGRESSION,
  regressionGradient,
  regressionPosterior,
} from './__fixtures__/linear-regression.js';
import { createSgld } from './sgld.js';

describe('createSgld', () => {
  it('with temperature 0 is an SGD step on L − log p(θ)/N, computed by hand', () => {
    const [datasetSize, priorVariance, eta] = [4, 2, 0.3];
    const tensorsBefore = tf.memory().numTensors;
    const sgld = createSgld<'w'>({ datasetSize, priorVariance, temperature: 0 });
    const theta = [0.5, -1, 2];
    const g = [0.1, 0.2, -0.3];
    const initial = { w: tf.tensor1d(theta) };
    const state = sgld.init(initial);
    const gradient = { w: tf.tensor1d(g) };
    const next = sgld.step(state, gradient, createKey(1), eta);
    // θ − η (g + θ/(σ² N)): the prior pulls towards 0.
    const expected = theta.map(
      (x, i) => x - eta * ((g[i] ?? 0) + x / (priorVariance * datasetSize)),
    );
    expectClose(sgld.position(next).w, expected, TOLERANCES.float32);
    disposeTree([initial, state, gradient, next]);
    // A step leaves only the new state, which was just disposed.
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });

  it('samples a correlated 2-D Gaussian: 10 000 chains × 1000 steps', () => {
    // U = ½ (x − μ)ᵀ Σ⁻¹ (x − μ), N = 1, no prior; chains start at 0, 2 sd from μ.
    // Burn-in: the slowest mode (precision 1/1.8) contracts by (1 − η/1.8)^1000 ≈ 0.004.
    // Step-size bias: Euler–Maruyama inflates the variance of a mode of precision a by
    // 1/(1 − ηa/2), ≤ 2.6 % of the 0.2-variance mode, i.e. ≤ 0.003 in the standardised entries.
    // MC error with 10 000 chains: sd/√n = 0.01 for means, ≈ 0.014 for (co)variances.
    // Tolerances ≈ 5 standard errors (+ bias): 0.05 (means), 0.07 (covariances).
    const sgld = createSgld<'x'>({ datasetSize: 1, priorVariance: Number.POSITIVE_INFINITY });
    const samples = runChains(sgld, {
      chains: 10_000,
      steps: 1000,
      stepSize: 0.01,
      start: [0, 0],
      seed: 1,
      gradient: gaussianGradient(CORRELATED),
    });
    const errors = momentErrors(samples, CORRELATED);
    expect(errors.mean).toBeLessThan(0.05);
    expect(errors.covariance).toBeLessThan(0.07);
  });

  it('samples a Bayesian linear regression posterior (datasetSize and prior)', () => {
    // L = mean NLL per point → datasetSize = 20; prior N(0, 0.5). Posterior precisions span
    // 5.2…43.5 (correlation −0.78). Textbook step ε = η/N = 1e−3: bias ≤ εa/2 = 2.2 % on the
    // stiff mode; burn-in (1 − 5.2 ε)^1200 ≈ 2e−3 of the ≈ 3-sd start offset.
    // MC error, 4000 chains: 0.016 (means), ≤ 0.025 (covariances) standardised; tolerances
    // ≈ 4 SE + bias. Without the prior, or with its sign flipped, the covariance errors are
    // > 0.3 (checked below), so the test sees the prior's sign and N.
    const posterior = regressionPosterior(0.5);
    const datasetSize = REGRESSION.design.length;
    const sgld = createSgld<'x'>({ datasetSize, priorVariance: 0.5 });
    const samples = runChains(sgld, {
      chains: 4000,
      steps: 1200,
      stepSize: 1e-3 * datasetSize,
      start: [0, 0],
      seed: 2,
      gradient: regressionGradient,
    });
    const errors = momentErrors(samples, posterior);
    expect(errors.mean).toBeLessThan(0.07);
    expect(errors.covariance).toBeLessThan(0.1);
    expect(
      momentErrors(samples, regressionPosterior(Number.POSITIVE_INFINITY)).covariance,
    ).toBeGreaterThan(0.3);
    expect(momentErrors(samples, regressionPosterior(-0.5)).covariance).toBeGreaterThan(0.3);
  });
});
