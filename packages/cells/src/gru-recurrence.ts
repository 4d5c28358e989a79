import * as tf from '@tensorflow/tfjs-core';
import { fusedGruStep, type GruStep, usesGruKernels } from './gru-cell-kernels.js';
import { runBackward } from './gru-recurrence-backward.js';
import type { RecurrentInput } from './recurrent-input.js';
import { stepAt } from './window-steps.js';

/**
 * The recurrent half of a GRU window with its backward pass (BPTT) written out, so that the
 * recurrent kernels get their gradient in one matmul over the window. Forward, for t = 1 … T,
 * the equations of `createGruCell` with the input projections precomputed
 * (`P^{rz}_t = x̃_t W_x^{rz} + b^{rz}`, `P^n_t = x̃_t W_in + b_in`):
 *
 * ```
 * h̃        = h_{t−1} ⊙ z_h
 * [m, q']  = h̃ [W_h^{rz} | W_hn]              ONE matmul per step: [B, H] × [H, 3H] tied, or
 *                                             [3, B, H] × [3, H, H] untied (h̃^g = h ⊙ z_h^g)
 * (r, z)   = σ(P^{rz}_t + m),  q = q' + b_hn
 * n        = tanh(P^n_t + r ⊙ q)
 * h_t      = n + z ⊙ (h_{t−1} − n)
 * ```
 *
 * Backward, from d h_t of the outputs (g_t = d h_t + the carry from step t + 1):
 *
 * ```
 * da_n  = g (1 − z)(1 − n²)
 * da_rz = (da_n ⊙ q ⊙ r(1 − r),  g ⊙ (h_{t−1} − n) ⊙ z(1 − z))
 * dq    = da_n ⊙ r,               dh̃ = [da_rz | dq] [W_h^{rz} | W_hn]ᵀ
 * carry = g ⊙ z + dh̃ ⊙ z_h                    (untied: Σ_g dh̃^g ⊙ z_h^g)
 * d[W_h^{rz} | W_hn] = H̃ᵀ [dA_rz | dQ]          ONE matmul, inner size B·T
 * dP^{rz}_t = da_rz,  dP^n_t = da_n,  db_hn = Σ dq,  dh_0 = carry
 * ```
 *
 * Why: differentiated op by op, every step gives each recurrent weight a gradient of its own
 * (a matmul with an inner size of only B) and the tape adds the T of them one at a time; each
 * step's ops also save their inputs on the tape. Values agree with stepping `createGruCell` to
 * float32 rounding (`x̃ W_x + h̃ W_h` sums in another order than `[x̃; h̃] W`), gradients too.
 * On wasm (float32) each step's gate equations, forward and backward, are one kernel
 * (`wasm/gru-cell.c`: `fusedGruStep`, `fusedGruStepGradient`); other backends compose tfjs ops.
 *
 * @param gatesProjected - `P^{rz}`: `[B, T, 2H]`.
 * @param candidateProjected - `P^n`: `[B, T, H]`.
 * @param kernel - `[W_h^{rz} | W_hn]`: `[H, 3H]` with `tiedRecurrentInput`, or per gate r, z, n
 *   `[3, H, H]` with `untiedRecurrentInput(mask, 3)`.
 * @param candidateBias - `b_hn`: `[H]` (inside the reset product).
 * @param h0 - `[B, H]`.
 * @param input - how `h` is masked (`z_h`, a constant of the window).
 * @returns `h_1 … h_T` as `[B, T, H]` and the last state. Call inside `tf.tidy`.
 */
export function gruRecurrence(
  gatesProjected: tf.Tensor3D,
  candidateProjected: tf.Tensor3D,
  kernel: tf.Tensor,
  candidateBias: tf.Tensor,
  h0: tf.Tensor2D,
  input: RecurrentInput,
): { outputs: tf.Tensor3D; state: { h: tf.Tensor2D } } {
  const steps = candidateProjected.shape[1] ?? 0;
  const outputs = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [pRz, pN, w, bN, h, save] = args as [
      tf.Tensor3D,
      tf.Tensor3D,
      tf.Tensor,
      tf.Tensor,
      tf.Tensor2D,
      tf.GradSaveFunc,
    ];
    const forward = runForward(pRz, pN, w, bN, h, input);
    // The mask is saved too: the caller may dispose the window before the gradient runs.
    save([w, ...forward.saved, ...(input.mask === undefined ? [] : [input.mask])]);
    return {
      value: forward.outputs,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
        runBackward(dy as tf.Tensor3D, saved, input),
    };
  })(gatesProjected, candidateProjected, kernel, candidateBias, h0) as tf.Tensor3D;
  return { outputs, state: { h: stepAt(outputs, steps - 1) } };
}

/** `h̃ · kernel` split into the r, z block `[B, 2H]` and the candidate's `[B, H]`. */
function recurrentProducts(product: tf.Tensor, hiddenSize: number): [tf.Tensor, tf.Tensor] {
  if (product.rank === 2) {
    return tf.split(product, [2 * hiddenSize, hiddenSize], 1) as [tf.Tensor, tf.Tensor];
  }
  const [r, z, n] = tf.unstack(product) as [tf.Tensor, tf.Tensor, tf.Tensor];
  return [tf.concat([r, z], 1), n];
}

/** One forward step from the step's recurrent products: `h_t` and what the backward pass keeps. */
type ForwardStep = (product: tf.Tensor, t: number, previous: tf.Tensor2D) => GruStep;

/** The step as composed tfjs ops (any backend). */
function composedStep(pRz: tf.Tensor3D, pN: tf.Tensor3D, bN: tf.Tensor): ForwardStep {
  const hiddenSize = pN.shape[2] ?? 0;
  const gateInputs = tf.unstack(pRz, 1);
  const candidateInputs = tf.unstack(pN, 1);
  return (product, t, previous) => {
    const [m, qPart] = recurrentProducts(product, hiddenSize);
    const rz = tf.sigmoid(tf.add(gateInputs[t] as tf.Tensor, m)) as tf.Tensor2D;
    const [r, z] = tf.split(rz, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
    const q = tf.add(qPart, bN) as tf.Tensor2D;
    const n = tf.tanh(tf.add(candidateInputs[t] as tf.Tensor, tf.mul(r, q))) as tf.Tensor2D;
    return { h: tf.add(n, tf.mul(z, tf.sub(previous, n))), rz, q, n } as GruStep;
  };
}

/** The step as one wasm kernel (`fusedGruStep`), the projections read in place. */
function fusedStep(pRz: tf.Tensor3D, pN: tf.Tensor3D, bN: tf.Tensor): ForwardStep {
  const [, steps = 0, hiddenSize = 0] = pN.shape;
  return (product, t, previous) =>
    fusedGruStep(
      product,
      pRz,
      { offset: 2 * hiddenSize * t, rowStride: 2 * hiddenSize * steps },
      pN,
      { offset: hiddenSize * t, rowStride: hiddenSize * steps },
      bN,
      previous,
    );
}

/**
 * The forward loop, keeping h̃_{t−1}, h_{t−1}, (r, z), q and n of every step, each kind stacked
 * into one tensor (the engine copies a handle for every saved tensor).
 */
function runForward(
  pRz: tf.Tensor3D,
  pN: tf.Tensor3D,
  kernel: tf.Tensor,
  bN: tf.Tensor,
  h0: tf.Tensor2D,
  input: RecurrentInput,
) {
  const step = (usesGruKernels([pRz, pN, kernel, bN, h0]) ? fusedStep : composedStep)(pRz, pN, bN);
  const kept = { masked: [] as tf.Tensor[], previous: [] as tf.Tensor[], rz: [] as tf.Tensor[] };
  const resets = { q: [] as tf.Tensor[], n: [] as tf.Tensor[] };
  const outputs: tf.Tensor[] = [];
  let h = h0;
  for (let t = 0; t < (pN.shape[1] ?? 0); t += 1) {
    const hMasked = input.apply(h, input.mask);
    const next = step(tf.matMul(hMasked, kernel), t, h);
    kept.masked.push(hMasked);
    kept.previous.push(h);
    kept.rz.push(next.rz);
    resets.q.push(next.q);
    resets.n.push(next.n);
    h = next.h;
    outputs.push(h);
  }
  return {
    outputs: tf.stack(outputs, 1) as tf.Tensor3D,
    // h̃ stacked on the step axis ([B, T, H] tied, [3, B, T, H] untied), so that the kernel's
    // gradient pairs its rows with those of the products' gradient.
    saved: [
      tf.stack(kept.masked, input.stepAxis),
      tf.stack(kept.previous),
      tf.stack(kept.rz),
      tf.stack(resets.q),
      tf.stack(resets.n),
    ],
  };
}
