import { stopGradient } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { contentWeighting } from './content-weighting.js';

/**
 * The squashed controls of a group of NTM heads that address memory together (Graves et al.
 * 2014, §3.3). `numHeads` is 1 for the write head and `numReads` for the read heads.
 */
export interface NtmHeadControl {
  /** k, `[batchSize, numHeads, wordSize]`. */
  readonly keys: tf.Tensor3D;
  /** β ≥ 0, `[batchSize, numHeads, 1]` (softplus). */
  readonly strengths: tf.Tensor3D;
  /** g ∈ [0, 1], `[batchSize, numHeads, 1]` (sigmoid). */
  readonly gates: tf.Tensor3D;
  /**
   * s, `[batchSize, numHeads, 2·shiftRange + 1]`, each row a distribution (softmax). Index 0 is
   * the shift −shiftRange, index `shiftRange` no shift, index 2·shiftRange the shift
   * +shiftRange; a shift of +1 moves attention from slot i to slot i + 1.
   */
  readonly shifts: tf.Tensor3D;
  /** γ ≥ 1, `[batchSize, numHeads, 1]` (oneplus). */
  readonly sharpening: tf.Tensor3D;
}

/**
 * Interpolation with the previous weighting, w^g = g w^c + (1 − g) w_{t−1} (Graves et al. 2014,
 * eq. 7): a gate of 0 ignores the content and keeps the head where it was.
 *
 * @param content - w^c, `[batchSize, numHeads, memorySize]`.
 * @param previous - w_{t−1}, `[batchSize, numHeads, memorySize]`.
 * @param gates - g, `[batchSize, numHeads, 1]`.
 * @returns w^g, `[batchSize, numHeads, memorySize]`.
 */
export function interpolateWeighting(
  content: tf.Tensor3D,
  previous: tf.Tensor3D,
  gates: tf.Tensor3D,
): tf.Tensor3D {
  return tf.tidy(() => tf.add(previous, tf.mul(gates, tf.sub(content, previous))));
}

/** w rotated by `offset` slots along the last axis: rolled(i) = w((i − offset) mod N). */
function roll(weights: tf.Tensor3D, offset: number): tf.Tensor3D {
  const memorySize = weights.shape[2];
  const start = (((-offset % memorySize) + memorySize) % memorySize) as number;
  if (start === 0) return weights.clone();
  const [batchSize, numHeads] = weights.shape;
  const tail = tf.slice(weights, [0, 0, start], [batchSize, numHeads, memorySize - start]);
  const head = tf.slice(weights, [0, 0, 0], [batchSize, numHeads, start]);
  return tf.concat([tail, head], 2);
}

/**
 * Circular convolution with the shift weighting, w̃(i) = Σ_j w^g(j) s((i − j) mod N) (Graves et
 * al. 2014, eq. 8), over the shifts −shiftRange..+shiftRange only: s is zero at every other
 * offset. Shift index k is the offset k − shiftRange, so all weight on the last index moves
 * attention from slot i to slot i + 1 (and from slot N − 1 to slot 0).
 *
 * @param weights - w^g, `[batchSize, numHeads, memorySize]`.
 * @param shifts - s, `[batchSize, numHeads, 2·shiftRange + 1]` with 2·shiftRange + 1 ≤
 *   memorySize, so that no offset is counted twice.
 * @returns w̃, `[batchSize, numHeads, memorySize]`.
 * @throws RangeError when the shift width is even or larger than `memorySize`.
 */
export function circularShift(weights: tf.Tensor3D, shifts: tf.Tensor3D): tf.Tensor3D {
  const memorySize = weights.shape[2];
  const width = shifts.shape[2];
  if (width % 2 !== 1 || width > memorySize) {
    throw new RangeError(
      `circularShift: shifts must have an odd width ≤ memorySize (${memorySize}), got ${width}`,
    );
  }
  const shiftRange = (width - 1) / 2;
  return tf.tidy(() => {
    // The rolls by −shiftRange..+shiftRange side by side: [batchSize, numHeads, memorySize, width].
    const rolled = tf.stack(
      Array.from({ length: width }, (_, k) => roll(weights, k - shiftRange)),
      3,
    );
    return tf.sum(tf.mul(rolled, tf.expandDims(shifts, 2)), 3) as tf.Tensor3D;
  });
}

/**
 * Sharpening, w(i) = w̃(i)^γ / Σ_j w̃(j)^γ (Graves et al. 2014, eq. 9), undoing the blur of the
 * shift.
 *
 * w̃ is first divided by its largest entry, a constant to the gradient (the result does not
 * depend on w̃'s scale, so values and gradients are those of eq. 9). Then the largest term is
 * 1 and the denominator at least 1: w̃^γ cannot underflow to 0/0, as it would for a flat
 * weighting over 128 slots with γ = 31 ((1/128)^31 ≈ 1e−65). Exact zeros in w̃ are safe:
 * tfjs's `pow` gradient is γ·0^(γ−1), which is 0 for γ > 1 and 1 for γ = 1, and its γ gradient
 * takes log only where w̃ > 0.
 *
 * @param weights - w̃ ≥ 0, `[batchSize, numHeads, memorySize]`, each row with a positive entry.
 * @param sharpening - γ ≥ 1, `[batchSize, numHeads, 1]`.
 * @returns w, `[batchSize, numHeads, memorySize]`, each row summing to 1.
 */
export function sharpenWeighting(weights: tf.Tensor3D, sharpening: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    const largest = stopGradient(tf.max(weights, 2, true));
    const powered = tf.pow(tf.div(weights, largest), sharpening);
    return tf.div(powered, tf.sum(powered, 2, true));
  });
}

/**
 * NTM addressing for a group of heads (Graves et al. 2014, §3.3, Fig. 2; papers.md §4.4):
 * content focus w^c = C(M, k, β), interpolation with the previous weighting, circular shift,
 * sharpening.
 *
 * @param memory - M, `[batchSize, memorySize, wordSize]` (M_{t−1} for the write head, M_t for
 *   the read heads).
 * @param previous - the heads' previous weightings w_{t−1}, `[batchSize, numHeads, memorySize]`.
 * @param control - the heads' squashed controls.
 * @returns w_t, `[batchSize, numHeads, memorySize]`, each row summing to 1.
 */
export function ntmAddressing(
  memory: tf.Tensor3D,
  previous: tf.Tensor3D,
  control: NtmHeadControl,
): tf.Tensor3D {
  return tf.tidy(() => {
    const strengths = tf.squeeze(control.strengths, [2]) as tf.Tensor2D;
    const content = contentWeighting(memory, control.keys, strengths);
    const interpolated = interpolateWeighting(content, previous, control.gates);
    const shifted = circularShift(interpolated, control.shifts);
    return sharpenWeighting(shifted, control.sharpening);
  });
}
