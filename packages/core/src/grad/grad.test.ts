import { expectClose, expectGradientsMatch, expectNoLeaks } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { clipByGlobalNorm } from './clip-by-global-norm.js';
import { stopGradient } from './stop-gradient.js';

describe('stopGradient', () => {
  it('is the identity forward with a zero gradient', () => {
    const x = tf.tensor1d([1, -2, 3]);
    const y = stopGradient(x);
    expectClose(y, x);
    const [dx] = tf.grads((v: tf.Tensor) => tf.sum(tf.mul(stopGradient(v), v)))([x]);
    // d/dx Σ sg(x)·x = sg(x) = x: only the direct path carries gradient.
    expectClose(dx as tf.Tensor, x);
    tf.dispose([x, y, dx as tf.Tensor]);
  });

  it('blocks gradient through a recurrence (truncated BPTT)', () => {
    const w = tf.scalar(0.5);
    const [dw] = tf.grads((v: tf.Tensor) => {
      const h1 = tf.mul(v, 2);
      const h2 = tf.mul(v, stopGradient(h1));
      return tf.sum(h2) as tf.Scalar;
    })([w]);
    // h2 = w·sg(2w): dh2/dw = 2w = 1 (not 4w = 2).
    expect(dw?.dataSync()[0]).toBeCloseTo(1, 6);
    tf.dispose([w, dw as tf.Tensor]);
  });

  it('leaks no tensors', async () => {
    const x = tf.ones([3]);
    await expectNoLeaks(() => {
      stopGradient(x).dispose();
    });
    x.dispose();
  });
});

describe('clipByGlobalNorm', () => {
  it('scales every gradient by maxNorm / globalNorm when above, keeping direction', () => {
    const gradients = { a: tf.tensor1d([3, 0]), b: tf.tensor1d([0, 4]) };
    const { gradients: clipped, globalNorm } = clipByGlobalNorm(gradients, 1);
    expect(globalNorm.dataSync()[0]).toBeCloseTo(5, 6);
    expectClose(clipped.a, [0.6, 0]);
    expectClose(clipped.b, [0, 0.8]);
    tf.dispose([...Object.values(gradients), ...Object.values(clipped), globalNorm]);
  });

  it('leaves gradients below the threshold unchanged', () => {
    const gradients = { a: tf.tensor1d([0.3, 0.4]) };
    const { gradients: clipped, globalNorm } = clipByGlobalNorm(gradients, 5);
    expectClose(clipped.a, [0.3, 0.4]);
    tf.dispose([gradients.a, clipped.a, globalNorm]);
  });

  it('propagates a non-finite norm as NaN rather than hiding it', () => {
    const gradients = { a: tf.tensor1d([Number.POSITIVE_INFINITY, 1]) };
    const { gradients: clipped, globalNorm } = clipByGlobalNorm(gradients, 5);
    expect(Number.isFinite(globalNorm.dataSync()[0])).toBe(false);
    expect(Array.from(clipped.a.dataSync()).some(Number.isNaN)).toBe(true);
    tf.dispose([gradients.a, clipped.a, globalNorm]);
  });

  it('has the right gradient and leaks nothing', async () => {
    const inputs = { a: tf.tensor1d([3, -1]), b: tf.tensor1d([2, 4]) };
    expectGradientsMatch(({ a, b }) => {
      const { gradients, globalNorm } = clipByGlobalNorm(
        { a: a as tf.Tensor, b: b as tf.Tensor },
        2,
      );
      return tf.add(
        tf.sum(tf.mul(gradients.a, [1, 2])),
        tf.sum(tf.mul(gradients.b, globalNorm)),
      ) as tf.Scalar;
    }, inputs);
    await expectNoLeaks(() => {
      const out = clipByGlobalNorm(inputs, 1);
      tf.dispose([...Object.values(out.gradients), out.globalNorm]);
    });
    expect(() => clipByGlobalNorm(inputs, 0)).toThrow(/maxNorm must be positive/);
    tf.dispose(Object.values(inputs));
  });
});
