import type { RngKey } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import { keyToSeed } from './rng-key.js';

/**
 * Standard-normal (or `N(mean, stddev²)`) samples from a key. Same key → same tensor.
 *
 * @param shape - any shape, e.g. `[inputSize, hiddenSize]`.
 */
export function randomNormal(
  key: RngKey,
  shape: readonly number[],
  options: { readonly mean?: number; readonly stddev?: number } = {},
): tf.Tensor {
  return tf.randomNormal(
    [...shape],
    options.mean ?? 0,
    options.stddev ?? 1,
    'float32',
    keyToSeed(key),
  );
}

/** Uniform samples in `[min, max)` from a key. */
export function randomUniform(key: RngKey, shape: readonly number[], min = 0, max = 1): tf.Tensor {
  if (!(max > min)) {
    throw new RangeError(`randomUniform: need min < max, got [${min}, ${max})`);
  }
  return tf.randomUniform([...shape], min, max, 'float32', keyToSeed(key));
}

/**
 * A 0/1 float mask with `P(1) = keepProbability` (dropout keeps with that probability).
 * The inverted-dropout scale `1 / keepProbability` is the caller's choice, not applied here.
 */
export function bernoulliMask(
  key: RngKey,
  shape: readonly number[],
  keepProbability: number,
): tf.Tensor {
  if (!(keepProbability >= 0 && keepProbability <= 1)) {
    throw new RangeError(
      `bernoulliMask: keepProbability must be in [0, 1], got ${keepProbability}`,
    );
  }
  return tf.tidy(() => {
    const uniform = tf.randomUniform([...shape], 0, 1, 'float32', keyToSeed(key));
    return tf.cast(tf.less(uniform, keepProbability), 'float32');
  });
}
