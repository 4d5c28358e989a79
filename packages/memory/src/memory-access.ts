import * as tf from '@tensorflow/tfjs-core';

/**
 * What each head reads: r[h] = Σ_i w[h, i] M[i] (Graves et al. 2014, eq. 2).
 *
 * @param weights - `[batchSize, numHeads, memorySize]`.
 * @param memory - `[batchSize, memorySize, wordSize]`.
 * @returns `[batchSize, numHeads, wordSize]`.
 */
export function readWords(weights: tf.Tensor3D, memory: tf.Tensor3D): tf.Tensor3D {
  return tf.matMul(weights, memory);
}

/**
 * The heads' words side by side, the `readVector` of the `Memory` contract.
 *
 * @param words - `[batchSize, numHeads, wordSize]`.
 * @returns `[batchSize, numHeads · wordSize]`.
 */
export function concatenateHeads(words: tf.Tensor3D): tf.Tensor2D {
  const [batchSize, numHeads, wordSize] = words.shape;
  return tf.reshape(words, [batchSize, numHeads * wordSize]);
}

/**
 * One write head's erase-then-add update, M'[i] = M[i] ⊙ (1 − w[i] e) + w[i] a (Graves et al.
 * 2014, eq. 3–4; the DNC's M ⊙ (E − w eᵀ) + w vᵀ).
 *
 * @param memory - `[batchSize, memorySize, wordSize]`.
 * @param writeWeights - `[batchSize, memorySize]`.
 * @param erase - `[batchSize, wordSize]`, in [0, 1].
 * @param add - `[batchSize, wordSize]`.
 * @returns the new memory, `[batchSize, memorySize, wordSize]`.
 */
export function eraseAndAdd(
  memory: tf.Tensor3D,
  writeWeights: tf.Tensor2D,
  erase: tf.Tensor2D,
  add: tf.Tensor2D,
): tf.Tensor3D {
  return tf.tidy(() => {
    const weights = tf.expandDims(writeWeights, 2);
    const kept = tf.mul(memory, tf.sub(1, tf.mul(weights, tf.expandDims(erase, 1))));
    return tf.add(kept, tf.mul(weights, tf.expandDims(add, 1)));
  });
}
