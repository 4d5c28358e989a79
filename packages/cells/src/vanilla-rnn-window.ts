import type { Weights } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import type { RecurrentDropoutWindow } from './recurrent-dropout.js';
import { type RecurrentInput, tiedRecurrentInput } from './recurrent-input.js';
import type { VanillaRnnState, VanillaRnnWeightName } from './vanilla-rnn-cell.js';
import { projectRows, splitInputRows, windowRows } from './window-projection.js';
import { mergeBatchAndSteps, stepAt } from './window-steps.js';

/**
 * A whole vanilla RNN window with the input projection off the per-step path, as the LSTM's
 * and GRU's: the kernel's rows split into `W_x` (the first `inputSize`) and `W_h`, so
 *
 * ```
 * P   = (X ⊙ z_x) W_x + b           all steps at once: [B · T, in] × [in, H]
 * h_t = tanh(P_t + h̃_{t−1} W_h)     per step: [B, H] × [H, H]
 * ```
 *
 * and `vanillaRnnRecurrence` runs the steps. One gate, so its masks are always `[B, size]`.
 * An empty window returns `undefined` (the scaffold steps).
 */
export function vanillaRnnWindow(
  weights: Weights<VanillaRnnWeightName>,
  inputs: tf.Tensor3D,
  { h }: VanillaRnnState,
  window: RecurrentDropoutWindow,
): { outputs: tf.Tensor3D; state: VanillaRnnState } | undefined {
  const [batchSize = 0, steps = 0, inputSize = 0] = inputs.shape;
  if (steps === 0) return undefined;
  const hiddenSize = h.shape[1] ?? 0;
  const { inputMask, recurrentMask } = window;
  const [inputKernel, recurrentKernel] = splitInputRows(weights.kernel, inputSize, hiddenSize);
  const rows = windowRows(inputs, inputMask);
  const projected = projectRows(rows, inputKernel, weights.bias, [batchSize, steps]);
  return vanillaRnnRecurrence(projected, recurrentKernel, h, tiedRecurrentInput(recurrentMask));
}

/**
 * The recurrent half of a vanilla RNN window with its backward pass written out:
 *
 * ```
 * forward    h_t = tanh(P_t + (h_{t−1} ⊙ z_h) W_h)
 * backward   da_t = (d h_t + carry) ⊙ (1 − h_t²),  carry = (da_t W_hᵀ) ⊙ z_h
 *            dW_h = H̃ᵀ dA                      ONE matmul, inner size B·T
 *            dP_t = da_t,  dh_0 = the last carry
 * ```
 *
 * Differentiated op by op, every step gives `W_h` a gradient of its own, summed by the tape one
 * Add at a time. Plain tfjs ops: any backend. Values agree with stepping the cell to float32
 * rounding (`x̃ W_x + h̃ W_h` against `[x̃; h̃] W`), gradients too.
 *
 * @param projected - `P`: `[B, T, H]`.
 * @param recurrentKernel - `W_h`: `[H, H]`.
 * @param h0 - `[B, H]`.
 * @param input - how `h` is masked (`tiedRecurrentInput`; the mask is a constant of the window).
 * @returns `h_1 … h_T` as `[B, T, H]` and the last state. Call inside `tf.tidy`.
 */
export function vanillaRnnRecurrence(
  projected: tf.Tensor3D,
  recurrentKernel: tf.Tensor2D,
  h0: tf.Tensor2D,
  input: RecurrentInput,
): { outputs: tf.Tensor3D; state: VanillaRnnState } {
  const steps = projected.shape[1] ?? 0;
  const outputs = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [p, kernel, h, save] = args as [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
    const masked: tf.Tensor[] = [];
    const states: tf.Tensor[] = [];
    let current = h;
    for (const step of tf.unstack(p, 1)) {
      const hMasked = input.apply(current, input.mask);
      current = tf.tanh(tf.add(step, tf.matMul(hMasked, kernel))) as tf.Tensor2D;
      masked.push(hMasked);
      states.push(current);
    }
    const value = tf.stack(states, 1) as tf.Tensor3D;
    // The mask is saved too: the caller may dispose the window before the gradient runs.
    save([kernel, tf.stack(masked, 1), value, ...(input.mask === undefined ? [] : [input.mask])]);
    return {
      value,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
        runBackward(dy as tf.Tensor3D, saved, input),
    };
  })(projected, recurrentKernel, h0) as tf.Tensor3D;
  return { outputs, state: { h: stepAt(outputs, steps - 1) } };
}

/** BPTT over the saved steps: dP, dW_h, dh_0 (customGrad's input order). */
function runBackward(dy: tf.Tensor3D, saved: tf.Tensor[], input: RecurrentInput): tf.Tensor[] {
  const [kernel, masked, outputs, mask] = saved as [
    tf.Tensor2D,
    tf.Tensor3D,
    tf.Tensor3D,
    tf.Tensor | undefined,
  ];
  const fromOutputs = tf.unstack(dy, 1);
  const states = tf.unstack(outputs, 1);
  const kernelT = tf.transpose(kernel);
  const dPre: tf.Tensor[] = new Array(fromOutputs.length);
  let carry: tf.Tensor | undefined;
  for (let t = fromOutputs.length - 1; t >= 0; t -= 1) {
    const fromOutput = fromOutputs[t] as tf.Tensor;
    const g = carry === undefined ? fromOutput : tf.add(fromOutput, carry);
    const h = states[t] as tf.Tensor;
    // h·h, not tf.square(h): the same bits, and wasm's Square is slow on small tensors.
    const da = tf.mul(g, tf.sub(1, tf.mul(h, h)));
    carry = input.adjoint(tf.matMul(da, kernelT), mask);
    dPre[t] = da;
  }
  const dProjected = tf.stack(dPre, 1);
  const dKernel = tf.matMul(mergeBatchAndSteps(masked), mergeBatchAndSteps(dProjected), true);
  return [dProjected, dKernel, carry as tf.Tensor];
}
