import * as tf from '@tensorflow/tfjs-core';
import { checkLabelRange, checkLabels, checkLogProbabilities } from './uncertainty-checks.js';

/** Options of {@link brierScore}. */
export interface BrierScoreOptions {
  /**
   * Check that every label is in `[0, C)` (default `true`): an out-of-range label would
   * otherwise count as a row of zeros and give a wrong score silently. The check reads two
   * scalars back from the backend; turn it off in a hot loop once the data is known good.
   */
  readonly checkLabels?: boolean;
}

/**
 * The multi-class Brier score (Brier 1950), the mean squared distance between the predicted
 * distribution and the one-hot label:
 *
 * `BS = (1/N) Σ_n Σ_c (p(c | n) − 1[c = y_n])²`, in `[0, 2]`,
 *
 * 0 for certain, right predictions and 2 for certain, wrong ones (a uniform prediction scores
 * `1 − 1/C`). A proper scoring rule: lower is better, and it rewards calibrated confidence as
 * well as accuracy. This is Brier's original sum over classes; the binary form some libraries
 * report (one class's probability only) is half of it for C = 2.
 *
 * @param logProbabilities - float32 `[N, C]`, N examples of C classes, rows normalised
 *   (`tf.logSoftmax` of logits).
 * @param labels - int32 `[N]`, the true class of each example, in `[0, C)`.
 * @returns a float32 scalar; the caller owns it and the inputs are not disposed.
 * @throws {Error} for wrong ranks, shapes or dtypes, or N = 0; {RangeError} for labels outside
 *   `[0, C)` (unless `checkLabels: false`).
 */
export function brierScore(
  logProbabilities: tf.Tensor,
  labels: tf.Tensor,
  options: BrierScoreOptions = {},
): tf.Scalar {
  const who = 'brierScore';
  checkLogProbabilities(who, 'logProbabilities', logProbabilities, ['N', 'C']);
  checkLabels(who, logProbabilities, labels);
  const classes = logProbabilities.shape[1] ?? 0;
  if (options.checkLabels !== false) {
    const [low = Number.NaN, high = Number.NaN] = tf.tidy(() => [
      ...tf.stack([tf.min(labels), tf.max(labels)]).dataSync(),
    ]);
    checkLabelRange(who, low, high, classes);
  }
  return tf.tidy(() => {
    const oneHot = tf.cast(tf.oneHot(labels as tf.Tensor1D, classes), 'float32');
    const squared = tf.squaredDifference(tf.exp(logProbabilities), oneHot);
    return tf.mean(tf.sum(squared, 1));
  });
}
