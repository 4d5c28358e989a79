import * as tf from '@tensorflow/tfjs-core';
import {
  fusedSoftmaxCrossEntropy,
  fusedSoftmaxCrossEntropyGrad,
  type SoftmaxCrossEntropyParts,
} from './fused-softmax-cross-entropy.js';

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
 *
 * On the wasm backend the forward pass is one kernel and the backward one more
 * (`fusedSoftmaxCrossEntropy`): the same float32 operations, split over the helper threads.
 */
export function sparseSoftmaxCrossEntropy(logits: tf.Tensor2D, targets: tf.Tensor1D): tf.Tensor1D {
  const [rows = 0, vocabSize = 0] = logits.shape;
  // customGrad passes its inputs, then a save function, as rest arguments.
  const crossEntropy = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor2D;
    const save = args[1] as tf.GradSaveFunc;
    const fused = fusedSoftmaxCrossEntropy(x, targets);
    const { nll, exponentials, sums } = fused ?? composedForward(x, targets);
    // The targets too (as int32, which oneHot and the fused gradient read): the caller may
    // dispose its handle before the backward pass runs.
    save([
      exponentials,
      sums,
      targets.dtype === 'int32' ? tf.clone(targets) : tf.cast(targets, 'int32'),
    ]);
    return {
      value: nll,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [e, s, ids] = saved as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D];
        if (fused !== undefined) return fusedSoftmaxCrossEntropyGrad(e, s, ids, dy);
        const upstream = tf.reshape(dy, [rows, 1]);
        const softmaxPart = tf.mul(e, tf.div(upstream, tf.reshape(s, [rows, 1])));
        const targetPart = tf.mul(tf.oneHot(ids, vocabSize), upstream);
        return tf.sub(softmaxPart, targetPart);
      },
    };
  });
  return crossEntropy(logits) as tf.Tensor1D;
}

/** The forward pass in tfjs ops, any backend: the reference the fused kernel is tested against. */
function composedForward(x: tf.Tensor2D, targets: tf.Tensor1D): SoftmaxCrossEntropyParts {
  const [rows = 0, vocabSize = 0] = x.shape;
  const maxima = tf.max(x, 1, true);
  const exponentials = tf.exp(tf.sub(x, maxima)) as tf.Tensor2D;
  const sums = tf.sum(exponentials, 1);
  // The target logits, from the flat [rows · vocabSize] view at row · vocabSize + target.
  const index = tf.add(
    tf.mul(tf.range(0, rows, 1, 'int32'), tf.scalar(vocabSize, 'int32')),
    targets,
  );
  const picked = tf.gather(tf.reshape(x, [-1]), index);
  // log s − (x_target − m): the shift first, as log-softmax does, so logits of 1e4 keep
  // their small differences (log s + m − x_target would round at the scale of m).
  const shiftedTarget = tf.sub(picked, tf.reshape(maxima, [rows]));
  const nll = tf.sub(tf.log(sums), shiftedTarget) as tf.Tensor1D;
  return { nll, exponentials, sums: sums as tf.Tensor1D };
}
