import { matMulBias } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';

/**
 * The input half of a recurrent window, shared by the LSTM's, GRU's and vanilla RNN's
 * `runWindow`: a window's inputs `[B, T, in]` as the rows of one matmul over all its steps
 * (`(X ⊙ z_x) · W_x + b` replaces T small products), tied or per gate.
 */

/** `[B · T, in]`: the window's inputs times a mask `[B, in]` fixed over the steps (or none). */
export function windowRows(inputs: tf.Tensor3D, mask: tf.Tensor | undefined): tf.Tensor2D {
  const [batchSize = 0, steps = 0, inputSize = 0] = inputs.shape;
  // z_x is [batchSize, inputSize], fixed for the window: broadcast over the steps.
  const masked = mask === undefined ? inputs : tf.mul(inputs, tf.expandDims(mask, 1));
  return tf.reshape(masked, [batchSize * steps, inputSize]) as tf.Tensor2D;
}

/**
 * `[gates, B · T, in]`: the window's inputs as each gate sees them, under a mask
 * `[gates, B, in]` (untied), one `[B, in]` shared by every gate, or none.
 */
export function gateWindowRows(
  inputs: tf.Tensor3D,
  mask: tf.Tensor | undefined,
  gates: number,
): tf.Tensor3D {
  const [batchSize = 0, steps = 0, inputSize = 0] = inputs.shape;
  let masked: tf.Tensor;
  if (mask?.rank === 3) {
    // [1, B, T, in] ⊙ [gates, B, 1, in]: each gate's z_x^g, fixed over the steps.
    masked = tf.mul(tf.expandDims(inputs, 0), tf.expandDims(mask, 2));
  } else {
    const shared = mask === undefined ? inputs : tf.mul(inputs, tf.expandDims(mask, 1));
    masked = tf.broadcastTo(shared, [gates, batchSize, steps, inputSize]);
  }
  return tf.reshape(masked, [gates, batchSize * steps, inputSize]);
}

/**
 * `rows · kernel + bias` as `[B, T, columns]` (rows `[B · T, in]` from {@link windowRows}). One
 * fused product: on wasm `@bayesrnn/core`'s gemm adds the bias as it stores the product (the
 * bits of a matMul then an add, without the add's pass over the `[B · T, columns]` output).
 * `matMulBias`, not `tf.fused.matMul`: a first layer that reads data (not a trained embedding)
 * then computes no gradient of its input.
 */
export function projectRows(
  rows: tf.Tensor2D,
  kernel: tf.Tensor,
  bias: tf.Tensor,
  [batchSize, steps]: readonly number[],
): tf.Tensor3D {
  const columns = kernel.shape.at(-1) ?? 0;
  const projected = matMulBias(rows, kernel as tf.Tensor2D, bias as tf.Tensor1D);
  return tf.reshape(projected, [batchSize ?? 0, steps ?? 0, columns]) as tf.Tensor3D;
}

/**
 * A kernel `[in + H, columns]` over `[x; h]` split into its `x` rows `W_x` and `h` rows `W_h`.
 * One split, not two slices: its gradient is one concat, where two slices' are two
 * kernel-sized pads and their sum.
 */
export function splitInputRows(
  kernel: tf.Tensor,
  inputSize: number,
  hiddenSize: number,
): [tf.Tensor2D, tf.Tensor2D] {
  return tf.split(kernel, [inputSize, hiddenSize], 0) as [tf.Tensor2D, tf.Tensor2D];
}
