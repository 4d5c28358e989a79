import { createKey } from '@bayesrnn/core';
import {
  expectClose,
  expectNoLeaks,
  TOLERANCES,
  variableFiniteDifferences,
} from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { TINY_SPECS, type TinyName, tinyLoss } from './__fixtures__/tiny-model.js';
import { createGaussianPosterior } from './gaussian-posterior.js';
import { gaussianPrior } from './gaussian-prior.js';
import { rhoFor } from './gaussian-weight.js';
import { scaleMixturePrior } from './scale-mixture-prior.js';

const BIG = { big: { shape: [200, 100], init: () => tf.fill([200, 100], 0.3) } };

function scalar(tensor: tf.Tensor): number {
  const value = tensor.dataSync()[0] ?? Number.NaN;
  tensor.dispose();
  return value;
}

describe('createGaussianPosterior', () => {
  it('draws have the posterior mean and standard deviation', () => {
    const posterior = createGaussianPosterior({
      specs: BIG,
      key: createKey(1),
      prior: gaussianPrior(1),
    });
    tf.tidy(() => posterior.parametersOf('big').rho.assign(tf.fill([200, 100], rhoFor(0.05))));
    const draw = posterior.draw(createKey(2), { training: true });
    const { mean, variance } = tf.moments(draw.weights.big);
    // 20,000 draws of N(0.3, 0.05²): the mean's standard error is 0.05/√20000 = 3.5e-4,
    // the standard deviation's about 0.05/√40000 = 2.5e-4; allow four of each.
    expect(Math.abs(scalar(mean) - 0.3)).toBeLessThan(4 * 3.5e-4);
    expect(Math.abs(Math.sqrt(scalar(variance)) - 0.05)).toBeLessThan(4 * 2.5e-4);
    tf.dispose([draw.weights.big, draw.kl]);
  });

  it('same key → same draw; another key → another draw', () => {
    const posterior = createGaussianPosterior({
      specs: TINY_SPECS,
      key: createKey(1),
      prior: gaussianPrior(1),
    });
    const values = [3, 3, 4].map((seed) =>
      tf.tidy(() =>
        Array.from(
          posterior.draw(createKey(seed), { training: true }).weights['hidden/kernel'].dataSync(),
        ),
      ),
    );
    expect(values[0]).toEqual(values[1]);
    expect(values[0]).not.toEqual(values[2]);
  });

  it('initialises σ in the requested range and keeps point weights out of the KL', () => {
    const posterior = createGaussianPosterior({
      specs: TINY_SPECS,
      key: createKey(1),
      prior: scaleMixturePrior(),
      isBayesian: (name: TinyName) => name !== 'hidden/bias',
      initialSigma: () => [0.046, 0.092],
    });
    expect(Object.keys(posterior.variables).sort()).toEqual([
      'hidden/bias',
      'hidden/kernel/mu',
      'hidden/kernel/rho',
      'output/kernel/mu',
      'output/kernel/rho',
    ]);
    expect(posterior.config.kl).toBe('sample');
    const sigmas = posterior.sigmas();
    for (const sigma of Object.values(sigmas) as tf.Tensor[]) {
      for (const value of sigma.dataSync()) {
        expect(value).toBeGreaterThanOrEqual(0.046 - 1e-6);
        expect(value).toBeLessThanOrEqual(0.092 + 1e-6);
      }
    }
    tf.dispose(Object.values(sigmas) as tf.Tensor[]);
    const draw = posterior.draw(createKey(5), { training: true });
    expect(Array.from(draw.weights['hidden/bias'].dataSync())).toEqual(
      Array.from(posterior.variables['hidden/bias']?.dataSync() ?? []),
    );
    tf.dispose([...Object.values(draw.weights), draw.kl]);
  });

  it('the single-sample KL estimate averages to the closed form', () => {
    const posterior = createGaussianPosterior({
      specs: TINY_SPECS,
      key: createKey(1),
      prior: gaussianPrior(0.5),
      kl: 'sample',
    });
    const closed = createGaussianPosterior({
      specs: TINY_SPECS,
      key: createKey(1),
      prior: gaussianPrior(0.5),
    });
    const exact = scalar(closed.draw(createKey(0), { training: true }).kl);
    const estimates = Array.from({ length: 400 }, (_, i) =>
      tf.tidy(
        () => posterior.draw(createKey(100 + i), { training: true }).kl.dataSync()[0] ?? Number.NaN,
      ),
    );
    const mean = estimates.reduce((a, b) => a + b, 0) / estimates.length;
    const sd = Math.sqrt(
      estimates.reduce((a, b) => a + (b - mean) ** 2, 0) / (estimates.length - 1),
    );
    expect(Math.abs(mean - exact)).toBeLessThan((4 * sd) / Math.sqrt(estimates.length));
  });

  it('with σ → 0 a draw equals the mean', () => {
    const posterior = createGaussianPosterior({
      specs: TINY_SPECS,
      key: createKey(1),
      prior: gaussianPrior(1),
      sigmaFloor: 0,
    });
    for (const name of posterior.bayesianNames) {
      const { rho } = posterior.parametersOf(name);
      tf.tidy(() => rho.assign(tf.fill(rho.shape, -40)));
    }
    const draw = posterior.draw(createKey(9), { training: true });
    const mean = posterior.mean();
    for (const name of posterior.bayesianNames) {
      expectClose(draw.weights[name].dataSync(), mean[name].dataSync(), TOLERANCES.float32);
    }
    tf.dispose([...Object.values(draw.weights), draw.kl, ...Object.values(mean)]);
  });

  for (const estimator of ['closed-form', 'sample'] as const) {
    it(`finite differences match the ELBO gradient in μ and ρ (${estimator} KL)`, () => {
      const posterior = createGaussianPosterior({
        specs: TINY_SPECS,
        key: createKey(1),
        prior: gaussianPrior(0.5),
        kl: estimator,
      });
      const key = createKey(7);
      // ELBO per minibatch with C = 4 minibatches: data loss + KL / C.
      const objective = (): tf.Scalar =>
        tf.tidy(() => {
          const draw = posterior.draw(key, { training: true });
          return tf.add(tinyLoss(draw.weights), tf.div(draw.kl, 4)) as tf.Scalar;
        });
      const variables = posterior.variables;
      const { grads } = tf.variableGrads(objective, Object.values(variables));
      const elements = Object.entries(variables).flatMap(([name, variable]) => [
        [name, 0] as const,
        [name, variable.size - 1] as const,
      ]);
      for (const [name, index, numeric] of variableFiniteDifferences(
        variables,
        objective,
        elements,
      )) {
        const analytic = grads[variables[name]?.name ?? '']?.dataSync()[index] ?? Number.NaN;
        expectClose(analytic, numeric, TOLERANCES.finiteDifference);
      }
      tf.dispose(Object.values(grads));
    });
  }

  it('leaks nothing per draw and per mean', async () => {
    const posterior = createGaussianPosterior({
      specs: TINY_SPECS,
      key: createKey(1),
      prior: scaleMixturePrior(),
    });
    await expectNoLeaks(() => {
      const draw = posterior.draw(createKey(2), { training: true });
      tf.dispose([...Object.values(draw.weights), draw.kl]);
      tf.dispose(Object.values(posterior.mean()));
    });
  });

  it('rejects a bad σ range or a closed form the prior lacks, naming it', () => {
    const options = { specs: TINY_SPECS, key: createKey(1), prior: scaleMixturePrior() };
    expect(() => createGaussianPosterior({ ...options, initialSigma: () => [0.2, 0.1] })).toThrow(
      /initialSigma\('hidden\/kernel'\)/,
    );
    expect(() => createGaussianPosterior({ ...options, kl: 'closed-form' })).toThrow(/closed-form/);
  });
});
