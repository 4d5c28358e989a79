import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { checkGradients, expectGradientsMatch } from './gradient-check.js';
import { expectNoLeaks } from './leak-check.js';

const inputs = () => ({
  x: tf.tensor2d([
    [0.3, -0.7, 1.1],
    [0.5, 0.2, -0.4],
  ]),
  w: tf.tensor2d([
    [0.2, -0.1],
    [0.4, 0.3],
    [-0.6, 0.8],
  ]),
});

const loss = ({ x, w }: Readonly<Record<string, tf.Tensor>>) =>
  tf.sum(tf.tanh(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D))) as tf.Scalar;

/** tanh with a deliberately wrong gradient: 2 × the true one. */
const wrongTanh = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
  const y = tf.tanh(args[0] as tf.Tensor);
  (args[1] as tf.GradSaveFunc)([y]);
  return {
    value: y,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
      tf.mul(dy, tf.mul(2, tf.sub(1, tf.square(saved[0] as tf.Tensor)))),
  };
});

describe('checkGradients', () => {
  it('accepts the true gradient of tanh(x·w)', () => {
    const named = inputs();
    const report = expectGradientsMatch(loss, named);
    expect(report.ok).toBe(true);
    expect(report.checked).toBe(12);
    tf.dispose(Object.values(named));
  });

  it('catches a deliberately wrong gradient and names the input', () => {
    const named = inputs();
    const wrongLoss = ({ x, w }: Readonly<Record<string, tf.Tensor>>) =>
      tf.sum(wrongTanh(tf.matMul(x as tf.Tensor2D, w as tf.Tensor2D))) as tf.Scalar;
    const report = checkGradients(wrongLoss, named);
    expect(report.ok).toBe(false);
    expect(report.worst?.analytic).toBeCloseTo(2 * (report.worst?.numeric ?? 0), 2);
    expect(() => expectGradientsMatch(wrongLoss, named)).toThrow(
      /gradient check failed for '(x|w)'\[\d+\]/,
    );
    tf.dispose(Object.values(named));
  });

  it('catches a gradient that is off only in one element', () => {
    const named = inputs();
    // Identity whose gradient is wrong by 0.5 in element 1 only.
    const skewed = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
      value: (args[0] as tf.Tensor).clone(),
      gradFunc: (dy: tf.Tensor) => tf.add(dy, tf.tensor1d([0, 0.5, 0])),
    }));
    const offByOne = ({ x, w }: Readonly<Record<string, tf.Tensor>>) => {
      const rowSums = tf.reshape(skewed(tf.sum(w as tf.Tensor, 1)), [3, 1]) as tf.Tensor2D;
      return tf.sum(tf.matMul(x as tf.Tensor2D, rowSums)) as tf.Scalar;
    };
    const report = checkGradients(offByOne, named, { exclude: ['x'] });
    expect(report.ok).toBe(false);
    expect(report.worst?.input).toBe('w');
    tf.dispose(Object.values(named));
  });

  it('leaks no tensors', async () => {
    const named = inputs();
    await expectNoLeaks(() => {
      checkGradients(loss, named);
    });
    tf.dispose(Object.values(named));
  });
});
