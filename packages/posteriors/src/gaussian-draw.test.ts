import { createKey, randomNormal, selectBackend } from '@bayesrnn/core';
import { kernelSourceSha256 } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { drawGaussianWeight, GAUSSIAN_DRAW_KERNEL } from './gaussian-draw.js';
import { GAUSSIAN_DRAW_SOURCE_SHA256 } from './gaussian-draw-wasm.generated.js';
import { reparameterise, sigmaOf } from './gaussian-weight.js';

const FLOOR = 1e-5;

it('the kernel was compiled from the committed source (rerun scripts/build-wasm-kernel.sh)', () => {
  const source = new URL('../wasm/gaussian-draw.c', import.meta.url);
  expect(kernelSourceSha256(source)).toBe(GAUSSIAN_DRAW_SOURCE_SHA256);
});

/** μ and ρ of `shape`; ρ spans −7 to 3 (both branches of softplus and the sigmoid). */
function parameters(shape: [number, number]) {
  const mu = randomNormal(createKey(3), shape, { stddev: 0.1 });
  const rho = tf.tidy(() => tf.linspace(-7, 3, shape[0] * shape[1]).reshape(shape));
  return { mu, rho };
}

/** The loss `Σ θ G + Σ σ H` and its gradient in (μ, ρ), for fixed random G and H. */
function lossAndGrads(
  draw: (mu: tf.Tensor, rho: tf.Tensor) => { theta: tf.Tensor; sigma: tf.Tensor },
  mu: tf.Tensor,
  rho: tf.Tensor,
) {
  const g = randomNormal(createKey(8), mu.shape);
  const h = randomNormal(createKey(9), mu.shape);
  const { value, grads } = tf.valueAndGrads((m: tf.Tensor, r: tf.Tensor) => {
    const { theta, sigma } = draw(m, r);
    return tf.add(tf.sum(tf.mul(theta, g)), tf.sum(tf.mul(sigma, h))) as tf.Scalar;
  })([mu, rho]);
  const numbers = { value: value.dataSync()[0] ?? 0, grads: grads.map((t) => t.dataSync()) };
  tf.dispose([g, h, value, ...grads]);
  return numbers;
}

const composed =
  (key = createKey(5)) =>
  (mu: tf.Tensor, rho: tf.Tensor) => {
    const sigma = sigmaOf(rho, FLOOR);
    const epsilon = randomNormal(key, mu.shape);
    return { sigma, theta: reparameterise(mu, sigma, epsilon), epsilon };
  };

describe('the Gaussian draw on wasm', () => {
  beforeAll(async () => {
    await selectBackend({ name: 'wasm', log: () => {} });
  });
  afterAll(async () => {
    await selectBackend({ name: 'cpu', log: () => {} });
  });

  // 407: tails past the groups of sixteen and of four; 101,437: over 2 × 16,384, so the heap's
  // helper threads compute σ beside the draw of ε and split θ.
  it.each([[[37, 11]], [[301, 337]]] as [[number, number]][])(
    'gives σ, θ and ε bit for bit as the composed ops: %j',
    (shape) => {
      const before = tf.memory().numTensors;
      const { mu, rho } = parameters(shape);
      const [ours, theirs] = [
        (m: tf.Tensor, r: tf.Tensor) => drawGaussianWeight(m, r, FLOOR, createKey(5)),
        composed(),
      ].map((draw) =>
        tf.tidy(() => {
          const { sigma, theta, epsilon } = draw(mu, rho);
          return [sigma, theta, epsilon].map((t) => Array.from(t.dataSync()));
        }),
      );
      for (let part = 0; part < 3; part++) {
        const a = ours?.[part] ?? [];
        const b = theirs?.[part] ?? [];
        expect(a.length).toBe(mu.size);
        expect(a.every((v, i) => Object.is(v, b[i]))).toBe(true);
      }
      tf.dispose([mu, rho]);
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it('runs as one kernel, with the gradients of the composed ops', async () => {
    const before = tf.memory().numTensors;
    const { mu, rho } = parameters([301, 337]);
    const ours = lossAndGrads((m, r) => drawGaussianWeight(m, r, FLOOR, createKey(5)), mu, rho);
    const theirs = lossAndGrads(composed(), mu, rho);
    expect(ours.value).toBe(theirs.value);
    // dμ = dθ exactly; dρ differs only by the sigmoid's last bits (ours against XNNPACK's).
    expect(Array.from(ours.grads[0] ?? [])).toEqual(Array.from(theirs.grads[0] ?? []));
    const dRho = ours.grads[1] ?? new Float32Array();
    const reference = theirs.grads[1] ?? new Float32Array();
    let worst = 0;
    for (let i = 0; i < reference.length; i++) {
      const scale = Math.abs(reference[i] ?? 0) + 1e-30;
      worst = Math.max(worst, Math.abs((dRho[i] ?? 0) - (reference[i] ?? 0)) / scale);
    }
    expect(worst).toBeLessThan(1e-6);
    const profile = await tf.profile(() => {
      const drawn = drawGaussianWeight(mu, rho, FLOOR, createKey(5));
      tf.dispose([drawn.sigma, drawn.theta, drawn.epsilon]);
    });
    expect(profile.kernels.map((k) => k.name)).toEqual([GAUSSIAN_DRAW_KERNEL]);
    tf.dispose([mu, rho]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names μ and ρ of two shapes, and draws nothing for an empty weight', () => {
    const before = tf.memory().numTensors;
    const mu = tf.zeros([2, 3]);
    const rho = tf.zeros([3, 2]);
    expect(() => drawGaussianWeight(mu, rho, FLOOR, createKey(1))).toThrow(
      `bayesrnn: ${GAUSSIAN_DRAW_KERNEL} needs μ and ρ of one shape, got [2,3] and [3,2]`,
    );
    const empty = tf.zeros([0, 4]);
    const shapes = tf.tidy(() => {
      const drawn = drawGaussianWeight(empty, empty, FLOOR, createKey(1));
      return [drawn.sigma.shape, drawn.theta.shape, drawn.epsilon.shape];
    });
    expect(shapes).toEqual([
      [0, 4],
      [0, 4],
      [0, 4],
    ]);
    tf.dispose([mu, rho, empty]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
