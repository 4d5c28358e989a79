// What the `Sampler` contract promises, checked on all three samplers alike.
import { createKey, disposeTree, flattenTree } from '@bayesrnn/core';
import type { NamedTensorTree, Sampler } from '@bayesrnn/spec';
import { expectClose, expectNoLeaks, TOLERANCES } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPsgld } from './psgld.js';
import { createSghmc } from './sghmc.js';
import { createSgld } from './sgld.js';

type Name = 'a' | 'b';
interface Case {
  readonly make: () => Sampler<Name, NamedTensorTree>;
  /** Leaf paths of the state, in order. */
  readonly paths: readonly string[];
  /**
   * Mean and variance of one step from θ = 0 with a constant gradient `c`, flat prior,
   * datasetSize N, temperature T, step size η (derived by hand from the update equations).
   */
  readonly firstStep: (c: number, eta: number) => { mean: number; variance: number };
}

const N = 50;
const T = 2;
const CASES: Record<string, Case> = {
  sgld: {
    make: () => createSgld<Name>({ datasetSize: N, temperature: T, priorVariance: Infinity }),
    paths: ['position/a', 'position/b'],
    firstStep: (c, eta) => ({ mean: -eta * c, variance: (2 * eta * T) / N }),
  },
  psgld: {
    make: () =>
      createPsgld<Name>({ datasetSize: N, temperature: T, priorVariance: Infinity, beta: 0.9 }),
    paths: ['position/a', 'position/b', 'secondMoment/a', 'secondMoment/b'],
    firstStep: (c, eta) => {
      // v₁ = (1 − β) c², G⁻¹ = 1 / (λ + √v₁)
      const inverseG = 1 / (1e-8 + Math.sqrt(0.1 * c * c));
      return { mean: -eta * inverseG * c, variance: (2 * eta * T * inverseG) / N };
    },
  },
  sghmc: {
    make: () =>
      createSghmc<Name>({ datasetSize: N, temperature: T, priorVariance: Infinity, friction: 0.3 }),
    paths: ['position/a', 'position/b', 'momentum/a', 'momentum/b'],
    // v₁ = −η c + N(0, 2 α η T / N), θ₁ = v₁
    firstStep: (c, eta) => ({ mean: -eta * c, variance: (2 * 0.3 * eta * T) / N }),
  },
};

describe.each(Object.entries(CASES))('%s', (_, { make, paths, firstStep }) => {
  let weights: { a: tf.Tensor; b: tf.Tensor };
  let gradient: { a: tf.Tensor; b: tf.Tensor };
  beforeEach(() => {
    weights = { a: tf.tensor2d([[0.5, -1, 2]]), b: tf.tensor2d([[0.5, -1, 2]]) };
    gradient = { a: tf.tensor2d([[0.1, 0.2, -0.3]]), b: tf.tensor2d([[0.1, 0.2, -0.3]]) };
  });
  afterEach(() => disposeTree([weights, gradient]));

  it('init copies the weights; position is owned by the state; leaves are named tensors', () => {
    const sampler = make();
    const state = sampler.init(weights);
    disposeTree(weights);
    expect(flattenTree(state).map((leaf) => leaf.path)).toEqual(paths);
    expect(sampler.position(state).a).toBe(flattenTree(state)[0]?.tensor);
    expectClose(sampler.position(state).a, [0.5, -1, 2], TOLERANCES.float32);
    weights = { a: tf.scalar(0), b: tf.scalar(0) };
    disposeTree(state);
  });

  it('step returns a new state and never disposes its inputs', () => {
    const sampler = make();
    const state = sampler.init(weights);
    const next = sampler.step(state, gradient, createKey(1), 0.1);
    const inputs = [...flattenTree(state), ...flattenTree([weights, gradient])];
    expect(inputs.every((leaf) => !leaf.tensor.isDisposed)).toBe(true);
    const old = new Set(inputs.map((leaf) => leaf.tensor));
    expect(flattenTree(next).some((leaf) => old.has(leaf.tensor))).toBe(false);
    disposeTree([state, next]);
  });

  it('same key → identical step, different key → different; each weight has its own noise', () => {
    const sampler = make();
    const state = sampler.init(weights);
    const run = (seed: number) => {
      const next = sampler.step(state, gradient, createKey(seed), 0.1);
      const values = flattenTree(next).map((leaf) => Array.from(leaf.tensor.dataSync()));
      disposeTree(next);
      return values;
    };
    const first = run(7);
    expect(run(7)).toEqual(first);
    expect(run(8)).not.toEqual(first);
    // `a` and `b` start equal with equal gradients: only the noise streams differ.
    expect(first[0]).not.toEqual(first[1]);
    disposeTree(state);
  });

  it('init, step and position leak no tensors', async () => {
    const sampler = make();
    await expectNoLeaks(() => {
      const state = sampler.init(weights);
      const next = sampler.step(state, gradient, createKey(1), 0.1);
      sampler.position(next);
      disposeTree([state, next]);
    }, 'init/step/position');
  });

  it('refuses mismatched gradients and bad step sizes', () => {
    const sampler = make();
    const state = sampler.init(weights);
    const key = createKey(1);
    expect(() => sampler.step(state, { a: gradient.a } as typeof gradient, key, 0.1)).toThrow(
      /no gradient for weight "b"/,
    );
    const extra = { ...gradient, c: gradient.a };
    expect(() => sampler.step(state, extra, key, 0.1)).toThrow(/unknown weight "c"/);
    const wrongShape = { a: gradient.a, b: tf.zeros([3, 1]) };
    expect(() => sampler.step(state, wrongShape, key, 0.1)).toThrow(
      /gradient of "b" has shape \[3, 1\], weight has \[1, 3\]/,
    );
    wrongShape.b.dispose();
    for (const bad of [-0.1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => sampler.step(state, gradient, key, bad)).toThrow(RangeError);
    }
    disposeTree(state);
  });

  it('one step from θ = 0 has the derived drift and noise variance', () => {
    // 100k draws: the sample variance has a relative standard error of √(2/n) ≈ 0.45 %, the
    // mean an error of √(variance/n); the tolerances are ~5 standard errors.
    const sampler = make();
    const [c, eta, n] = [0.4, 0.05, 100_000];
    const zeros = { a: tf.zeros([n]), b: tf.zeros([1]) };
    const g = { a: tf.fill([n], c), b: tf.fill([1], c) };
    const state = sampler.init(zeros);
    const next = sampler.step(state, g, createKey(3), eta);
    const values = Array.from(sampler.position(next).a.dataSync());
    const mean = values.reduce((s, x) => s + x, 0) / n;
    const variance = values.reduce((s, x) => s + (x - mean) ** 2, 0) / n;
    const expected = firstStep(c, eta);
    expect(Math.abs(mean - expected.mean)).toBeLessThan(5 * Math.sqrt(expected.variance / n));
    expect(Math.abs(variance / expected.variance - 1)).toBeLessThan(0.025);
    disposeTree([zeros, g, state, next]);
  });
});
