import { expectNoLeaks } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { detach } from './detach.js';

describe('detach', () => {
  it('keeps the values and disconnects the tape', () => {
    const x = tf.variable(tf.tensor1d([1, 2, 3]));
    const { grads } = tf.variableGrads(() => {
      const inner = detach(tf.mul(x, 2));
      // d/dx of sum(x * detach(2x)) is detach(2x) only: the detached factor is a constant.
      return tf.sum(tf.mul(x, inner)) as tf.Scalar;
    }, [x]);
    expect(Array.from(grads[x.name]?.dataSync() ?? [])).toEqual([2, 4, 6]);
    tf.dispose([x, ...Object.values(grads)]);
  });

  it('a gradient taken inside another one stays constant for the outer one', () => {
    const x = tf.variable(tf.scalar(3));
    const { grads } = tf.variableGrads(() => {
      // g = d(y²)/dy at y = detach(x) = 2y = 6, a constant for the outer gradient.
      const y = detach(x as tf.Tensor as tf.Scalar);
      const g = tf.grad((v: tf.Tensor) => tf.square(v))(y);
      return tf.mul(x, g) as tf.Scalar;
    }, [x]);
    expect(grads[x.name]?.dataSync()[0]).toBe(6);
    tf.dispose([x, ...Object.values(grads)]);
  });

  it('makes a tensor of its own without leaking', async () => {
    const x = tf.tensor1d([1, 2]);
    await expectNoLeaks(() => {
      const y = detach(x);
      expect(Array.from(y.dataSync())).toEqual([1, 2]);
      y.dispose();
    });
    expect(x.isDisposed).toBe(false);
    expect(Array.from(x.dataSync())).toEqual([1, 2]);
    x.dispose();
  });
});
