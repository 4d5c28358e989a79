import type { GradFunc, NamedAttrMap } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/** Which operand of {@link matMulBias} is read transposed. */
export interface MatMulBiasOptions {
  readonly transposeA?: boolean;
  readonly transposeB?: boolean;
}

/**
 * `op(a) · op(b) + bias`, `[rows, columns]`: the backend's `_FusedMatMul` kernel (on wasm,
 * `@bayesrnn/core`'s gemm adds the bias as it stores the product), the bits of
 * `tf.fused.matMul({a, b, bias})`, but **differentiated per operand**.
 *
 * `tf.fused.matMul` is a `customGrad`, whose gradient function returns the gradients of a, b
 * and the bias together: the tape pays for all three products even when the loss needs one.
 * Here the kernel runs on the tape under a gradient registered for `_FusedMatMul` that returns
 * one lazy function per input, and the tape calls only those on a path to the variables asked
 * for. So the first pass of sharpening only the LSTM weights computes no gradient of the
 * softmax kernel (a `[200, 10,000]` product on PTB-small), and a first layer that reads data
 * computes no gradient of its input. tfjs registers no gradient for `_FusedMatMul` (its fused
 * ops hide the kernel inside their `customGrad`), so the registration changes nothing else.
 *
 * @param a `[rows, inner]`, or `[inner, rows]` with `transposeA`.
 * @param b `[inner, columns]`, or `[columns, inner]` with `transposeB`.
 * @param bias `[columns]`, added to every row.
 */
export function matMulBias(
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  bias: tf.Tensor1D,
  options: MatMulBiasOptions = {},
): tf.Tensor2D {
  registerMatMulBiasGradient();
  const transposeA = options.transposeA ?? false;
  const transposeB = options.transposeB ?? false;
  const rows = transposeA ? a.shape[1] : a.shape[0];
  const inner = transposeA ? a.shape[0] : a.shape[1];
  const innerB = transposeB ? b.shape[1] : b.shape[0];
  const columns = transposeB ? b.shape[0] : b.shape[1];
  if (a.rank !== 2 || b.rank !== 2 || inner !== innerB || bias.rank !== 1) {
    throw new Error(
      `matMulBias: needs a 2-D a and b with matching inner sizes and a 1-D bias, got a ` +
        `[${a.shape}]${transposeA ? 'ᵀ' : ''}, b [${b.shape}]${transposeB ? 'ᵀ' : ''}, bias [${bias.shape}]`,
    );
  }
  if (bias.shape[0] !== columns) {
    throw new Error(`matMulBias: bias has ${bias.shape[0]} values, the product ${columns} columns`);
  }
  return tf.tidy(() => {
    // The kernel takes batches of matrices, as tfjs's fused op hands it: a batch of one.
    const a3 = tf.expandDims(a, 0);
    const b3 = tf.expandDims(b, 0);
    // No activation; leakyreluAlpha is the op's own default, unused by 'linear'.
    const attrs = { transposeA, transposeB, activation: 'linear', leakyreluAlpha: 0.2 };
    const product = tf
      .engine()
      .runKernel(tf._FusedMatMul, { a: a3, b: b3, bias }, attrs as unknown as NamedAttrMap);
    return tf.reshape(product as tf.Tensor, [rows, columns]) as tf.Tensor2D;
  });
}

/**
 * `d(op(a)·op(b) + bias)` per input, each a thunk the tape calls only if it needs that input's
 * gradient. The products are `tf.fused.matMul`'s gradient's, in the same order of operands,
 * so the bits are the same.
 */
const matMulBiasGradient: GradFunc = (dy, saved, attrs) => {
  const [a, b, bias] = saved as [tf.Tensor3D, tf.Tensor3D, tf.Tensor1D];
  const { transposeA, transposeB, activation } = attrs as unknown as {
    transposeA: boolean;
    transposeB: boolean;
    activation: string;
  };
  if (activation !== 'linear') {
    throw new Error(
      `bayesrnn: the _FusedMatMul gradient is matMulBias's: activation '${activation}'`,
    );
  }
  const g = dy as tf.Tensor3D;
  return {
    a: () => {
      if (!transposeA) return tf.matMul(g, b, false, !transposeB);
      return transposeB ? tf.matMul(b, g, true, true) : tf.matMul(b, g, false, true);
    },
    b: () => {
      if (!transposeB) return tf.matMul(a, g, !transposeA, false);
      return transposeA ? tf.matMul(g, a, true, true) : tf.matMul(g, a, true, false);
    },
    bias: () => tf.reshape(tf.sum(g, [0, 1]), bias.shape),
  };
};

/** Registers {@link matMulBias}'s gradient for `_FusedMatMul`; idempotent. */
export function registerMatMulBiasGradient(): void {
  if (tf.getGradient(tf._FusedMatMul)?.gradFunc === matMulBiasGradient) return;
  tf.registerGradient({
    kernelName: tf._FusedMatMul,
    inputsToSave: ['a', 'b', 'bias'],
    gradFunc: matMulBiasGradient,
  });
}
