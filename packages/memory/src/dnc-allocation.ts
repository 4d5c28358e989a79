import { detach } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Floor of the usage inside the allocation weighting, u' = ε + (1 − ε) u (DeepMind's DNC,
 * `addressing.py`, `_EPSILON = 1e-6`): every factor of the free list's products stays > 0,
 * so their logarithms (see `allocationWeighting`) and the gradients through them are finite.
 */
export const ALLOCATION_EPSILON = 1e-6;

/**
 * The free list φ_t (Graves et al. 2016, Methods) as a permutation matrix:
 * `P[b, j, i] = 1` when slot i is the j-th least used in sequence b, so `P u` sorts the usage
 * ascending and `Pᵀ x` puts a sorted vector back in slot order.
 *
 * The order comes from `tf.topk(−usage, memorySize)` on a copy of `usage` that no gradient tape
 * knows (`detach`): sorting is not differentiable with respect to the ordering, and DeepMind's
 * implementation likewise takes only the indices of `top_k`. The result is a constant; the
 * gradient reaches the usage values through the products `P u` instead. (tfjs registers no
 * gradient for `TopK`, so without `detach` a gradient through the usage would fail.)
 *
 * Ties are broken by the lowest slot index first: the cpu and wasm `TopK` kernels (and
 * TensorFlow's `TopKV2`) order equal values by index, so the order is deterministic.
 *
 * @param usage - `[batchSize, memorySize]`.
 * @returns `[batchSize, memorySize, memorySize]`, float32 zeros and ones.
 */
export function freeListPermutation(usage: tf.Tensor2D): tf.Tensor3D {
  return tf.tidy(() => {
    const memorySize = usage.shape[1];
    const { indices } = tf.topk(tf.neg(detach(usage)), memorySize);
    // One-hot by comparison rather than tf.oneHot, which refuses a depth of 1.
    const slots = tf.range(0, memorySize, 1, 'int32');
    return tf.cast(tf.equal(tf.expandDims(indices, 2), slots), 'float32') as tf.Tensor3D;
  });
}

/**
 * The DNC's allocation weighting (Graves et al. 2016, Methods, "Dynamic memory allocation";
 * papers.md §4.4), with u' = ε + (1 − ε) u_t and the free list φ_t of slots by ascending u':
 *
 * ```
 * a_t[φ_t[j]] = (1 − u'[φ_t[j]]) Π_{i<j} u'[φ_t[i]]
 * ```
 *
 * The least-used slot gets almost all of the weight when it is free; Σ a = 1 − Π u' ≤ 1.
 * The exclusive product is `exp(exclusive cumsum(log u'))`: tfjs 4.22's `cumprod` has no
 * gradient, `cumsum` has. Sorting and unsorting are products with the constant permutation
 * of `freeListPermutation` (`[batchSize, memorySize, memorySize]`, cheap at DNC sizes), so the
 * gradient flows through the usage values but not through their order.
 *
 * @param usage - u_t, `[batchSize, memorySize]`, in [0, 1].
 * @returns a_t, `[batchSize, memorySize]`, non-negative, summing to at most 1.
 */
export function allocationWeighting(usage: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const floored = tf.add(tf.mul(usage, 1 - ALLOCATION_EPSILON), ALLOCATION_EPSILON);
    const permutation = freeListPermutation(floored as tf.Tensor2D);
    // u'[φ_j], ascending along the last axis.
    const sorted = tf.squeeze(tf.matMul(permutation, tf.expandDims(floored, 2)), [2]);
    // Π_{i<j} u'[φ_i]; the empty product of the least-used slot is exp(0) = 1.
    const before = tf.exp(tf.cumsum(tf.log(sorted), 1, true));
    const sortedAllocation = tf.mul(tf.sub(1, sorted), before);
    // a[i] = Σ_j P[j, i] a_sorted[j].
    const allocation = tf.matMul(permutation, tf.expandDims(sortedAllocation, 2), true, false);
    return tf.squeeze(allocation, [2]) as tf.Tensor2D;
  });
}
