import * as tf from '@tensorflow/tfjs-core';
import type { RecurrentInput } from './recurrent-input.js';
import { mergeBatchAndSteps, stepAt } from './window-steps.js';

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
 * Plain tfjs ops: any backend.
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
  const hiddenSize = h0.shape[1] ?? 0;
  const gateInputs = tf.unstack(pRz, 1);
  const candidateInputs = tf.unstack(pN, 1);
  const kept = { masked: [] as tf.Tensor[], previous: [] as tf.Tensor[], rz: [] as tf.Tensor[] };
  const resets = { q: [] as tf.Tensor[], n: [] as tf.Tensor[] };
  const outputs: tf.Tensor[] = [];
  let h = h0;
  gateInputs.forEach((gateInput, t) => {
    const hMasked = input.apply(h, input.mask);
    const [m, qPart] = recurrentProducts(tf.matMul(hMasked, kernel), hiddenSize);
    const rz = tf.sigmoid(tf.add(gateInput, m));
    const [r, z] = tf.split(rz, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
    const q = tf.add(qPart, bN);
    const n = tf.tanh(tf.add(candidateInputs[t] as tf.Tensor, tf.mul(r, q)));
    kept.masked.push(hMasked);
    kept.previous.push(h);
    kept.rz.push(rz);
    resets.q.push(q);
    resets.n.push(n);
    h = tf.add(n, tf.mul(z, tf.sub(h, n))) as tf.Tensor2D;
    outputs.push(h);
  });
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

/**
 * The factors of the backward equations that do not depend on the gradient arriving at a step,
 * for every step at once (`[T, B, H]` each, one op per factor for the window rather than one
 * per step): `da_n = g ⊙ candidate`, `da_r = da_n ⊙ reset`, `da_z = g ⊙ update`, `dq = da_n ⊙ r`,
 * and the carry's `g ⊙ z`.
 */
function stepFactors(
  rzAll: tf.Tensor3D,
  qAll: tf.Tensor3D,
  nAll: tf.Tensor3D,
  previous: tf.Tensor3D,
) {
  const [r, z] = tf.split(rzAll, 2, 2) as [tf.Tensor3D, tf.Tensor3D];
  const oneMinusZ = tf.sub(1, z);
  // n·n, not tf.square(n): the same bits, and tfjs-wasm's Square took 0.28 ms on [20, 200].
  const candidate = tf.mul(oneMinusZ, tf.sub(1, tf.mul(nAll, nAll)));
  const reset = tf.mul(qAll, tf.mul(r, tf.sub(1, r)));
  const update = tf.mul(tf.sub(previous, nAll), tf.mul(z, oneMinusZ));
  const perStep = (all: tf.Tensor) => tf.unstack(all) as tf.Tensor2D[];
  return {
    candidates: perStep(candidate),
    resets: perStep(reset),
    updates: perStep(update),
    rs: perStep(r),
    zs: perStep(z),
  };
}

/** BPTT over the saved steps: dP^{rz}, dP^n, d kernel, db_hn, dh_0 (customGrad's order). */
function runBackward(dy: tf.Tensor3D, saved: tf.Tensor[], input: RecurrentInput): tf.Tensor[] {
  const [kernel, masked, previousAll, rzAll, qAll, nAll, mask] = saved as [
    tf.Tensor,
    tf.Tensor,
    tf.Tensor3D,
    tf.Tensor3D,
    tf.Tensor3D,
    tf.Tensor3D,
    tf.Tensor | undefined,
  ];
  const { candidates, resets, updates, rs, zs } = stepFactors(rzAll, qAll, nAll, previousAll);
  const untied = kernel.rank === 3;
  const kernelT = tf.transpose(kernel, untied ? [0, 2, 1] : [1, 0]);
  const fromOutputs = tf.unstack(dy, 1);
  const steps = fromOutputs.length;
  const dCandidates: tf.Tensor[] = new Array(steps);
  const dProducts: tf.Tensor[] = new Array(steps);
  let carry: tf.Tensor | undefined;
  for (let t = steps - 1; t >= 0; t -= 1) {
    const fromOutput = fromOutputs[t] as tf.Tensor;
    const g = carry === undefined ? fromOutput : tf.add(fromOutput, carry);
    const dN = tf.mul(g, candidates[t] as tf.Tensor);
    const dR = tf.mul(dN, resets[t] as tf.Tensor);
    const dZ = tf.mul(g, updates[t] as tf.Tensor);
    const dQ = tf.mul(dN, rs[t] as tf.Tensor);
    // The products' gradient in h̃ · kernel's layout: [B, 3H] tied, [3, B, H] untied.
    const dProduct = untied ? tf.stack([dR, dZ, dQ]) : tf.concat([dR, dZ, dQ], 1);
    carry = tf.add(
      tf.mul(g, zs[t] as tf.Tensor),
      input.adjoint(tf.matMul(dProduct, kernelT), mask),
    );
    dCandidates[t] = dN;
    dProducts[t] = dProduct;
  }
  // d kernel = H̃ᵀ [dA_rz | dQ] (per gate untied), the batch and step axes merged into one of
  // B·T rows: one matmul for the window.
  const dProductAll = tf.stack(dProducts, input.stepAxis);
  const dKernel = tf.matMul(mergeBatchAndSteps(masked), mergeBatchAndSteps(dProductAll), true);
  const [dGates, dRecurrent] = gateAndResetGradients(dProductAll, untied);
  return [
    dGates,
    tf.stack(dCandidates, 1),
    dKernel,
    tf.sum(mergeBatchAndSteps(dRecurrent), 0),
    carry as tf.Tensor,
  ];
}

/**
 * `dP^{rz}` `[B, T, 2H]` and `dq` `[B, T, H]` from the window's stacked products' gradient:
 * `[B, T, 3H]` tied, `[3, B, T, H]` untied.
 */
function gateAndResetGradients(dProductAll: tf.Tensor, untied: boolean): [tf.Tensor, tf.Tensor] {
  if (untied) {
    const [dR, dZ, dQ] = tf.unstack(dProductAll) as [tf.Tensor, tf.Tensor, tf.Tensor];
    return [tf.concat([dR, dZ], 2), dQ];
  }
  const hiddenSize = (dProductAll.shape[2] ?? 0) / 3;
  return tf.split(dProductAll, [2 * hiddenSize, hiddenSize], 2) as [tf.Tensor, tf.Tensor];
}
