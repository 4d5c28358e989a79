import * as tf from '@tensorflow/tfjs-core';

/**
 * Step-axis helpers shared by the recurrences that write out their backward pass
 * (`lstmRecurrence`, `gruRecurrence`, `vanillaRnnRecurrence`).
 */

/**
 * `[..., B, T, size]` → `[..., B · T, size]`: the batch and step axes merged into one, so that a
 * recurrent kernel's gradient over the whole window is one matmul, `H̃ᵀ · dA`, with an inner
 * size of B · T (per gate when there is a leading gate axis).
 */
export function mergeBatchAndSteps(x: tf.Tensor): tf.Tensor {
  return tf.reshape(x, [...x.shape.slice(0, -3), -1, x.shape.at(-1) ?? 0]);
}

/** Step `step` of `[B, T, H]` as `[B, H]`. */
export function stepAt(stacked: tf.Tensor3D, step: number): tf.Tensor2D {
  const [batchSize = 0, , size = 0] = stacked.shape;
  return tf.reshape(tf.slice(stacked, [0, step, 0], [batchSize, 1, size]), [
    batchSize,
    size,
  ]) as tf.Tensor2D;
}
