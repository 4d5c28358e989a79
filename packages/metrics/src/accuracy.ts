import * as tf from '@tensorflow/tfjs-core';
import { checkScoresAndTargets, type NllOptions } from './nll.js';

/**
 * Top-1 accuracy: the fraction of positions where the highest score is the target, a scalar
 * in [0, 1]. `scores` `[..., vocabSize]` (logits or log-probabilities: the arg-max is the
 * same), `targets` int32 `[...]`. Ties go to the lowest id (tfjs's `argMax`).
 */
export function accuracy(
  scores: tf.Tensor,
  targets: tf.Tensor,
  options: Pick<NllOptions, 'checkTargets'> = {},
): tf.Scalar {
  checkScoresAndTargets('accuracy', scores, targets, options);
  return tf.tidy(() => tf.mean(tf.cast(tf.equal(tf.argMax(scores, -1), targets), 'float32')));
}
