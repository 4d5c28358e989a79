import type { Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import type { LstmState, LstmWeightName } from './lstm-cell.js';
import { lstmGates } from './lstm-gates.js';
import { lstmRecurrence } from './lstm-recurrence.js';
import type { RecurrentDropoutWindow } from './recurrent-dropout.js';
import { untiedRecurrentInput } from './recurrent-input.js';
import { gateWindowRows } from './window-projection.js';

/** Gate blocks of the kernel's columns: i, f, g, o. */
const GATES = 4;

/**
 * A whole LSTM window under untied variational dropout (Gal & Ghahramani 2016, §3.1: one mask
 * per gate, `z_x^g` `[batchSize, inputSize]` and `z_h^g` `[batchSize, hiddenSize]`), with the
 * input projection off the per-step path as in the tied window:
 *
 * ```
 * P^g = (X ⊙ z_x^g) · W_x^g + b^g            all steps, all gates: [4, B·T, in] × [4, in, H], once
 * a^g_t = P^g_t + (h_{t−1} ⊙ z_h^g) · W_h^g   per step: [4, B, H] × [4, H, H]
 * ```
 *
 * `W^g` is the g-th column block of the kernel. The per-gate view of the kernel
 * (`[in + H, 4, H]` → `[4, in + H, H]`) is made once per window, where stepping made it once
 * per step; the multiply-adds are those of the tied path. On wasm the recurrence runs as
 * `lstmRecurrence`, whose backward pass gives `W_h^g` its gradient in one batched matmul. This
 * is what Monte-Carlo dropout evaluation and Gal's untied training run.
 *
 * @param inputs - `[batchSize, steps, inputSize]`.
 * @param window - masks of rank 3 (`[4, batchSize, size]`), rank 2 (shared) or none.
 */
export function lstmUntiedWindow(
  weights: Weights<LstmWeightName>,
  inputs: tf.Tensor3D,
  state: LstmState,
  window: RecurrentDropoutWindow,
): { outputs: tf.Tensor3D; state: LstmState } {
  const [batchSize = 0, steps = 0, inputSize = 0] = inputs.shape;
  const [hiddenSize = 0] = state.h.shape.slice(1);
  const kernelByGate = tf.transpose(
    tf.reshape(weights.kernel, [inputSize + hiddenSize, GATES, hiddenSize]),
    [1, 0, 2],
  );
  const [inputKernels, recurrentKernels] = tf.split(kernelByGate, [inputSize, hiddenSize], 1) as [
    tf.Tensor3D,
    tf.Tensor3D,
  ];
  const x = gateWindowRows(inputs, window.inputMask, GATES);
  const projected = tf.add(
    tf.matMul(x, inputKernels),
    tf.reshape(weights.bias, [GATES, 1, hiddenSize]),
  );
  const bySteps = tf.reshape(projected, [GATES, batchSize, steps, hiddenSize]);
  const input = untiedRecurrentInput(window.recurrentMask, GATES);
  const recurrence = lstmRecurrence(bySteps, recurrentKernels, state, input);
  if (recurrence !== undefined) return recurrence;
  let current = state;
  const outputs: tf.Tensor2D[] = [];
  for (const projection of tf.unstack(bySteps, 2)) {
    const pre = tf.add(tf.matMul(input.apply(current.h, input.mask), recurrentKernels), projection);
    current = lstmGates(pre, current.c);
    outputs.push(current.h);
  }
  return { outputs: tf.stack(outputs, 1) as tf.Tensor3D, state: current };
}
