import * as tf from '@tensorflow/tfjs-core';

/**
 * How an LSTM window's `h_{t−1}` reaches each step's recurrent matmul, and the way back, for
 * `lstmRecurrence`'s written-out backward pass. Tied or no dropout: `h̃ = h ⊙ z_h`, `[B, H]`,
 * against `W_h` `[H, 4H]`. Untied (Gal & Ghahramani 2016, §3.1): one copy per gate,
 * `h̃^g = h ⊙ z_h^g`, `[4, B, H]`, against the per-gate `W_h^g` `[4, H, H]`.
 */
export interface RecurrentInput {
  /** The axis of the projection `P` along which its steps lie. */
  readonly stepAxis: number;
  /** The mask `z_h`, or none. A backward pass must keep its own handle (`save` it): the caller
   * may dispose the window's masks before the gradient runs. */
  readonly mask: tf.Tensor | undefined;
  /** `h̃` `[B, H]` or `[gates, B, H]` from `h` `[B, H]` and `mask`. */
  readonly apply: (h: tf.Tensor2D, mask: tf.Tensor | undefined) => tf.Tensor;
  /** `dh` `[B, H]` from `dh̃`: the adjoint of `apply` (the mask is a constant). */
  readonly adjoint: (dhMasked: tf.Tensor, mask: tf.Tensor | undefined) => tf.Tensor2D;
}

/** Tied or no dropout: `h ⊙ z_h` (`h` itself without a mask); P is `[B, T, 4H]`. */
export function tiedRecurrentInput(mask: tf.Tensor | undefined): RecurrentInput {
  const times = (v: tf.Tensor, z: tf.Tensor | undefined) => (z === undefined ? v : tf.mul(v, z));
  return { stepAxis: 1, mask, apply: times, adjoint: (d, z) => times(d, z) as tf.Tensor2D };
}

/**
 * Untied dropout: `[gates, B, H]`, `h ⊙ z_h^g` per gate from a rank-3 mask, one shared mask
 * (rank 2) or none; the adjoint sums the gates' `dh̃^g ⊙ z_h^g`. P is `[gates, B, T, H]`.
 */
export function untiedRecurrentInput(mask: tf.Tensor | undefined, gates: number): RecurrentInput {
  return {
    stepAxis: 2,
    mask,
    apply: (h, z) => perGate(h, z, gates),
    adjoint: (d, z) => tf.sum(z === undefined ? d : tf.mul(d, z), 0) as tf.Tensor2D,
  };
}

/** `[gates, B, H]`: `h ⊙ z^g` for every gate (`h` itself where there is no mask). */
export function perGate(h: tf.Tensor2D, mask: tf.Tensor | undefined, gates: number): tf.Tensor3D {
  const masked = mask === undefined ? h : tf.mul(h, mask);
  return (masked.rank === 3 ? masked : tf.broadcastTo(masked, [gates, ...h.shape])) as tf.Tensor3D;
}
