import * as tf from '@tensorflow/tfjs-core';

/**
 * The DNC's retention vector ψ_t[j] = Π_i (1 − f_t^i w_{t−1}^{r,i}[j]) (Graves et al. 2016,
 * Methods, "Dynamic memory allocation"; papers.md §4.4): how much of each slot survives the
 * read heads' free gates. A head with free gate 1 that read slot j fully (w^{r,i}[j] = 1) frees
 * it (ψ[j] = 0); free gates of 0 keep everything (ψ = 1).
 *
 * `tf.prod`'s gradient is built from exclusive cumulative products, so a factor of exactly 0
 * (a saturated free gate on a one-hot read) still gives finite gradients (a log-sum would not).
 *
 * @param freeGates - f_t, `[batchSize, numReads]`, in [0, 1].
 * @param readWeights - the previous read weightings w_{t−1}^r, `[batchSize, numReads, memorySize]`.
 * @returns ψ_t, `[batchSize, memorySize]`, in [0, 1].
 */
export function retentionVector(freeGates: tf.Tensor2D, readWeights: tf.Tensor3D): tf.Tensor2D {
  return tf.tidy(() => {
    const freed = tf.mul(tf.expandDims(freeGates, 2), readWeights);
    return tf.prod(tf.sub(1, freed), 1) as tf.Tensor2D;
  });
}

/**
 * The DNC's usage update u_t = (u_{t−1} + w_{t−1}^w − u_{t−1} ⊙ w_{t−1}^w) ⊙ ψ_t (Graves et al.
 * 2016, Methods): the previous write raises usage toward 1 (a probabilistic "or" of being used
 * and being written), then the retention vector ψ_t frees what the read heads released.
 *
 * The gradient flows into the previous write weights as the paper's equation says; DeepMind's
 * implementation stops it there (`tf.stop_gradient(write_weights)` in `Freeness`), which a
 * caller can reproduce by passing `stopGradient(writeWeights)`.
 *
 * @param usage - u_{t−1}, `[batchSize, memorySize]`, in [0, 1].
 * @param writeWeights - w_{t−1}^w, `[batchSize, memorySize]`, in [0, 1].
 * @param retention - ψ_t from `retentionVector`, `[batchSize, memorySize]`.
 * @returns u_t, `[batchSize, memorySize]`, in [0, 1].
 */
export function updateUsage(
  usage: tf.Tensor2D,
  writeWeights: tf.Tensor2D,
  retention: tf.Tensor2D,
): tf.Tensor2D {
  return tf.tidy(() => {
    const written = tf.sub(tf.add(usage, writeWeights), tf.mul(usage, writeWeights));
    return tf.mul(written, retention) as tf.Tensor2D;
  });
}
