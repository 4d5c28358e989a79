import { bernoulliMask } from '@bayesrnn/core';
import type { RngKey } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import { checkRate, formatShape } from './validate.js';

/**
 * An inverted-dropout mask: each entry is `1 / (1 − rate)` with probability `1 − rate` and `0`
 * otherwise, so `E[x ⊙ mask] = x` and evaluation needs no rescaling (Gal & Ghahramani 2016,
 * §3.1 "Scaling"; Srivastava et al. 2014).
 *
 * @param key - same key, same mask (on every backend).
 * @param shape - any shape, e.g. `[batchSize, hiddenSize]` or `[4, batchSize, hiddenSize]`.
 * @param rate - drop probability `p` in `[0, 1)`; `0` gives all ones.
 * @returns a float32 tensor of `shape`, owned by the caller.
 */
export function dropoutMask(key: RngKey, shape: readonly number[], rate: number): tf.Tensor {
  checkRate(rate, 'dropoutMask: rate');
  if (rate === 0) return tf.ones([...shape]);
  const keep = 1 - rate;
  return tf.tidy(() => tf.mul(bernoulliMask(key, shape, keep), 1 / keep));
}

/**
 * Naive (Zaremba et al. 2014) dropout: a fresh mask for every element of `x`, so for a window
 * `[batchSize, steps, size]` every time step gets its own mask. The model applies it to whole
 * non-recurrent window tensors (embeddings, layer outputs), never inside the recurrence.
 *
 * @param x - any shape, e.g. `[batchSize, steps, size]`.
 * @param rate - drop probability in `[0, 1)`; `0` returns a copy of `x`.
 * @returns `x ⊙ mask` (same shape as `x`), a new tensor owned by the caller.
 */
export function naiveDropout<T extends tf.Tensor>(key: RngKey, x: T, rate: number): T {
  checkRate(rate, 'naiveDropout: rate');
  if (rate === 0) return x.clone();
  return tf.tidy(() => tf.mul(x, dropoutMask(key, x.shape, rate)) as T);
}

/**
 * Variational (Gal & Ghahramani 2016) dropout on a window: one mask per sequence, the same at
 * every time step: `x̃_{b,t} = x_{b,t} ⊙ z_b`. Used for output dropout (`z_o` on the top layer)
 * and any non-recurrent input the model drops outside a cell.
 *
 * @param x - `[batchSize, steps, size]`.
 * @param rate - drop probability in `[0, 1)`; `0` returns a copy of `x`.
 * @returns `[batchSize, steps, size]`, a new tensor owned by the caller.
 */
export function variationalDropout(key: RngKey, x: tf.Tensor3D, rate: number): tf.Tensor3D {
  checkRate(rate, 'variationalDropout: rate');
  if (x.rank !== 3) {
    throw new Error(
      `variationalDropout: x must be [batchSize, steps, size], got ${formatShape(x.shape)}`,
    );
  }
  if (rate === 0) return x.clone();
  const [batchSize, , size] = x.shape;
  // A [batchSize, 1, size] mask broadcasts over the steps axis: fixed within the window.
  return tf.tidy(() => tf.mul(x, dropoutMask(key, [batchSize, 1, size], rate)));
}
