import { createKey, randomNormal, selectBackend } from '@bayesrnn/core';
import { kernelSourceSha256 } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { gaussianPrior } from './gaussian-prior.js';
import { fusedGaussianSampleKl } from './gaussian-sample-kl.js';
import { GAUSSIAN_SAMPLE_KL_SOURCE_SHA256 } from './gaussian-sample-kl-wasm.generated.js';
import { gaussianWeightKl, reparameterise, sigmaOf } from './gaussian-weight.js';
import type { Prior } from './prior.js';
import { scaleMixturePrior } from './scale-mixture-prior.js';

const FLOOR = 1e-5;

it('the kernel was compiled from the committed source (rerun scripts/build-wasm-kernel.sh)', () => {
  const source = new URL('../wasm/gaussian-sample-kl.c', import.meta.url);
  expect(kernelSourceSha256(source)).toBe(GAUSSIAN_SAMPLE_KL_SOURCE_SHA256);
});

/**
 * μ, ρ and ε of one weight: by default [37, 11] = 407 elements (a tail of 3 past the groups of
 * four and of sixteen).
 */
function parameters(
  seed: number,
  shape: [number, number] = [37, 11],
): { mu: tf.Tensor; rho: tf.Tensor; epsilon: tf.Tensor } {
  const mu = randomNormal(createKey(seed), shape, { stddev: 0.1 });
  // ρ from −7 (σ ≈ 1e-3) to 3 (σ ≈ 3): both branches of softplus and of the sigmoid.
  const rho = tf.tidy(() => tf.linspace(-7, 3, shape[0] * shape[1]).reshape(shape));
  const epsilon = randomNormal(createKey(seed + 1), shape);
  return { mu, rho, epsilon };
}

/** KL and its gradient in (μ, ρ), by the composed ops and tfjs's autograd. */
function composed(mu: tf.Tensor, rho: tf.Tensor, epsilon: tf.Tensor, prior: Prior) {
  const f = (m: tf.Tensor, r: tf.Tensor) => {
    const sigma = sigmaOf(r, FLOOR);
    const theta = reparameterise(m, sigma, epsilon);
    return gaussianWeightKl({ mu: m, sigma, theta, epsilon }, prior, 'sample');
  };
  return readBack(tf.valueAndGrads(f)([mu, rho]));
}

/** KL and its gradient in (μ, ρ), by the fused kernel (upstream gradient 1). */
function fused(mu: tf.Tensor, rho: tf.Tensor, epsilon: tf.Tensor, prior: Prior, upstream = 1) {
  const f = (m: tf.Tensor, r: tf.Tensor) => {
    const kl = fusedGaussianSampleKl(m, sigmaOf(r, FLOOR), epsilon, prior);
    if (kl === undefined) throw new Error('the fused KL did not run on wasm');
    return tf.mul(kl, upstream) as tf.Scalar;
  };
  return readBack(tf.valueAndGrads(f)([mu, rho]));
}

/** The numbers of a `valueAndGrads` result, its tensors freed. */
function readBack({ value, grads }: { value: tf.Scalar; grads: tf.Tensor[] }) {
  const numbers = {
    value: value.dataSync()[0] ?? Number.NaN,
    grads: grads.map((g) => g.dataSync()),
  };
  tf.dispose([value, ...grads]);
  return numbers;
}

/** max |a − b| over max |b|: the error relative to the gradient's scale. */
function scaledError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let error = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    error = Math.max(error, Math.abs((a[i] ?? 0) - (b[i] ?? 0)));
    scale = Math.max(scale, Math.abs(b[i] ?? 0));
  }
  return error / scale;
}

describe('fused Gaussian sample KL on wasm', () => {
  beforeAll(async () => {
    await selectBackend({ name: 'wasm', log: () => {} });
  });
  afterAll(async () => {
    await selectBackend({ name: 'cpu', log: () => {} });
  });

  // 407 elements by default; 101,437 (over 2 × 16,384) so the heap's helper threads take a share.
  const cases: [string, Prior, [number, number]][] = [
    ['the official scale mixture', scaleMixturePrior(), [37, 11]],
    [
      'the re-tuned scale mixture',
      scaleMixturePrior({ pi: 0.75, sigma1: Math.exp(-2), sigma2: Math.exp(-6) }),
      [37, 11],
    ],
    ['a Gaussian prior', gaussianPrior(0.3), [37, 11]],
    ['the official scale mixture, split over helper threads', scaleMixturePrior(), [301, 337]],
  ];
  it.each(cases)('gives the composed ops value and gradients: %s', (_, prior, shape) => {
    const before = tf.memory().numTensors;
    const { mu, rho, epsilon } = parameters(4, shape);
    const reference = composed(mu, rho, epsilon, prior);
    const ours = fused(mu, rho, epsilon, prior);
    expect(Math.abs(ours.value - reference.value)).toBeLessThan(1e-5 * Math.abs(reference.value));
    expect(scaledError(ours.grads[0] ?? [], reference.grads[0] ?? [])).toBeLessThan(1e-5);
    expect(scaledError(ours.grads[1] ?? [], reference.grads[1] ?? [])).toBeLessThan(1e-5);
    tf.dispose([mu, rho, epsilon]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("leaves a user's prior to the composed ops, even with a built-in prior's config", () => {
    const before = tf.memory().numTensors;
    const ours = scaleMixturePrior();
    const custom: Prior = { ...ours, logProb: (theta) => tf.sum(theta) as tf.Scalar };
    const { mu, rho, epsilon } = parameters(5);
    const sigma = sigmaOf(rho, FLOOR);
    expect(fusedGaussianSampleKl(mu, sigma, epsilon, custom)).toBeUndefined();
    tf.dispose([mu, rho, epsilon, sigma]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('scales its gradient by the upstream gradient, and matches central differences', () => {
    const before = tf.memory().numTensors;
    const prior = scaleMixturePrior();
    const mu = tf.tensor1d([0.05, -0.2, 0.01, 0.3, -0.02]);
    const rho = tf.tensor1d([-4, -2, 0.5, -6, 1]);
    const epsilon = tf.tensor1d([0.3, -1.2, 2, -0.4, 0.9]);
    const ours = fused(mu, rho, epsilon, prior, 2.5);
    const h = 1e-2;
    const klAt = (m: number[], r: number[]) =>
      tf.tidy(() => fused(tf.tensor1d(m), tf.tensor1d(r), epsilon, prior, 2.5).value);
    const m0 = Array.from(mu.dataSync());
    const r0 = Array.from(rho.dataSync());
    for (let i = 0; i < 5; i++) {
      const bump = (values: number[], delta: number) =>
        values.map((v, j) => (j === i ? v + delta : v));
      const dMu = (klAt(bump(m0, h), r0) - klAt(bump(m0, -h), r0)) / (2 * h);
      const dRho = (klAt(m0, bump(r0, h)) - klAt(m0, bump(r0, -h))) / (2 * h);
      expect(ours.grads[0]?.[i]).toBeCloseTo(dMu, 1);
      expect(ours.grads[1]?.[i]).toBeCloseTo(dRho, 1);
    }
    tf.dispose([mu, rho, epsilon]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
