import { createKey, splitKey } from '@bayesrnn/core';
import type { RngKey, Weights } from '@bayesrnn/spec';
import {
  checkLeaksAfterEachTest,
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
import {
  createSharpenedPosterior,
  etaVariableName,
  sharpeningClipGroup,
} from './sharpened-posterior.js';

checkLeaksAfterEachTest();

function makePosterior(options: { sigma0?: number; etaInit?: number } = {}) {
  const base = createGaussianPosterior({
    specs: TINY_SPECS,
    key: createKey(1),
    prior: gaussianPrior(0.5),
  });
  try {
    return createSharpenedPosterior(base, options);
  } catch (error) {
    tf.dispose(Object.values(base.variables));
    throw error;
  }
}

/** Frees a posterior's variables (μ, ρ and η). */
function disposePosterior(posterior: { variables: { [name: string]: tf.Variable } }): void {
  tf.dispose(Object.values(posterior.variables));
}

function dispose(draw: { weights: Weights<TinyName>; kl: tf.Scalar; minibatchKl?: tf.Scalar }) {
  tf.dispose([...Object.values(draw.weights), draw.kl, draw.minibatchKl ?? []]);
}

/** Per-minibatch objective of eq. 9 with C = 4: data loss + KL/C + sharpening KL. */
function objective(
  posterior: ReturnType<typeof makePosterior>,
  key: RngKey,
  lossOf: (weights: Weights<TinyName>) => tf.Scalar,
): tf.Scalar {
  return tf.tidy(() => {
    const draw = posterior.draw(key, { training: true, lossOf });
    const kl = tf.add(tf.div(draw.kl, 4), draw.minibatchKl ?? 0);
    return tf.add(tinyLoss(draw.weights), kl) as tf.Scalar;
  });
}

describe('createSharpenedPosterior', () => {
  it('adds one η per sharpened weight, initialised to etaInit', () => {
    const posterior = makePosterior({ etaInit: 0.01 });
    const etas = Object.keys(posterior.variables).filter((name) => name.endsWith('/eta'));
    expect(etas.sort()).toEqual(['hidden/bias/eta', 'hidden/kernel/eta', 'output/kernel/eta']);
    expect(Array.from(posterior.variables['hidden/bias/eta']?.dataSync() ?? [])).toEqual(
      [0.01, 0.01, 0.01, 0.01].map(Math.fround),
    );
    disposePosterior(posterior);
  });

  it('puts η in clipping group eta and every other variable in weights', () => {
    const posterior = makePosterior();
    const groups = Object.keys(posterior.variables).map((name) => [
      name,
      sharpeningClipGroup(name),
    ]);
    const etas = posterior.sharpenedNames.map((name) => etaVariableName(name));
    expect(etas.length).toBeGreaterThan(0);
    for (const [name, group] of groups) {
      expect(group, name).toBe(etas.includes(name as string) ? 'eta' : 'weights');
    }
    disposePosterior(posterior);
  });

  it('centres θ at φ − η ⊙ g_φ and pays Σ(η g)²/(2σ0²)', () => {
    const posterior = makePosterior({ sigma0: 1e-6, etaInit: 0.05 });
    const key = createKey(3);
    // φ is the base posterior's draw under the first split key; g_φ computed independently.
    const [phiKey] = splitKey(key, 2) as [RngKey, RngKey];
    const phi = posterior.base.draw(phiKey, { training: true });
    const names = posterior.sharpenedNames;
    const gradient = tf.grads((...xs: tf.Tensor[]) =>
      tinyLoss({ ...phi.weights, ...Object.fromEntries(names.map((n, i) => [n, xs[i]])) }),
    )(names.map((name) => phi.weights[name]));
    const draw = posterior.draw(key, { training: true, lossOf: tinyLoss });
    let expectedKl = 0;
    names.forEach((name, i) => {
      const g = gradient[i] as tf.Tensor;
      const expected = tf.tidy(() => tf.sub(phi.weights[name], tf.mul(0.05, g)));
      expectClose(draw.weights[name].dataSync(), expected.dataSync(), { rtol: 1e-4, atol: 1e-5 });
      expectedKl +=
        Array.from(g.dataSync()).reduce((sum, v) => sum + (0.05 * v) ** 2, 0) / (2 * 1e-12);
      expected.dispose();
    });
    expectClose(draw.minibatchKl?.dataSync()[0] ?? Number.NaN, expectedKl, { rtol: 1e-3, atol: 0 });
    expectClose(
      draw.kl.dataSync()[0] ?? Number.NaN,
      phi.kl.dataSync()[0] ?? Number.NaN,
      TOLERANCES.float32,
    );
    tf.dispose([...gradient, phi.kl, ...Object.values(phi.weights)]);
    dispose(draw);
    disposePosterior(posterior);
  });

  it('a small η step lowers the minibatch loss', () => {
    const posterior = makePosterior({ sigma0: 1e-6, etaInit: 1e-2 });
    const key = createKey(4);
    const [phiKey] = splitKey(key, 2) as [RngKey, RngKey];
    const phi = posterior.base.draw(phiKey, { training: true });
    const sharpened = posterior.draw(key, { training: true, lossOf: tinyLoss });
    const before = tf.tidy(() => tinyLoss(phi.weights).dataSync()[0] ?? Number.NaN);
    const after = tf.tidy(() => tinyLoss(sharpened.weights).dataSync()[0] ?? Number.NaN);
    expect(after).toBeLessThan(before - 1e-3);
    dispose(phi);
    dispose(sharpened);
    disposePosterior(posterior);
  });

  it('finite differences of the whole objective match its gradient (g_φ held constant)', () => {
    const posterior = makePosterior({ sigma0: 0.02, etaInit: 0.02 });
    const key = createKey(5);
    const variables = posterior.variables;
    const { value, grads } = tf.variableGrads(
      () => objective(posterior, key, tinyLoss),
      Object.values(variables),
    );
    value.dispose();
    // The gradient stops at g_φ (papers.md §1.4). The same objective with a loss whose
    // gradient is g_φ(φ₀) everywhere (linear in the weights) has exactly that gradient, so its
    // finite differences are the reference.
    const [phiKey] = splitKey(key, 2) as [RngKey, RngKey];
    const phi = posterior.base.draw(phiKey, { training: true });
    const names = posterior.sharpenedNames;
    const g0 = tf.grads((...xs: tf.Tensor[]) =>
      tinyLoss({ ...phi.weights, ...Object.fromEntries(names.map((n, i) => [n, xs[i]])) }),
    )(names.map((name) => phi.weights[name]));
    const linear = (weights: Weights<TinyName>): tf.Scalar =>
      tf.addN(
        names.map((name, i) => tf.sum(tf.mul(weights[name], g0[i] as tf.Tensor))),
      ) as tf.Scalar;
    const elements = Object.entries(variables).flatMap(([name, variable]) => [
      [name, 0] as const,
      [name, variable.size - 1] as const,
    ]);
    const numeric = variableFiniteDifferences(
      variables,
      () => objective(posterior, key, linear),
      elements,
      1e-3,
    );
    for (const [name, index, value] of numeric) {
      const analytic = grads[variables[name]?.name ?? '']?.dataSync()[index] ?? Number.NaN;
      expectClose(analytic, value, TOLERANCES.finiteDifference);
    }
    tf.dispose([...Object.values(grads), ...g0]);
    dispose(phi);
    disposePosterior(posterior);
  });

  it('evaluation draws and the mean are the base posterior’s', () => {
    const posterior = makePosterior();
    const key = createKey(6);
    const [phiKey] = splitKey(key, 2) as [RngKey, RngKey];
    const evaluation = posterior.draw(key, { training: false, lossOf: tinyLoss });
    const base = posterior.base.draw(phiKey, { training: false });
    expect(evaluation.minibatchKl).toBeUndefined();
    expect(Array.from(evaluation.weights['output/kernel'].dataSync())).toEqual(
      Array.from(base.weights['output/kernel'].dataSync()),
    );
    dispose(evaluation);
    dispose(base);
    disposePosterior(posterior);
  });

  it('leaks nothing in a training step with sharpening', async () => {
    const posterior = makePosterior();
    await expectNoLeaks(() => {
      const { value, grads } = tf.variableGrads(
        () => objective(posterior, createKey(8), tinyLoss),
        Object.values(posterior.variables),
      );
      tf.dispose([value, ...Object.values(grads)]);
    });
    disposePosterior(posterior);
  });

  it('creating and disposing it leaves no tensor behind', async () => {
    const base = createGaussianPosterior({
      specs: TINY_SPECS,
      key: createKey(1),
      prior: gaussianPrior(1),
    });
    await expectNoLeaks(() => {
      const sharpened = createSharpenedPosterior(base);
      for (const name of sharpened.sharpenedNames) sharpened.variables[`${name}/eta`]?.dispose();
    });
    disposePosterior(base);
  });

  it('rejects a bad σ0, naming it', () => {
    expect(() => makePosterior({ sigma0: 0 })).toThrow(/sigma0/);
  });
});
