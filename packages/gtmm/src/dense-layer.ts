import { glorotUniform, zeros } from '@bayesrnn/core';
import type { WeightSpecs, Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';

/** What a layer applies after its affine map. */
export type DenseActivation = 'linear' | 'tanh' | 'relu';

/** The specs of one affine layer `x · kernel + bias`: `<prefix>/kernel`, `<prefix>/bias`. */
export function denseSpecs(prefix: string, inputSize: number, outputSize: number): WeightSpecs {
  return {
    [`${prefix}/kernel`]: { shape: [inputSize, outputSize], init: glorotUniform() },
    [`${prefix}/bias`]: { shape: [outputSize], init: zeros() },
  };
}

/**
 * `activation(x · W + b)` with the weights `<prefix>/kernel` `[inputSize, outputSize]` and
 * `<prefix>/bias` `[outputSize]`.
 *
 * @param input - `[rows, inputSize]`.
 * @throws Error naming the weight when it is missing.
 */
export function dense(
  weights: Weights,
  prefix: string,
  input: tf.Tensor2D,
  activation: DenseActivation = 'linear',
): tf.Tensor2D {
  const kernel = weights[`${prefix}/kernel`];
  const bias = weights[`${prefix}/bias`];
  if (kernel === undefined || bias === undefined) {
    throw new Error(`GTMM: missing weight '${prefix}/${kernel === undefined ? 'kernel' : 'bias'}'`);
  }
  return tf.tidy(() => {
    const affine = tf.add(tf.matMul(input, kernel as tf.Tensor2D), bias) as tf.Tensor2D;
    if (activation === 'tanh') return tf.tanh(affine);
    if (activation === 'relu') return tf.relu(affine);
    return affine;
  });
}
