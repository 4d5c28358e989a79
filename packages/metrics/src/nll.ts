import * as tf from '@tensorflow/tfjs-core';
import { sparseSoftmaxCrossEntropy } from './sparse-softmax-cross-entropy.js';

/**
 * What the scores are: unnormalised `'logits'` (a log-softmax is applied) or
 * `'logProbabilities'` (used as they are, e.g. an MC average from `averageProbabilities`).
 */
export type ScoreKind = 'logits' | 'logProbabilities';

/** Options of the tensor metrics. */
export interface NllOptions {
  /**
   * What `scores` holds. Default `'logits'`, which is also right for log-probabilities: a
   * log-softmax leaves normalised log-probabilities unchanged (up to rounding), so
   * `'logProbabilities'` only skips that work.
   */
  readonly from?: ScoreKind;
  /**
   * Check that every target is in `[0, vocabSize)` (default `true`). Out-of-range ids would
   * otherwise read a neighbouring row and give a wrong number silently. The check reads two
   * scalars back from the backend; turn it off in a hot loop once the data is known good.
   */
  readonly checkTargets?: boolean;
}

/** Checks shapes and dtypes (and target values), naming the function and the shapes. */
export function checkScoresAndTargets(
  who: string,
  scores: tf.Tensor,
  targets: tf.Tensor,
  options: NllOptions,
): number {
  const vocabSize = scores.shape[scores.rank - 1];
  const leading = scores.shape.slice(0, -1);
  if (vocabSize === undefined || vocabSize < 1) {
    throw new Error(
      `${who}: scores need a last (vocabulary) axis, got [${scores.shape.join(', ')}]`,
    );
  }
  if (targets.dtype !== 'int32') {
    throw new Error(`${who}: targets must be int32 token ids, got ${targets.dtype}`);
  }
  if (targets.shape.join(',') !== leading.join(',')) {
    throw new Error(
      `${who}: targets [${targets.shape.join(', ')}] must be scores [${scores.shape.join(', ')}] without the last axis`,
    );
  }
  if (targets.size === 0) throw new Error(`${who}: no targets`);
  if (options.checkTargets !== false) {
    const [low, high] = tf.tidy(() => [
      tf.min(targets).dataSync()[0],
      tf.max(targets).dataSync()[0],
    ]);
    if ((low ?? -1) < 0 || (high ?? vocabSize) >= vocabSize) {
      throw new RangeError(
        `${who}: target ids must be in [0, ${vocabSize}), found ${low} … ${high}`,
      );
    }
  }
  return vocabSize;
}

/** {@link tokenNll} with the public function's name in its errors. */
export function tokenNllFor(
  who: string,
  scores: tf.Tensor,
  targets: tf.Tensor,
  options: NllOptions,
): tf.Tensor {
  const vocabSize = checkScoresAndTargets(who, scores, targets, options);
  return tf.tidy(() => {
    if (options.from !== 'logProbabilities') {
      // Logits: the fused softmax cross-entropy (one exp, kept for the gradient).
      const flatLogits = tf.reshape(scores, [-1, vocabSize]) as tf.Tensor2D;
      const flatTargets = tf.reshape(targets, [-1]) as tf.Tensor1D;
      return tf.reshape(sparseSoftmaxCrossEntropy(flatLogits, flatTargets), targets.shape);
    }
    const logProbabilities = scores;
    // Pick row i's target from the flat [N · vocabSize] view: index i · vocabSize + target.
    const flat = tf.reshape(logProbabilities, [-1]);
    const rows = tf.range(0, targets.size, 1, 'int32');
    const index = tf.add(tf.mul(rows, tf.scalar(vocabSize, 'int32')), tf.reshape(targets, [-1]));
    return tf.reshape(tf.neg(tf.gather(flat, index)), targets.shape);
  });
}

/**
 * Per-token negative log-likelihood `−log p(target)` in nats, shaped like `targets`.
 * `scores` is `[..., vocabSize]` (`[batchSize, steps, vocabSize]` logits, or `[N, vocabSize]`
 * log-probabilities) and `targets` the int32 ids, `[...]`. Logits go through a fused softmax
 * cross-entropy that subtracts the row maximum first, so large logits do not overflow.
 * Differentiable in `scores` (usable as the training loss). The caller owns the result.
 *
 * @throws {Error} for mismatched shapes, non-int32 or no targets; {RangeError} for ids
 *   outside `[0, vocabSize)` (unless `checkTargets: false`).
 */
export function tokenNll(
  scores: tf.Tensor,
  targets: tf.Tensor,
  options: NllOptions = {},
): tf.Tensor {
  return tokenNllFor('tokenNll', scores, targets, options);
}

/**
 * The summed NLL over all targets, a scalar in nats: what a streaming evaluation adds up
 * (see `createNllAccumulator`). Shapes as in {@link tokenNll}.
 */
export function sumNll(scores: tf.Tensor, targets: tf.Tensor, options: NllOptions = {}): tf.Scalar {
  return tf.tidy(() => tf.sum(tokenNllFor('sumNll', scores, targets, options)));
}

/**
 * The mean NLL per target, a scalar in nats (the usual cross-entropy loss). Shapes as in
 * {@link tokenNll}.
 */
export function meanNll(
  scores: tf.Tensor,
  targets: tf.Tensor,
  options: NllOptions = {},
): tf.Scalar {
  return tf.tidy(() => tf.mean(tokenNllFor('meanNll', scores, targets, options)));
}
