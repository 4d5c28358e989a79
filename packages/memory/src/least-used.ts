import * as tf from '@tensorflow/tfjs-core';

/**
 * The least-used weightings of the least-recently-used memory (Santoro et al. 2016, MANN,
 * "Least Recently Used Access"; papers.md §4.4 "LRU"): head `h`'s weighting is one-hot on the
 * slot with the `h`-th smallest usage (`h = 0`: the least used), so `numHeads` heads get
 * `numHeads` distinct slots.
 *
 * Reading of the paper: MANN's w^lu(i) = 1 if w^u(i) ≤ m(w^u, n), with n the number of reads,
 * marks the n least-used slots in one vector; here it is split into one one-hot per head, and
 * their sum is MANN's w^lu. Ties go to the lower slot index (MANN leaves them open; its `≤`
 * would mark more than n slots), so the choice is exact and deterministic: `tf.topk` on
 * −usage, which tfjs documents as "if two elements are equal, the lower-index element appears
 * first" and which the tests check on the cpu and wasm backends. Negation is exact, so ties
 * stay ties.
 *
 * Not differentiable: only the indices are used and they are treated as constants (a
 * `customGrad` whose gradient is zero, so `tf.grads` through a model using it neither fails on
 * `TopK`, which has no gradient, nor sends anything into `usage`).
 *
 * @param usage - w^u of the previous step, `[batchSize, memorySize]`.
 * @param numHeads - how many least-used slots to choose, in [1, memorySize].
 * @returns `[batchSize, numHeads, memorySize]` float32 one-hots; the caller owns it.
 * @throws RangeError when `numHeads` is not an integer in [1, memorySize].
 */
export function leastUsedWeightings(usage: tf.Tensor2D, numHeads: number): tf.Tensor3D {
  const [batchSize, memorySize] = usage.shape;
  if (!Number.isInteger(numHeads) || numHeads < 1 || numHeads > memorySize) {
    throw new RangeError(
      `leastUsedWeightings: numHeads must be an integer in [1, memorySize = ${memorySize}], got ${String(numHeads)}`,
    );
  }
  const choose = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const input = args[0] as tf.Tensor2D;
    // The forward of a customGrad is not taped, so TopK and OneHot never meet backprop.
    const { indices } = tf.topk(tf.neg(input), numHeads, true);
    return {
      value: tf.cast(tf.oneHot(indices, memorySize), 'float32'),
      // The choice is a constant: no gradient to usage. Built from the shape alone, so it
      // does not matter whether `usage` is still alive when backprop runs.
      gradFunc: () => tf.zeros([batchSize, memorySize]),
    };
  });
  return choose(usage) as tf.Tensor3D;
}
