import { detach } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';

/** ε of the normalisation ã ← ã / (Σ ã + ε), the official code's `eps = 10e-8`. */
export const ATTENTION_EPSILON = 1e-7;

/**
 * How far below the lowest score the threshold sits when there are at most `topK` memories
 * (see `sparseAttentionWeights`): the lowest-scoring memory keeps weight 1 before normalising.
 */
export const SMALL_MACROSTATE_MARGIN = 1;

/**
 * Sparse, normalised attention weights ã from raw scores a (Ke et al. 2018, Fig. 1: only the
 * k_top largest raw weights are kept and normalised, the rest set to zero), per row:
 *
 * ```
 * δ = the (k_top + 1)-th largest a_i                  when numMemories > k_top
 * δ = min_i a_i − 1                                   when numMemories ≤ k_top
 * ã_i = relu(a_i − δ);   ã_i ← ã_i / (Σ_j ã_j + 1e−7)
 * ```
 *
 * - **Exactly k_top memories** get non-zero weight, as the paper says. The official code
 *   subtracts the k_top-th largest score plus ε, which leaves only k_top − 1 (papers.md §5.7,
 *   pitfall 1).
 * - **numMemories ≤ k_top**: every memory is kept with a positive weight (before normalising,
 *   1 for the lowest score and 1 plus its lead over the lowest for each other), so the summary
 *   is always a convex combination of memories, at every step. The official code returns the
 *   raw scores there instead (pitfall 2): weights of either sign, about 0.01 in size at
 *   initialisation, that do not sum to 1, so the summary's scale jumps when the macrostate
 *   outgrows k_top. The margin 1 is a choice: near-uniform weights while the scores are close
 *   (the read-out starts at N(0, 0.01²)), and the differences count once they are of order 1.
 * - **Gradient.** *Which* score is the threshold is chosen on a detached copy (`tf.topk` has
 *   no gradient in tfjs; a choice has none anyway), but δ's *value* is that score, gathered
 *   from the live scores, so gradient flows through δ as through the official code's
 *   differentiable `torch.topk(...)[0]`. This is the derivative of the function computed
 *   (away from ties). A detached δ would not be: ã is invariant to adding the same constant
 *   to every score, and the tanh(ĥ)·w_ĥ term of `linearAttentionScores` is such a constant, so
 *   the forward pass never depends on it while a detached δ would give it a gradient.
 * - **Ties** at the threshold get weight 0: memories tied with the (k_top + 1)-th score are
 *   dropped with it, so fewer than k_top (all equal: none, ã = 0, s = 0) may remain. No NaN.
 *
 * @param scores - a `[batchSize, numMemories]` (`attentionScores`, either scoring).
 * @param topK - k_top, a positive integer.
 * @returns ã `[batchSize, numMemories]`, rows summing to 1 (up to ε) or all zero. Inputs are
 *   kept; the caller owns the result.
 */
export function sparseAttentionWeights(scores: tf.Tensor2D, topK: number): tf.Tensor2D {
  return tf.tidy(() => {
    const numMemories = scores.shape[1];
    const frozen = detach(scores);
    const sparse = numMemories > topK;
    // The threshold's column, chosen without gradient: the (k_top + 1)-th largest, or the min.
    const column = sparse
      ? tf.reshape(tf.slice(tf.topk(frozen, topK + 1).indices, [0, topK], [-1, 1]), [-1])
      : tf.argMin(frozen, 1);
    // One-hot of that column (`tf.oneHot` refuses a depth of 1, the first steps' macrostate).
    const columns = tf.range(0, numMemories, 1, 'int32');
    const pick = tf.cast(tf.equal(tf.expandDims(column, 1), columns), 'float32');
    // δ: the live score at that column (gradient flows through its value), minus the margin.
    const picked = tf.sum(tf.mul(scores, pick), 1, true);
    const threshold = sparse ? picked : tf.sub(picked, SMALL_MACROSTATE_MARGIN);
    // ã = relu(a − δ) / (Σ relu(a − δ) + ε).
    const kept = tf.relu(tf.sub(scores, threshold));
    return tf.div(kept, tf.add(tf.sum(kept, 1, true), ATTENTION_EPSILON)) as tf.Tensor2D;
  });
}

/**
 * The summary of the attended memories, s = Σ_i ã_i m_i (papers.md §5.1, step 4), as one
 * batched product `[batchSize, 1, numMemories] × [batchSize, numMemories, hiddenSize]`.
 *
 * @param weights - ã `[batchSize, numMemories]`.
 * @param memories - M `[batchSize, numMemories, hiddenSize]`.
 * @returns s `[batchSize, hiddenSize]`. Inputs are kept; the caller owns the result.
 */
export function attentionSummary(weights: tf.Tensor2D, memories: tf.Tensor3D): tf.Tensor2D {
  return tf.tidy(() => {
    const [batchSize, numMemories, hiddenSize] = memories.shape;
    const rows = tf.reshape(weights, [batchSize, 1, numMemories]) as tf.Tensor3D;
    return tf.reshape(tf.matMul(rows, memories), [batchSize, hiddenSize]) as tf.Tensor2D;
  });
}
