import { uniform, zeros } from '@bayesrnn/core';
import type { WeightSpecs, Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';

export type TinyName = 'hidden/kernel' | 'hidden/bias' | 'output/kernel';

/** A one-hidden-layer tanh regression net: small enough for finite differences. */
export const TINY_SPECS: WeightSpecs<TinyName> = {
  'hidden/kernel': { shape: [3, 4], init: uniform(0.5) },
  'hidden/bias': { shape: [4], init: zeros() },
  'output/kernel': { shape: [4, 2], init: uniform(0.5) },
};

const INPUTS = [
  [0.5, -1, 0.25],
  [1, 0.5, -0.5],
  [-0.75, 0.25, 1],
  [0.1, -0.2, 0.3],
  [-1, 1, -1],
];
const TARGETS = [
  [1, 0],
  [0, 1],
  [0.5, -0.5],
  [-1, 0.25],
  [0.2, 0.8],
];

/** Sum over the 5 examples of the squared error: a minibatch "data loss" of the weights. */
export function tinyLoss(weights: Weights<TinyName>): tf.Scalar {
  return tf.tidy(() => {
    const x = tf.tensor2d(INPUTS);
    const hidden = tf.tanh(
      tf.add(tf.matMul(x, weights['hidden/kernel'] as tf.Tensor2D), weights['hidden/bias']),
    );
    const output = tf.matMul(hidden as tf.Tensor2D, weights['output/kernel'] as tf.Tensor2D);
    return tf.sum(tf.square(tf.sub(output, tf.tensor2d(TARGETS)))) as tf.Scalar;
  });
}
