import * as tf from '@tensorflow/tfjs-core';

/**
 * The DNC's precedence weighting p_t = (1 − Σ_i w_t^w[i]) p_{t−1} + w_t^w (Graves et al. 2016,
 * Methods, "Temporal memory linkage"; p_0 = 0): where the last write went. A full write
 * (Σ w = 1) replaces it; no write keeps it.
 *
 * @param precedence - p_{t−1}, `[batchSize, memorySize]`, summing to at most 1.
 * @param writeWeights - w_t^w, `[batchSize, memorySize]`, summing to at most 1.
 * @returns p_t, `[batchSize, memorySize]`, summing to at most 1.
 */
export function updatePrecedence(precedence: tf.Tensor2D, writeWeights: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const kept = tf.sub(1, tf.sum(writeWeights, 1, true));
    return tf.add(tf.mul(kept, precedence), writeWeights) as tf.Tensor2D;
  });
}

/**
 * The DNC's temporal link matrix (Graves et al. 2016, Methods, "Temporal memory linkage"):
 *
 * ```
 * L_t[i, j] = (1 − w_t^w[i] − w_t^w[j]) L_{t−1}[i, j] + w_t^w[i] p_{t−1}[j],   L_t[i, i] = 0
 * ```
 *
 * L_t[i, j] is how much slot i was written right after slot j. It takes the *previous*
 * precedence p_{t−1}: update the link before the precedence. Rows and columns keep summing to
 * at most 1, entries stay in [0, 1], and the diagonal is zeroed (no self-links), as in the
 * paper and DeepMind's `matrix_set_diag`.
 *
 * @param link - L_{t−1}, `[batchSize, memorySize, memorySize]`.
 * @param precedence - p_{t−1}, `[batchSize, memorySize]`.
 * @param writeWeights - w_t^w, `[batchSize, memorySize]`.
 * @returns L_t, `[batchSize, memorySize, memorySize]`.
 */
export function updateLinkMatrix(
  link: tf.Tensor3D,
  precedence: tf.Tensor2D,
  writeWeights: tf.Tensor2D,
): tf.Tensor3D {
  return tf.tidy(() => {
    const memorySize = writeWeights.shape[1];
    const written = tf.expandDims(writeWeights, 2); // w[i], down the rows
    const writtenAfter = tf.expandDims(writeWeights, 1); // w[j], along the columns
    const kept = tf.mul(tf.sub(tf.sub(1, written), writtenAfter), link);
    const added = tf.mul(written, tf.expandDims(precedence, 1));
    const offDiagonal = tf.sub(1, tf.eye(memorySize));
    return tf.mul(tf.add(kept, added), offDiagonal) as tf.Tensor3D;
  });
}

/** The forward and backward weightings of every read head. */
export interface DirectionalWeightings {
  /** f_t^i = L_t w_{t−1}^{r,i}: the slots written right after the ones read, `[batchSize, numReads, memorySize]`. */
  readonly forward: tf.Tensor3D;
  /** b_t^i = L_tᵀ w_{t−1}^{r,i}: the slots written right before, `[batchSize, numReads, memorySize]`. */
  readonly backward: tf.Tensor3D;
}

/**
 * The DNC's forward and backward weightings f_t^i = L_t w_{t−1}^{r,i} and
 * b_t^i = L_tᵀ w_{t−1}^{r,i} (Graves et al. 2016, Methods, "Temporal memory linkage"): a read
 * head steps through memory in the order it was written (forward) or against it (backward).
 * With the heads as rows, f = w Lᵀ and b = w L. The caller owns both results.
 *
 * @param link - L_t, `[batchSize, memorySize, memorySize]`.
 * @param readWeights - w_{t−1}^r, `[batchSize, numReads, memorySize]`.
 */
export function directionalWeightings(
  link: tf.Tensor3D,
  readWeights: tf.Tensor3D,
): DirectionalWeightings {
  return tf.tidy(() => ({
    forward: tf.matMul(readWeights, link, false, true) as tf.Tensor3D,
    backward: tf.matMul(readWeights, link) as tf.Tensor3D,
  }));
}
