import * as tf from '@tensorflow/tfjs-core';

/**
 * Added under the square root of every norm and to the cosine's denominator (DeepMind's DNC
 * uses 1e-6): an all-zero memory row or key then has norm 1e-3, so its cosine is 0, its
 * weighting uniform, and the gradient of the norm, x / ‖x‖, stays finite.
 */
export const COSINE_EPSILON = 1e-6;

/**
 * Cosine similarity K[k, M[i]] = k·M[i] / (‖k‖ ‖M[i]‖) of every key with every memory row.
 *
 * @param memory - `[batchSize, memorySize, wordSize]`.
 * @param keys - `[batchSize, numHeads, wordSize]`.
 * @returns `[batchSize, numHeads, memorySize]`, in [−1, 1].
 */
export function cosineSimilarity(memory: tf.Tensor3D, keys: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    const dot = tf.matMul(keys, memory, false, true);
    const keyNorm = tf.sqrt(tf.add(tf.sum(tf.square(keys), -1, true), COSINE_EPSILON));
    const rowNorm = tf.sqrt(tf.add(tf.sum(tf.square(memory), -1), COSINE_EPSILON));
    const norms = tf.mul(keyNorm, tf.expandDims(rowNorm, 1));
    return tf.div(dot, tf.add(norms, COSINE_EPSILON));
  });
}

/**
 * Content-based addressing C(M, k, β)[i] = softmax_i(β · K[k, M[i]]) (Graves et al. 2014,
 * eq. 5; Gemici et al. 2017, §4.4): each head attends to the rows most similar to its key,
 * sharper for a larger strength β.
 *
 * @param memory - `[batchSize, memorySize, wordSize]`.
 * @param keys - `[batchSize, numHeads, wordSize]`.
 * @param strengths - β, `[batchSize, numHeads]`, positive (a `oneplus` or `softplus` output).
 * @returns `[batchSize, numHeads, memorySize]`; each head's row sums to 1.
 */
export function contentWeighting(
  memory: tf.Tensor3D,
  keys: tf.Tensor3D,
  strengths: tf.Tensor2D,
): tf.Tensor3D {
  return tf.tidy(() => {
    const similarity = cosineSimilarity(memory, keys);
    return tf.softmax(tf.mul(similarity, tf.expandDims(strengths, -1))) as tf.Tensor3D;
  });
}
