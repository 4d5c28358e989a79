import * as tf from '@tensorflow/tfjs-core';

/**
 * Per-row `−log softmax(logits)[target]` with a hand-written gradient, for `[rows, vocabSize]`
 * logits and `[rows]` int32 targets (already checked by the caller):
 *
 * ```
 * m = max_j x_j,   e = exp(x − m),   s = Σ_j e_j
 * nll = log s − (x_target − m)                                (forward)
 * ∂nll/∂x = e / s − onehot(target)                            (backward, times the upstream dy)
 * ```
 *
 * Why not `logSoftmax` and a gather: their gradient computes `exp` of the whole `[rows,
 * vocabSize]` block a second time and scatters the gathered gradient into a zero block, and the
 * forward writes the full log-softmax. Here the forward's `e` is kept for the backward pass, so
 * the exponential runs once: the softmax layer is most of an LM step's non-matmul time (vocabulary
 * 10k × 400 tokens per step). The gradient w.r.t. `targets` is not defined (integer ids).
 */
export function sparseSoftmaxCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Tensor1D {
  const [rows = 0, vocabSize = 0] = logits.shape;
  // customGrad passes its inputs, then a save function, as rest arguments.
  const crossEntropy = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor;
    const save = args[1] as tf.GradSaveFunc;
    const maxima = tf.max(x, 1, true);
    const exponentials = tf.exp(tf.sub(x, maxima));
    const sums = tf.sum(exponentials, 1, true);
    // The target logits, from the flat [rows · vocabSize] view at row · vocabSize + target.
    const index = tf.add(
      tf.mul(tf.range(0, rows, 1, 'int32'), tf.scalar(vocabSize, 'int32')),
      targets,
    );
    const picked = tf.gather(tf.reshape(x, [-1]), index);
    // log s − (x_target − m): the shift first, as log-softmax does, so logits of 1e4 keep
    // their small differences (log s + m − x_target would round at the scale of m).
    const shiftedTarget = tf.sub(picked, tf.reshape(maxima, [rows]));
    const value = tf.sub(tf.reshape(tf.log(sums), [rows]), shiftedTarget);
    // The targets too: the caller may dispose its handle before the backward pass runs.
    save([exponentials, sums, tf.clone(targets)]);
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [e, s, ids] = saved as [tf.Tensor, tf.Tensor, tf.Tensor1D];
        const upstream = tf.reshape(dy, [rows, 1]);
        const softmaxPart = tf.mul(e, tf.div(upstream, s));
        const targetPart = tf.mul(tf.oneHot(ids, vocabSize), upstream);
        return tf.sub(softmaxPart, targetPart);
      },
    };
  });
  return crossEntropy(logits) as tf.Tensor1D;
}
