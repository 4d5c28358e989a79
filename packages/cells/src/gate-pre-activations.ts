import * as tf from '@tensorflow/tfjs-core';

/**
 * Pre-activations of `gates` gates that share one fused kernel over the concatenated input
 * `[x; h]`: for gate `g`, `a^g = [x ⊙ z_x^g; h ⊙ z_h^g] W^g + b^g`, where `W^g` is the `g`-th
 * column block of `kernel` (Gal & Ghahramani 2016, §3.1 with the matrices stacked).
 *
 * Masks are optional. A rank-2 mask `[batchSize, size]` is shared by all gates (tied); a rank-3
 * mask `[gates, batchSize, size]` has one slice per gate (untied).
 *
 * @param x - `[batchSize, inputSize]`.
 * @param h - `[batchSize, hiddenSize]`.
 * @param kernel - `[inputSize + hiddenSize, gates · size]`, gate blocks side by side.
 * @param bias - `[gates · size]`.
 * @returns `gates` tensors `[batchSize, size]`, in kernel column order. Call inside `tf.tidy`.
 */
export function gatePreActivations(
  x: tf.Tensor2D,
  h: tf.Tensor2D,
  kernel: tf.Tensor,
  bias: tf.Tensor,
  gates: number,
  inputMask?: tf.Tensor,
  recurrentMask?: tf.Tensor,
): tf.Tensor2D[] {
  const untied = inputMask?.rank === 3 || recurrentMask?.rank === 3;
  if (untied) return untiedPreActivations(x, h, kernel, bias, gates, inputMask, recurrentMask);
  // Tied or no dropout: all gates in ONE matmul over [x̃; h̃] (papers.md §6, CPU budget).
  const xMasked = inputMask === undefined ? x : tf.mul(x, inputMask);
  const hMasked = recurrentMask === undefined ? h : tf.mul(h, recurrentMask);
  const joined = tf.concat([xMasked, hMasked], 1) as tf.Tensor2D;
  // matMul then add, not tf.fused.matMul: the fused op's gradient is slower (fwd + bwd 39 vs
  // 30 ms on cpu, 2.7 vs 1.7 ms on wasm at batch 20, hidden 200: gate-pre-activations.bench.ts).
  const pre = tf.add(tf.matMul(joined, kernel as tf.Tensor2D), bias) as tf.Tensor2D;
  return gates === 1 ? [pre] : (tf.split(pre, gates, 1) as tf.Tensor2D[]);
}

/**
 * Untied masks: each gate sees its own masked copy of `[x; h]`, so the gates no longer share
 * one left operand. The copies are stacked into `[gates, batchSize, in + hidden]` and multiplied
 * in one batched matmul against the kernel viewed as `[gates, in + hidden, size]`.
 *
 * Why a transpose of the kernel: the gate blocks are column blocks of `[in + hidden, gates ·
 * size]`, so any per-gate view of them (this transpose, or `gates` column slices) costs one copy
 * of the kernel per step; avoiding the copy instead multiplies every copy of `[x; h]` by the whole
 * kernel and keeps the diagonal blocks, `gates`× the matmul work. The copy is about `batchSize`×
 * cheaper than the matmul it feeds; `gate-pre-activations.bench.ts` measures all three (the
 * transpose is the fastest on cpu and wasm, about 1.5× the tied step).
 */
function untiedPreActivations(
  x: tf.Tensor2D,
  h: tf.Tensor2D,
  kernel: tf.Tensor,
  bias: tf.Tensor,
  gates: number,
  inputMask: tf.Tensor | undefined,
  recurrentMask: tf.Tensor | undefined,
): tf.Tensor2D[] {
  const [rows = 0, columns = 0] = kernel.shape;
  const size = columns / gates;
  const stacked = tf.concat([perGate(x, inputMask, gates), perGate(h, recurrentMask, gates)], 2);
  const kernelByGate = tf.transpose(tf.reshape(kernel, [rows, gates, size]), [1, 0, 2]);
  // Never tf.fused.matMul here: wasm's _FusedMatMul takes only a rank-1 bias and, given this
  // per-gate [gates, 1, size] bias, silently adds gate 0's bias to every gate (tfjs 4.22).
  const products = tf.matMul(stacked as tf.Tensor3D, kernelByGate as tf.Tensor3D);
  const pre = tf.add(products, tf.reshape(bias, [gates, 1, size]));
  return tf.unstack(pre, 0) as tf.Tensor2D[];
}

/** `[gates, batchSize, size]`: `v ⊙ z^g` for every gate (`v` itself where there is no mask). */
function perGate(v: tf.Tensor2D, mask: tf.Tensor | undefined, gates: number): tf.Tensor3D {
  const masked = mask === undefined ? v : tf.mul(v, mask);
  return (masked.rank === 3 ? masked : tf.broadcastTo(masked, [gates, ...v.shape])) as tf.Tensor3D;
}
