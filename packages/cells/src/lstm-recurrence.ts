import { isWasmHeapBackend } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';
import type { LstmState } from './lstm-cell.js';
import { fusedLstmGatesGradientPlus, fusedLstmGatesPlus, type StepView } from './lstm-gates.js';
import type { RecurrentInput } from './recurrent-input.js';
import { mergeBatchAndSteps, stepAt } from './window-steps.js';

/** Gate blocks of an LSTM's pre-activations: i, f, g, o. */
const GATES = 4;

/**
 * The recurrent half of an LSTM window on wasm, with its backward pass (BPTT) written out so
 * that the recurrent kernel's gradient is one matmul over the window. Forward, for t = 1 … T,
 * exactly the loop of `lstmWindow` (tied) or `lstmUntiedWindow`:
 *
 * ```
 * h̃_{t−1} = h_{t−1} ⊙ z_h                  (per gate when untied: `input`)
 * a_t     = P_t + h̃_{t−1} W_h               [B, 4H], or [4, B, H] against W_h^g
 * h_t, c_t = gates(a_t, c_{t−1})           (`fusedLstmGatesPlus`: P_t read in place)
 * ```
 *
 * Backward, from d h_t of the window's outputs and dh_T, dc_T of its last state:
 *
 * ```
 * da_t, dc_{t−1} = gates'(dh_t + input'(da_{t+1} W_hᵀ), dc_t)     t = T … 1
 * dW_h = Σ_t h̃_{t−1}ᵀ da_t = H̃ᵀ D               ONE matmul, inner size T·B
 * dP_t = da_t,   dh_0 = input'(da_1 W_hᵀ),   dc_0
 * ```
 *
 * Why: differentiated op by op, each step's `h̃ W_h` gives W_h a gradient of its own, a matmul
 * with an inner size of only B, and the tape sums the T of them one Add at a time; every step
 * also slices P and adds it, and every op saves its inputs on the tape. Here the gate kernel
 * adds P_t and each step's output gradient itself, reading them in place, and the steps'
 * saved tensors are stacked: 127 kernel calls per window, forward and backward, instead of
 * 380. At
 * PTB-small's shape (B = 20, T = 20, H = 200) one layer's window, forward and backward, takes
 * 15.9 ms against 21.2 ms op by op, and the training step 95 against 105 ms
 * (`bench/src/experiments/lstm-recurrence.ts`, `recurrence-step.ts`; docs/results.md).
 *
 * Values are the loop's bit for bit; gradients agree to float32 rounding (the sum over steps
 * is in another order). Returns `undefined` off the wasm backend, for a dtype other than
 * float32 or an empty window: the caller then differentiates the loop op by op.
 *
 * @param projected - `P`: `[B, T, 4H]` tied, `[4, B, T, H]` untied (`input.stepAxis`).
 * @param recurrentKernel - `W_h`: `[H, 4H]` tied, `[4, H, H]` untied.
 * @param state - `h_0`, `c_0`, `[B, H]` each.
 * @param input - how `h` is masked (`tiedRecurrentInput`, `untiedRecurrentInput`); the masks
 *   are constants of the window and get no gradient.
 * @returns the outputs `h_1 … h_T` as `[B, T, H]` and the last state.
 */
export function lstmRecurrence(
  projected: tf.Tensor,
  recurrentKernel: tf.Tensor,
  state: LstmState,
  input: RecurrentInput,
): { outputs: tf.Tensor3D; state: LstmState } | undefined {
  const steps = projected.shape[input.stepAxis] ?? 0;
  const [batchSize = 0, hiddenSize = 0] = state.h.shape;
  const tensors = [projected, recurrentKernel, state.h, state.c];
  const float32 = tensors.every((t) => t.dtype === 'float32');
  if (!isWasmHeapBackend(tf.backend()) || !float32 || steps === 0) return undefined;
  // customGrad's value is one tensor: h_1 … h_T and c_T side by side, [B, T + 1, H].
  const packed = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [p, kernel, h0, c0, save] = args as [
      tf.Tensor,
      tf.Tensor,
      tf.Tensor2D,
      tf.Tensor2D,
      tf.GradSaveFunc,
    ];
    const forward = runForward(p, kernel, h0, c0, input);
    // The mask is saved too: the caller may dispose the window before the gradient runs.
    const mask = input.mask === undefined ? [] : [input.mask];
    save([kernel, forward.masked, forward.cells, forward.acts, ...mask]);
    return {
      value: forward.packed,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
        runBackward(dy as tf.Tensor3D, saved, input),
    };
  })(projected, recurrentKernel, state.h, state.c) as tf.Tensor3D;
  return {
    outputs: tf.slice(packed, [0, 0, 0], [batchSize, steps, hiddenSize]),
    state: { h: stepAt(packed, steps - 1), c: stepAt(packed, steps) },
  };
}

/**
 * The forward loop, keeping h̃_{t−1}, c_{t−1} and the gates' activations of every step, each
 * kind as one tensor: the engine copies a handle for each tensor saved for the backward pass
 * (a kernel call and a tape entry), so three stacked tensors cost less than 3T small ones.
 */
function runForward(
  projected: tf.Tensor,
  kernel: tf.Tensor,
  h0: tf.Tensor2D,
  c0: tf.Tensor2D,
  input: RecurrentInput,
) {
  let h = h0;
  let c = c0;
  const masked: tf.Tensor[] = [];
  const cells: tf.Tensor2D[] = [];
  const acts: tf.Tensor2D[] = [];
  const outputs: tf.Tensor2D[] = [];
  const steps = projected.shape[input.stepAxis] ?? 0;
  for (let t = 0; t < steps; t += 1) {
    const hMasked = input.apply(h, input.mask);
    // a_t = h̃ W_h + P_t, P_t read in place: no slice of P and no Add per step.
    const next = fusedLstmGatesPlus(
      tf.matMul(hMasked, kernel),
      projected,
      stepOf(projected, input, t),
      c,
    );
    masked.push(hMasked);
    cells.push(c);
    acts.push(next.acts);
    outputs.push(next.h);
    h = next.h;
    c = next.c;
  }
  return {
    packed: tf.stack([...outputs, c], 1) as tf.Tensor3D,
    // Stacked on the step axis as P is, so that the kernel's gradient can pair its rows with
    // dP's: [B, T, H] tied, per gate [4, B, T, H] untied.
    masked: tf.stack(masked, input.stepAxis),
    cells: tf.stack(cells),
    acts: tf.stack(acts),
  };
}

/** BPTT over the saved steps: d P, d W_h, d h_0, d c_0 (customGrad's input order). */
function runBackward(dy: tf.Tensor3D, saved: tf.Tensor[], input: RecurrentInput): tf.Tensor[] {
  const [kernel, masked, cellsAll, actsAll, mask] = saved as [
    tf.Tensor,
    tf.Tensor,
    tf.Tensor3D,
    tf.Tensor3D,
    tf.Tensor | undefined,
  ];
  const cells = tf.unstack(cellsAll) as tf.Tensor2D[];
  const acts = tf.unstack(actsAll) as tf.Tensor2D[];
  const steps = cells.length;
  const [batchSize = 0, , hiddenSize = 0] = dy.shape;
  // The pre-activations' shape is h̃ W_h's: [B, 4H], or [4, B, H] per gate; W_hᵀ (each
  // gate's, untied) once for the window.
  const rows = kernel.rank - 2;
  const [first = 0, , last = 0] = kernel.shape;
  const preShape = rows === 0 ? [batchSize, kernel.shape[1] ?? 0] : [first, batchSize, last];
  const kernelT = tf.transpose(kernel, rows === 0 ? [1, 0] : [0, 2, 1]);
  // dy holds d h_1 … d h_T and d c_T side by side: each step's dh is read in place.
  let dc = tf.reshape(tf.slice(dy, [0, steps, 0], [batchSize, 1, hiddenSize]), [
    batchSize,
    hiddenSize,
  ]) as tf.Tensor2D;
  let dhCarried: tf.Tensor2D | undefined;
  const dPre: tf.Tensor[] = new Array(steps);
  for (let t = steps - 1; t >= 0; t -= 1) {
    const fromOutput = { offset: t * hiddenSize, rowStride: (steps + 1) * hiddenSize };
    const gates = fusedLstmGatesGradientPlus(
      dy,
      fromOutput,
      dhCarried,
      dc,
      acts[t] as tf.Tensor2D,
      cells[t] as tf.Tensor2D,
      preShape,
    );
    dPre[t] = gates.dPre;
    dc = gates.dC;
    dhCarried = input.adjoint(tf.matMul(gates.dPre, kernelT), mask);
  }
  // dW_h = H̃ᵀ dA with the batch and step axes merged into one inner axis of size B·T.
  const dProjected = tf.stack(dPre, input.stepAxis);
  const dKernel = tf.matMul(mergeBatchAndSteps(masked), mergeBatchAndSteps(dProjected), true);
  return [dProjected, dKernel, dhCarried as tf.Tensor2D, dc];
}

/**
 * Where step t of the projection lies in it: `[B, T, 4H]` tied (gate blocks side by side in a
 * row), `[4, B, T, H]` untied (one block per gate).
 */
function stepOf(projected: tf.Tensor, input: RecurrentInput, t: number): StepView {
  const steps = projected.shape[input.stepAxis] ?? 0;
  const row = projected.shape[input.stepAxis + 1] ?? 0;
  const gateStride =
    input.stepAxis === 1 ? row / GATES : projected.size / (projected.shape[0] ?? 1);
  return { offset: t * row, rowStride: steps * row, gateStride };
}
