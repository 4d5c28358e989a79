import * as tf from '@tensorflow/tfjs-core';

/** The recurrent weights of a GRU window (the `h` rows of its kernels). */
export interface GruRecurrentWeights {
  /** `W_h^{rz}`: `[H, 2H]`, the `h` rows of `gateKernel` (blocks r, z). */
  readonly gateKernel: tf.Tensor2D;
  /** `W_hn`: `[H, H]`, `candidateRecurrentKernel`. */
  readonly candidateKernel: tf.Tensor2D;
  /** `b_hn`: `[H]`, `candidateRecurrentBias` (inside the reset product). */
  readonly candidateBias: tf.Tensor;
}

/**
 * The recurrent half of a GRU window, tied or no dropout, with its backward pass (BPTT) written
 * out so that each recurrent weight gets its gradient in one matmul over the window. Forward,
 * for t = 1 … T, the equations of `createGruCell` with the input projections precomputed
 * (`P^{rz}_t = x̃_t W_x^{rz} + b^{rz}`, `P^n_t = x̃_t W_in + b_in`):
 *
 * ```
 * h̃        = h_{t−1} ⊙ z_h
 * [m, q']  = h̃ [W_h^{rz} | W_hn]              ONE matmul [B, H] × [H, 3H] per step
 * (r, z)   = σ(P^{rz}_t + m),  q = q' + b_hn
 * n        = tanh(P^n_t + r ⊙ q)
 * h_t      = n + z ⊙ (h_{t−1} − n)
 * ```
 *
 * Backward, from d h_t of the outputs (g_t = d h_t + the carry from step t + 1):
 *
 * ```
 * da_n = g (1 − z)(1 − n²),   d(r, z) pre-activations = (da_n ⊙ q ⊙ r(1 − r), g ⊙ (h_{t−1} − n) ⊙ z(1 − z))
 * dq   = da_n ⊙ r,            dh̃ = [da_rz | dq] [W_h^{rz} | W_hn]ᵀ
 * carry = g ⊙ z + dh̃ ⊙ z_h
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
 * @param h0 - `[B, H]`.
 * @param mask - `z_h` `[B, H]` (tied variational dropout), or none; a constant of the window.
 * @returns `h_1 … h_T` as `[B, T, H]` and the last state. Call inside `tf.tidy`.
 */
export function gruRecurrence(
  gatesProjected: tf.Tensor3D,
  candidateProjected: tf.Tensor3D,
  weights: GruRecurrentWeights,
  h0: tf.Tensor2D,
  mask: tf.Tensor | undefined,
): { outputs: tf.Tensor3D; state: { h: tf.Tensor2D } } {
  const [batchSize = 0, steps = 0, hiddenSize = 0] = candidateProjected.shape;
  const outputs = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const [pRz, pN, wRz, wN, bN, h, save] = args as [
      tf.Tensor3D,
      tf.Tensor3D,
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor,
      tf.Tensor2D,
      tf.GradSaveFunc,
    ];
    const kernel = tf.concat([wRz, wN], 1) as tf.Tensor2D;
    const forward = runForward(pRz, pN, kernel, bN, h, mask);
    // The mask is saved too: the caller may dispose the window before the gradient runs.
    save([kernel, ...forward.saved, ...(mask === undefined ? [] : [mask])]);
    return {
      value: forward.outputs,
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) =>
        runBackward(dy as tf.Tensor3D, saved, hiddenSize),
    };
  })(
    gatesProjected,
    candidateProjected,
    weights.gateKernel,
    weights.candidateKernel,
    weights.candidateBias,
    h0,
  ) as tf.Tensor3D;
  const last = tf.reshape(tf.slice(outputs, [0, steps - 1, 0], [batchSize, 1, hiddenSize]), [
    batchSize,
    hiddenSize,
  ]) as tf.Tensor2D;
  return { outputs, state: { h: last } };
}

/**
 * The forward loop, keeping h̃_{t−1}, h_{t−1}, (r, z), q and n of every step, each kind stacked
 * into one tensor (the engine copies a handle for every saved tensor).
 */
function runForward(
  pRz: tf.Tensor3D,
  pN: tf.Tensor3D,
  kernel: tf.Tensor2D,
  bN: tf.Tensor,
  h0: tf.Tensor2D,
  mask: tf.Tensor | undefined,
) {
  const hiddenSize = h0.shape[1] ?? 0;
  const gateInputs = tf.unstack(pRz, 1);
  const candidateInputs = tf.unstack(pN, 1);
  const kept = { masked: [] as tf.Tensor[], previous: [] as tf.Tensor[], rz: [] as tf.Tensor[] };
  const resets = { q: [] as tf.Tensor[], n: [] as tf.Tensor[] };
  const outputs: tf.Tensor[] = [];
  let h = h0;
  gateInputs.forEach((gateInput, t) => {
    const hMasked = mask === undefined ? h : (tf.mul(h, mask) as tf.Tensor2D);
    const [m, qPart] = tf.split(tf.matMul(hMasked, kernel), [2 * hiddenSize, hiddenSize], 1);
    const rz = tf.sigmoid(tf.add(gateInput, m as tf.Tensor));
    const [r, z] = tf.split(rz, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
    const q = tf.add(qPart as tf.Tensor, bN);
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
    // h̃ stacked [B, T, H], as P is, so that the kernel's gradient pairs its rows with dP's.
    saved: [
      tf.stack(kept.masked, 1),
      tf.stack(kept.previous),
      tf.stack(kept.rz),
      tf.stack(resets.q),
      tf.stack(resets.n),
    ],
  };
}

/** BPTT over the saved steps: dP^{rz}, dP^n, dW_h^{rz}, dW_hn, db_hn, dh_0 (customGrad's order). */
function runBackward(dy: tf.Tensor3D, saved: tf.Tensor[], hiddenSize: number): tf.Tensor[] {
  const [kernel, masked, previousAll, rzAll, qAll, nAll, mask] = saved as [
    tf.Tensor2D,
    tf.Tensor3D,
    tf.Tensor3D,
    tf.Tensor3D,
    tf.Tensor3D,
    tf.Tensor3D,
    tf.Tensor | undefined,
  ];
  const [previous, rzs, qs, ns] = [previousAll, rzAll, qAll, nAll].map((all) =>
    tf.unstack(all),
  ) as [tf.Tensor[], tf.Tensor[], tf.Tensor[], tf.Tensor[]];
  const fromOutputs = tf.unstack(dy, 1);
  const kernelT = tf.transpose(kernel);
  const steps = fromOutputs.length;
  const dGates: tf.Tensor[] = new Array(steps);
  const dCandidates: tf.Tensor[] = new Array(steps);
  const dRecurrent: tf.Tensor[] = new Array(steps);
  let carry: tf.Tensor | undefined;
  for (let t = steps - 1; t >= 0; t -= 1) {
    const fromOutput = fromOutputs[t] as tf.Tensor;
    const g = carry === undefined ? fromOutput : tf.add(fromOutput, carry);
    const rz = rzs[t] as tf.Tensor;
    const [r, z] = tf.split(rz, 2, 1) as [tf.Tensor, tf.Tensor];
    const n = ns[t] as tf.Tensor;
    // n·n, not tf.square(n): the same bits, and wasm's Square took 0.28 ms on [20, 200] here.
    const dN = tf.mul(tf.mul(g, tf.sub(1, z)), tf.sub(1, tf.mul(n, n)));
    const dR = tf.mul(dN, qs[t] as tf.Tensor);
    const dZ = tf.mul(g, tf.sub(previous[t] as tf.Tensor, n));
    // σ' = σ(1 − σ) for r and z at once.
    const dRz = tf.mul(tf.concat([dR, dZ], 1), tf.mul(rz, tf.sub(1, rz)));
    const dQ = tf.mul(dN, r);
    const dMasked = tf.matMul(tf.concat([dRz, dQ], 1), kernelT);
    carry = tf.add(tf.mul(g, z), mask === undefined ? dMasked : tf.mul(dMasked, mask));
    dGates[t] = dRz;
    dCandidates[t] = dN;
    dRecurrent[t] = dQ;
  }
  const dGatesProjected = tf.stack(dGates, 1);
  const dQAll = tf.stack(dRecurrent, 1);
  // d[W_h^{rz} | W_hn] = H̃ᵀ [dA_rz | dQ], the batch and step axes merged into one of B·T rows.
  const rows = (x: tf.Tensor) => tf.reshape(x, [-1, x.shape.at(-1) ?? 0]);
  const dKernel = tf.matMul(rows(masked), rows(tf.concat([dGatesProjected, dQAll], 2)), true);
  const [dGateKernel, dCandidateKernel] = tf.split(dKernel, [2 * hiddenSize, hiddenSize], 1);
  return [
    dGatesProjected,
    tf.stack(dCandidates, 1),
    dGateKernel as tf.Tensor,
    dCandidateKernel as tf.Tensor,
    tf.sum(rows(dQAll), 0),
    carry as tf.Tensor,
  ];
}
