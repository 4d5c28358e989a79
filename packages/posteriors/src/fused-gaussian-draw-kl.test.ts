import { createKey, randomNormal, selectBackend } from '@bayesrnn/core';
import { expectNoLeaks } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fusedGaussianDraw } from './fused-gaussian-draw.js';
import { drawGaussianWeight } from './gaussian-draw.js';
import { FORTUNATO_SCALE_MIXTURE, scaleMixturePrior } from './scale-mixture-prior.js';

const KEY = createKey(11);

/** log of the scale mixture's density in float64, as a log-sum-exp of its two components. */
function mixtureLogDensity(theta: number): number {
  const { pi, sigma1, sigma2 } = FORTUNATO_SCALE_MIXTURE;
  const term = (weight: number, sigma: number) =>
    Math.log(weight) -
    Math.log(sigma) -
    0.5 * Math.log(2 * Math.PI) -
    (theta * theta) / (2 * sigma * sigma);
  const a = term(pi, sigma1);
  const b = term(1 - pi, sigma2);
  const top = Math.max(a, b);
  return top + Math.log(Math.exp(a - top) + Math.exp(b - top));
}

/**
 * The single-sample KL `Σ log q(θ) − log p(θ)` in float64 from the float32 σ, ε and θ of the
 * composed ops (the fused kernel's are bit-identical to them), and the fused kernel's KL.
 */
function klBothWays(mu: tf.Tensor, rho: tf.Tensor, floor: number) {
  return tf.tidy(() => {
    const prior = scaleMixturePrior();
    const fused = fusedGaussianDraw(mu, rho, floor, KEY, prior);
    if (fused?.kl === undefined) throw new Error('the fused draw did not run');
    const { sigma, epsilon, theta } = drawGaussianWeight(mu, rho, floor, KEY);
    const s = sigma.dataSync();
    const e = epsilon.dataSync();
    const t = theta.dataSync();
    let reference = 0;
    for (let j = 0; j < mu.size; j++) {
      const logQ =
        -Math.log(s[j] as number) - 0.5 * (e[j] as number) ** 2 - 0.5 * Math.log(2 * Math.PI);
      reference += logQ - mixtureLogDensity(t[j] as number);
    }
    return { ours: fused.kl.dataSync()[0] as number, reference };
  });
}

describe("the fused draw's KL on wasm", () => {
  beforeAll(async () => {
    await selectBackend({ name: 'wasm', log: () => {} });
  });
  afterAll(async () => {
    await selectBackend({ name: 'cpu', log: () => {} });
  });

  it('is the float64 sum to float32 rounding, over two blocks on two threads', async () => {
    await expectNoLeaks(() => {
      const shape = [301, 337];
      const mu = randomNormal(createKey(3), shape, { stddev: 0.1 });
      const rho = tf.tidy(() => tf.linspace(-9, 4, 301 * 337).reshape(shape));
      const { ours, reference } = klBothWays(mu, rho, 1e-5);
      expect(Math.abs(ours - reference)).toBeLessThan(1.5e-7 * Math.abs(reference));
      tf.dispose([mu, rho]);
    });
  });

  // Two hundred σ at the floor of 1e-30 multiply to far below float64's range, and two hundred
  // of about 1e9 far above it: the kernel moves the power of two out every two vectors. The
  // floor's σ, with θ ≈ 0, make the log part most of the KL.
  it('keeps its product in range for σ from 1e-30 to 1e9', async () => {
    await expectNoLeaks(() => {
      const rho = tf.tensor1d(
        Array.from({ length: 400 }, (_, j) => (j % 2 === 0 ? 1e9 / (1 + j) : -90)),
      );
      const mu = tf.zerosLike(rho);
      const { ours, reference } = klBothWays(mu, rho, 1e-30);
      expect(Number.isFinite(ours)).toBe(true);
      expect(Math.abs(ours - reference)).toBeLessThan(1e-6 * Math.abs(reference));
      const floorOnly = tf.fill([400], -90);
      const atFloor = klBothWays(mu, floorOnly, 1e-30);
      expect(atFloor.reference).toBeGreaterThan(2e4);
      expect(Math.abs(atFloor.ours - atFloor.reference)).toBeLessThan(1e-6 * atFloor.reference);
      tf.dispose([mu, rho, floorOnly]);
    });
  });

  it('is +inf for a σ of zero and NaN for a NaN ρ', async () => {
    await expectNoLeaks(() => {
      const zero = tf.tensor1d([0.5, -200, 1, 2, 3]);
      const notANumber = tf.tensor1d([0.5, Number.NaN, 1, 2, 3]);
      const mu = tf.zeros([5]);
      expect(klBothWays(mu, zero, 0).ours).toBe(Number.POSITIVE_INFINITY);
      expect(klBothWays(mu, notANumber, 1e-5).ours).toBeNaN();
      tf.dispose([mu, zero, notANumber]);
    });
  });
});
