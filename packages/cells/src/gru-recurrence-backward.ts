import * as tf from '@tensorflow/tfjs-core';
import { fusedGruStepGradient, usesGruKernels } from './gru-cell-kernels.js';
import type { RecurrentInput } from './recurrent-input.js';
import { mergeBatchAndSteps } from './window-steps.js';

/** A backward step's results: the products' gradient (their layout), `da_n` and `g ⊙ z`. */
interface StepGradient {
  readonly dProduct: tf.Tensor;
  readonly dN: tf.Tensor;
  readonly gz: tf.Tensor;
}

/** One backward step from the carry of the step after it (absent at the last step). */
type BackwardStep = (t: number, carry: tf.Tensor | undefined) => StepGradient;

/** What the forward pass saved, stacked over the window's steps (`[T, B, …]`). */
interface SavedSteps {
  readonly previous: tf.Tensor3D;
  readonly rz: tf.Tensor3D;
  readonly q: tf.Tensor3D;
  readonly n: tf.Tensor3D;
}

/**
 * The step as composed tfjs ops (any backend). The factors that do not depend on the arriving
 * gradient are computed for every step at once (one op per factor for the window rather than
 * one per step): `da_n = g ⊙ candidate`, `da_r = da_n ⊙ reset`, `da_z = g ⊙ update`,
 * `dq = da_n ⊙ r`, and `g ⊙ z`.
 */
function composedStep(dy: tf.Tensor3D, saved: SavedSteps, untied: boolean): BackwardStep {
  const [r, z] = tf.split(saved.rz, 2, 2) as [tf.Tensor3D, tf.Tensor3D];
  const oneMinusZ = tf.sub(1, z);
  // n·n, not tf.square(n): the same bits, and tfjs-wasm's Square took 0.28 ms on [20, 200].
  const candidate = tf.mul(oneMinusZ, tf.sub(1, tf.mul(saved.n, saved.n)));
  const reset = tf.mul(saved.q, tf.mul(r, tf.sub(1, r)));
  const update = tf.mul(tf.sub(saved.previous, saved.n), tf.mul(z, oneMinusZ));
  const [candidates, resets, updates, rs, zs] = [candidate, reset, update, r, z].map((all) =>
    tf.unstack(all),
  ) as [tf.Tensor[], tf.Tensor[], tf.Tensor[], tf.Tensor[], tf.Tensor[]];
  const fromOutputs = tf.unstack(dy, 1);
  return (t, carry) => {
    const fromOutput = fromOutputs[t] as tf.Tensor;
    const g = carry === undefined ? fromOutput : tf.add(fromOutput, carry);
    const dN = tf.mul(g, candidates[t] as tf.Tensor);
    const dR = tf.mul(dN, resets[t] as tf.Tensor);
    const dZ = tf.mul(g, updates[t] as tf.Tensor);
    const dQ = tf.mul(dN, rs[t] as tf.Tensor);
    // The products' gradient in h̃ · kernel's layout: [B, 3H] tied, [3, B, H] untied.
    const dProduct = untied ? tf.stack([dR, dZ, dQ]) : tf.concat([dR, dZ, dQ], 1);
    return { dProduct, dN, gz: tf.mul(g, zs[t] as tf.Tensor) };
  };
}

/** The step as one wasm kernel (`fusedGruStepGradient`), dy read in place. */
function fusedStep(dy: tf.Tensor3D, saved: SavedSteps, productShape: number[]): BackwardStep {
  const [, steps = 0, hiddenSize = 0] = dy.shape;
  const [previous, rz, q, n] = [saved.previous, saved.rz, saved.q, saved.n].map((all) =>
    tf.unstack(all),
  ) as [tf.Tensor[], tf.Tensor[], tf.Tensor[], tf.Tensor[]];
  return (t, carry) => {
    const view = { offset: hiddenSize * t, rowStride: hiddenSize * steps };
    const at = (all: tf.Tensor[]) => all[t] as tf.Tensor;
    const step = { rz: at(rz), q: at(q), n: at(n), previous: at(previous) };
    return fusedGruStepGradient(dy, view, carry, step, productShape);
  };
}

/** BPTT over the saved steps: dP^{rz}, dP^n, d kernel, db_hn, dh_0 (customGrad's order). */
export function runBackward(
  dy: tf.Tensor3D,
  saved: tf.Tensor[],
  input: RecurrentInput,
): tf.Tensor[] {
  const [kernel, masked, previous, rz, q, n, mask] = saved as [
    tf.Tensor,
    tf.Tensor,
    tf.Tensor3D,
    tf.Tensor3D,
    tf.Tensor3D,
    tf.Tensor3D,
    tf.Tensor | undefined,
  ];
  const untied = kernel.rank === 3;
  const [batchSize = 0, steps = 0, hiddenSize = 0] = dy.shape;
  const productShape = untied ? [3, batchSize, hiddenSize] : [batchSize, 3 * hiddenSize];
  const stepsSaved = { previous, rz, q, n };
  const step = usesGruKernels([dy, kernel, previous])
    ? fusedStep(dy, stepsSaved, productShape)
    : composedStep(dy, stepsSaved, untied);
  const kernelT = tf.transpose(kernel, untied ? [0, 2, 1] : [1, 0]);
  const dCandidates: tf.Tensor[] = new Array(steps);
  const dProducts: tf.Tensor[] = new Array(steps);
  let carry: tf.Tensor | undefined;
  for (let t = steps - 1; t >= 0; t -= 1) {
    const { dProduct, dN, gz } = step(t, carry);
    carry = tf.add(gz, input.adjoint(tf.matMul(dProduct, kernelT), mask));
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
