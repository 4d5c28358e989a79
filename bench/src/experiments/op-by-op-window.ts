import { type LstmState, lstmGates } from '@bayesrnn/cells';
import type { Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';

/**
 * An LSTM window without masks as `lstmWindow` ran it before `lstmRecurrence`: the input
 * projection for all steps in one matmul, then the recurrence differentiated op by op (a
 * product, an Add and the fused gates per step). The baseline of the experiments.
 */
export function opByOpTiedWindow(
  weights: Weights,
  inputs: tf.Tensor3D,
  state: LstmState,
): { outputs: tf.Tensor3D; state: LstmState } {
  return tf.tidy(() => {
    const [batchSize = 0, steps = 0, inputSize = 0] = inputs.shape;
    const hiddenSize = state.h.shape[1] ?? 0;
    const kernel = weights.kernel as tf.Tensor2D;
    const [inputKernel, recurrent] = tf.split(kernel, [inputSize, hiddenSize], 0);
    const flat = tf.reshape(inputs, [batchSize * steps, inputSize]) as tf.Tensor2D;
    const projected = tf.add(
      tf.matMul(flat, inputKernel as tf.Tensor2D),
      weights.bias as tf.Tensor,
    );
    let current = state;
    const outputs: tf.Tensor2D[] = [];
    for (const p of tf.unstack(tf.reshape(projected, [batchSize, steps, 4 * hiddenSize]), 1)) {
      current = lstmGates(tf.add(tf.matMul(current.h, recurrent as tf.Tensor2D), p), current.c);
      outputs.push(current.h);
    }
    return { outputs: tf.stack(outputs, 1) as tf.Tensor3D, state: current };
  });
}
