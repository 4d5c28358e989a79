import { createKey, randomNormal, selectBackend } from '@bayesrnn/core';
import { kernelSourceSha256 } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scaledError } from './__fixtures__/scaled-error.js';
import {
  fusedGaussianDraw,
  GAUSSIAN_DRAW_GRAD_KERNEL,
  GAUSSIAN_DRAW_KERNEL,
} from './fused-gaussian-draw.js';
import { drawGaussianWeight } from './gaussian-draw.js';
import { GAUSSIAN_DRAW_SOURCE_SHA256 } from './gaussian-draw-wasm.generated.js';
import { gaussianPrior } from './gaussian-prior.js';
import { gaussianWeightKl } from './gaussian-weight.js';
import type { Prior } from './prior.js';
import { scaleMixturePrior } from './scale-mixture-prior.js';

const FLOOR = 1e-5;
const KEY = createKey(5);

it('the kernel was compiled from the committed source (rerun scripts/build-wasm-kernel.sh)', () => {
  const source = new URL('../wasm/gaussian-draw.c', import.meta.url);
  expect(kernelSourceSha256(source)).toBe(GAUSSIAN_DRAW_SOURCE_SHA256);
});

/** μ and ρ of `shape`; ρ spans −7 to 3 (σ ≈ 1e-3 to 3: both branches of softplus and σ(·)). */
function parameters(shape: readonly number[]) {
  const mu = randomNormal(createKey(3), shape, { stddev: 0.1 });
  const size = shape.reduce((a, b) => a * b, 1);
  const rho = tf.tidy(() => tf.linspace(-7, 3, size).reshape([...shape]));
  return { mu, rho };
}

type Drawer = (mu: tf.Tensor, rho: tf.Tensor) => { theta: tf.Tensor; kl: tf.Scalar | undefined };

const fused =
  (prior: Prior | undefined): Drawer =>
  (mu, rho) => {
    const drawn = fusedGaussianDraw(mu, rho, FLOOR, KEY, prior);
    if (drawn === undefined) throw new Error('the fused draw did not run');
    return drawn;
  };

const composed =
  (prior: Prior | undefined): Drawer =>
  (mu, rho) => {
    const draw = drawGaussianWeight(mu, rho, FLOOR, KEY);
    const kl = prior === undefined ? undefined : gaussianWeightKl({ mu, ...draw }, prior, 'sample');
    return { theta: draw.theta, kl };
  };

/**
 * θ, the KL and the gradient in (μ, ρ) of `Σ θ G + c · KL` for a fixed random G (c = 0: the
 * KL is left out of the loss; G = 0: θ is).
 */
function run(draw: Drawer, mu: tf.Tensor, rho: tf.Tensor, c = 2.5, withTheta = true) {
  const g = withTheta ? randomNormal(createKey(8), mu.shape) : tf.zeros(mu.shape);
  let theta: Float32Array<ArrayBufferLike> = new Float32Array();
  let kl = Number.NaN;
  const { value, grads } = tf.valueAndGrads((m: tf.Tensor, r: tf.Tensor) => {
    const drawn = draw(m, r);
    theta = drawn.theta.dataSync() as Float32Array;
    kl = drawn.kl?.dataSync()[0] ?? Number.NaN;
    const fit = tf.sum(tf.mul(drawn.theta, g));
    return (
      c === 0 || drawn.kl === undefined ? fit : tf.add(fit, tf.mul(drawn.kl, c))
    ) as tf.Scalar;
  })([mu, rho]);
  const numbers = { theta, kl, value: value.dataSync()[0], grads: grads.map((t) => t.dataSync()) };
  tf.dispose([g, value, ...grads]);
  return numbers;
}

describe('the fused Gaussian draw on wasm', () => {
  beforeAll(async () => {
    await selectBackend({ name: 'wasm', log: () => {} });
  });
  afterAll(async () => {
    await selectBackend({ name: 'cpu', log: () => {} });
  });

  // [37, 11] = 407 elements: a tail of 3 past the groups of sixteen and of four. [301, 337] =
  // 101,437: two noise blocks, so the heap's helper thread draws one of them.
  const mixture = scaleMixturePrior();
  const retuned = scaleMixturePrior({ pi: 0.75, sigma1: Math.exp(-2), sigma2: Math.exp(-6) });
  const cases: [string, Prior | undefined, number[]][] = [
    ['the official scale mixture', mixture, [37, 11]],
    ['the re-tuned scale mixture', retuned, [37, 11]],
    ['a Gaussian prior', gaussianPrior(0.3), [37, 11]],
    ['no prior (θ alone)', undefined, [37, 11]],
    ['the official scale mixture, two blocks over two threads', mixture, [301, 337]],
  ];
  it.each(cases)(
    'gives the composed ops θ bit for bit, their KL and gradients: %s',
    (_, prior, shape) => {
      const before = tf.memory().numTensors;
      const { mu, rho } = parameters(shape);
      const ours = run(fused(prior), mu, rho);
      const reference = run(composed(prior), mu, rho);
      expect(ours.theta.length).toBe(mu.size);
      expect(ours.theta.every((v, i) => Object.is(v, reference.theta[i]))).toBe(true);
      if (prior === undefined) expect(ours.kl).toBeNaN();
      else expect(Math.abs(ours.kl - reference.kl)).toBeLessThan(1e-5 * Math.abs(reference.kl));
      expect(scaledError(ours.grads[0] ?? [], reference.grads[0] ?? [])).toBeLessThan(1e-5);
      expect(scaledError(ours.grads[1] ?? [], reference.grads[1] ?? [])).toBeLessThan(1e-5);
      tf.dispose([mu, rho]);
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it('gives the right gradient with only θ, or only the KL, in the loss', () => {
    const before = tf.memory().numTensors;
    const { mu, rho } = parameters([37, 11]);
    for (const [c, withTheta] of [
      [0, true],
      [1.5, false],
    ] as const) {
      const ours = run(fused(mixture), mu, rho, c, withTheta);
      const reference = run(composed(mixture), mu, rho, c, withTheta);
      expect(scaledError(ours.grads[0] ?? [], reference.grads[0] ?? [])).toBeLessThan(1e-5);
      expect(scaledError(ours.grads[1] ?? [], reference.grads[1] ?? [])).toBeLessThan(1e-5);
    }
    tf.dispose([mu, rho]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('matches central differences of Σ θ G + 2.5 KL', () => {
    const before = tf.memory().numTensors;
    const m0 = [0.05, -0.2, 0.01, 0.3, -0.02];
    const r0 = [-4, -2, 0.5, -6, 1];
    const valueAt = (m: number[], r: number[]) =>
      tf.tidy(() => run(fused(mixture), tf.tensor1d(m), tf.tensor1d(r)).value ?? Number.NaN);
    const ours = tf.tidy(() => run(fused(mixture), tf.tensor1d(m0), tf.tensor1d(r0)));
    const h = 1e-2;
    for (let i = 0; i < m0.length; i++) {
      const bump = (values: number[], delta: number) =>
        values.map((v, j) => (j === i ? v + delta : v));
      const dMu = (valueAt(bump(m0, h), r0) - valueAt(bump(m0, -h), r0)) / (2 * h);
      const dRho = (valueAt(m0, bump(r0, h)) - valueAt(m0, bump(r0, -h))) / (2 * h);
      expect(ours.grads[0]?.[i]).toBeCloseTo(dMu, 1);
      expect(ours.grads[1]?.[i]).toBeCloseTo(dRho, 1);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('runs one kernel forward and one backward', async () => {
    const before = tf.memory().numTensors;
    const { mu, rho } = parameters([37, 11]);
    const forward = await tf.profile(() => {
      const drawn = fused(mixture)(mu, rho);
      tf.dispose([drawn.theta, drawn.kl as tf.Scalar]);
    });
    expect(forward.kernels.map((k) => k.name)).toEqual([GAUSSIAN_DRAW_KERNEL]);
    const backward = await tf.profile(() => {
      const { value, grads } = tf.valueAndGrads((m: tf.Tensor, r: tf.Tensor) => {
        const drawn = fused(mixture)(m, r);
        return tf.add(tf.sum(drawn.theta), drawn.kl as tf.Scalar) as tf.Scalar;
      })([mu, rho]);
      tf.dispose([value, ...grads]);
    });
    const names = backward.kernels.map((k) => k.name);
    expect(names.filter((name) => name === GAUSSIAN_DRAW_GRAD_KERNEL)).toHaveLength(1);
    tf.dispose([mu, rho]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("leaves a user's prior to the composed ops, even with a built-in prior's config", () => {
    const before = tf.memory().numTensors;
    const custom: Prior = { ...mixture, logProb: (theta) => tf.sum(theta) as tf.Scalar };
    const { mu, rho } = parameters([4, 4]);
    expect(fusedGaussianDraw(mu, rho, FLOOR, KEY, custom)).toBeUndefined();
    tf.dispose([mu, rho]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names μ and ρ of two shapes, and draws nothing for an empty weight', () => {
    const before = tf.memory().numTensors;
    const mu = tf.zeros([2, 3]);
    const rho = tf.zeros([3, 2]);
    expect(() => fusedGaussianDraw(mu, rho, FLOOR, KEY, mixture)).toThrow(
      `bayesrnn: ${GAUSSIAN_DRAW_KERNEL} needs μ, ρ and its buffers of one shape, got [2,3] and [3,2]`,
    );
    expect(() => drawGaussianWeight(mu, rho, FLOOR, KEY)).toThrow(
      'drawGaussianWeight: μ and ρ must have one shape, got [2,3] and [3,2]',
    );
    const empty = tf.zeros([0, 4]);
    const drawn = tf.tidy(() => {
      const { theta, kl } = fused(mixture)(empty, empty);
      return [theta.shape, kl?.dataSync()[0]];
    });
    expect(drawn).toEqual([[0, 4], 0]);
    tf.dispose([mu, rho, empty]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('the fused Gaussian draw elsewhere', () => {
  it('is undefined on cpu, where the posterior composes tfjs ops', async () => {
    await selectBackend({ name: 'cpu', log: () => {} });
    const before = tf.memory().numTensors;
    const mu = tf.zeros([3]);
    expect(fusedGaussianDraw(mu, mu, FLOOR, KEY, scaleMixturePrior())).toBeUndefined();
    mu.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
