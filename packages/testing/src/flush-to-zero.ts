import * as tf from '@tensorflow/tfjs-core';

/**
 * The inputs of an optimiser step whose state, halved (decay 0.5) under a zero gradient, lands
 * on 2^-126 (the smallest normal float32), 2^-127 (a subnormal), a normal number and zero; the
 * fifth element's gradient is NaN. With {@link expectFlushedDecay}, a test checks that a fused
 * kernel flushes what decays below float32's normal range, as x86's flush-to-zero mode would,
 * and keeps NaN. Make inside `tf.tidy`.
 */
export function decayIntoSubnormals(): {
  theta: tf.Tensor1D;
  gradient: tf.Tensor1D;
  state: tf.Tensor1D;
} {
  return {
    theta: tf.ones([5]),
    gradient: tf.tensor1d([0, 0, 0, 0, Number.NaN]),
    state: tf.tensor1d([2 ** -125, 2 ** -126, 1e-3, 0, 0]),
  };
}

/**
 * Throws unless `flushed`, a fused kernel's next state from {@link decayIntoSubnormals}, is
 * `reference` (the composed ops' next state) with its subnormal flushed to +0 and the NaN kept;
 * and unless `reference` does hold the subnormal 2^-127 there, so that the check can fail.
 */
export function expectFlushedDecay(
  flushed: ArrayLike<number>,
  reference: ArrayLike<number>,
  label: string,
): void {
  const problems: string[] = [];
  if (reference[1] !== 2 ** -127)
    problems.push(`the reference's [1] is ${reference[1]}, not 2^-127`);
  if (flushed[0] !== 2 ** -126) problems.push(`[0] is ${flushed[0]}, not 2^-126 (a normal number)`);
  if (!Object.is(flushed[1], 0)) problems.push(`[1] is ${flushed[1]}, not +0 (flushed)`);
  if (flushed[2] !== reference[2]) problems.push(`[2] is ${flushed[2]}, not ${reference[2]}`);
  if (!Object.is(flushed[3], 0)) problems.push(`[3] is ${flushed[3]}, not +0`);
  if (!Number.isNaN(flushed[4])) problems.push(`[4] is ${flushed[4]}, not NaN`);
  if (problems.length > 0) throw new Error(`${label}: ${problems.join('; ')}`);
}
