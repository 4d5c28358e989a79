import { createKey, randomNormal, selectBackend } from '@bayesrnn/core';
import { kernelSourceSha256 } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scaledError } from './__fixtures__/scaled-error.js';
import { fusedSharpenWeight, SHARPEN_ETA_GRAD_KERNEL, SHARPEN_KERNEL } from './fused-sharpen.js';
import { SHARPEN_SOURCE_SHA256 } from './sharpen-wasm.generated.js';
import { sharpenWeight } from './sharpening.js';

const SIGMA0 = 0.02;
const KEY = createKey(6);

it('the kernel was compiled from the committed source (rerun scripts/build-wasm-kernel.sh)', () => {
  const source = new URL('../wasm/sharpen.c', import.meta.url);
  expect(kernelSourceSha256(source)).toBe(SHARPEN_SOURCE_SHA256);
});

type Sharpen = (
  phi: tf.Tensor,
  eta: tf.Tensor,
  g: tf.Tensor,
) => { theta: tf.Tensor; kl: tf.Scalar };

const fused: Sharpen = (phi, eta, g) => {
  const drawn = fusedSharpenWeight(phi, eta, g, KEY, SIGMA0);
  if (drawn === undefined) throw new Error('the fused sharpening did not run');
  return drawn;
};

const composed: Sharpen = (phi, eta, g) =>
  sharpenWeight(phi, eta, g, randomNormal(KEY, phi.shape), SIGMA0);

/** θ, the KL and the gradient in (φ, η, g) of `Σ θ G + 2.5 KL`, for a fixed random G. */
function run(sharpen: Sharpen, phi: tf.Tensor, eta: tf.Tensor, g: tf.Tensor) {
  const weights = randomNormal(createKey(8), phi.shape);
  let theta: Float32Array<ArrayBufferLike> = new Float32Array();
  let kl = Number.NaN;
  const { value, grads } = tf.valueAndGrads((p: tf.Tensor, e: tf.Tensor, d: tf.Tensor) => {
    const drawn = sharpen(p, e, d);
    theta = drawn.theta.dataSync() as Float32Array;
    kl = drawn.kl.dataSync()[0] ?? Number.NaN;
    return tf.add(tf.sum(tf.mul(drawn.theta, weights)), tf.mul(drawn.kl, 2.5)) as tf.Scalar;
  })([phi, eta, g]);
  const numbers = {
    theta,
    kl,
    value: value.dataSync()[0] ?? Number.NaN,
    grads: grads.map((t) => t.dataSync()),
  };
  tf.dispose([weights, value, ...grads]);
  return numbers;
}

/** φ near a trained weight, η around its initial 1e-3, and a data gradient g. */
function parameters(shape: number[]) {
  return {
    phi: randomNormal(createKey(1), shape, { stddev: 0.1 }),
    eta: randomNormal(createKey(2), shape, { mean: 1e-3, stddev: 2e-4 }),
    g: randomNormal(createKey(3), shape, { stddev: 5 }),
  };
}

describe('the fused sharpened draw on wasm', () => {
  beforeAll(async () => {
    await selectBackend({ name: 'wasm', log: () => {} });
  });
  afterAll(async () => {
    await selectBackend({ name: 'cpu', log: () => {} });
  });

  // 407 elements: a tail of 3; 101,437: two noise blocks, the second on the helper thread.
  it.each([[[37, 11]], [[301, 337]]])(
    'gives the composed ops θ bit for bit, their KL and gradients: %j',
    (shape) => {
      const before = tf.memory().numTensors;
      const { phi, eta, g } = parameters(shape);
      const ours = run(fused, phi, eta, g);
      const reference = run(composed, phi, eta, g);
      expect(ours.theta.length).toBe(phi.size);
      expect(ours.theta.every((v, i) => Object.is(v, reference.theta[i]))).toBe(true);
      // The KL in float64 from the float32 steps: ours sums in float64 lanes, tfjs's sum in
      // float32 (1.4e-5 off at 101,437 elements).
      const etas = eta.dataSync();
      const gs = g.dataSync();
      let squares = 0;
      for (let i = 0; i < etas.length; i++)
        squares += Math.fround((etas[i] ?? 0) * (gs[i] ?? 0)) ** 2;
      const exact = squares / (2 * SIGMA0 * SIGMA0);
      expect(Math.abs(ours.kl - exact)).toBeLessThan(1e-6 * exact);
      expect(Math.abs(reference.kl - exact)).toBeLessThan(1e-4 * exact);
      for (let input = 0; input < 3; input++) {
        expect(scaledError(ours.grads[input] ?? [], reference.grads[input] ?? [])).toBeLessThan(
          1e-5,
        );
      }
      tf.dispose([phi, eta, g]);
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it('matches central differences in η', () => {
    const before = tf.memory().numTensors;
    const phi0 = [0.1, -0.2, 0.05];
    const eta0 = [1e-3, 2e-3, 5e-4];
    const g0 = [3, -4, 10];
    const valueAt = (eta: number[]) =>
      tf.tidy(() => run(fused, tf.tensor1d(phi0), tf.tensor1d(eta), tf.tensor1d(g0)).value);
    const ours = tf.tidy(() => run(fused, tf.tensor1d(phi0), tf.tensor1d(eta0), tf.tensor1d(g0)));
    const h = 1e-4;
    for (let i = 0; i < 3; i++) {
      const bump = (delta: number) => eta0.map((v, j) => (j === i ? v + delta : v));
      const numeric = (valueAt(bump(h)) - valueAt(bump(-h))) / (2 * h);
      expect(Math.abs((ours.grads[1]?.[i] ?? 0) - numeric)).toBeLessThan(
        2e-2 * Math.abs(numeric) + 1e-2,
      );
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('runs one kernel forward and one for dη backward', async () => {
    const before = tf.memory().numTensors;
    const { phi, eta, g } = parameters([37, 11]);
    const forward = await tf.profile(() => {
      const { theta, kl } = fused(phi, eta, g);
      tf.dispose([theta, kl]);
    });
    expect(forward.kernels.map((k) => k.name)).toEqual([SHARPEN_KERNEL]);
    const backward = await tf.profile(() => {
      const { value, grads } = tf.valueAndGrads((e: tf.Tensor) => {
        const { theta, kl } = fused(phi, e, g);
        return tf.add(tf.sum(theta), kl) as tf.Scalar;
      })([eta]);
      tf.dispose([value, ...grads]);
    });
    const names = backward.kernels.map((k) => k.name);
    expect(names.filter((name) => name === SHARPEN_ETA_GRAD_KERNEL)).toHaveLength(1);
    tf.dispose([phi, eta, g]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names mismatched shapes, and draws nothing for an empty weight', () => {
    const before = tf.memory().numTensors;
    const phi = tf.zeros([2, 3]);
    const eta = tf.zeros([3, 2]);
    expect(() => fusedSharpenWeight(phi, eta, phi, KEY, SIGMA0)).toThrow(
      `bayesrnn: ${SHARPEN_KERNEL} needs φ, η and g_φ of one shape, got [2,3], [3,2] and [2,3]`,
    );
    const empty = tf.zeros([0, 4]);
    const drawn = tf.tidy(() => {
      const { theta, kl } = fused(empty, empty, empty);
      return [theta.shape, kl.dataSync()[0]];
    });
    expect(drawn).toEqual([[0, 4], 0]);
    tf.dispose([phi, eta, empty]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

it('is undefined on cpu, where sharpenWeight composes tfjs ops', async () => {
  await selectBackend({ name: 'cpu', log: () => {} });
  const before = tf.memory().numTensors;
  const x = tf.zeros([3]);
  expect(fusedSharpenWeight(x, x, x, KEY, SIGMA0)).toBeUndefined();
  x.dispose();
  expect(tf.memory().numTensors).toBe(before);
});
