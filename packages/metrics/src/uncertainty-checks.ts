import type * as tf from '@tensorflow/tfjs-core';

const shapeOf = (tensor: tf.Tensor): string => `[${tensor.shape.join(', ')}]`;

/**
 * Checks that `tensor` (the argument `name` of `who`) is float32 log-probabilities of rank
 * `axes.length` with at least one class on the last axis. Errors name both.
 *
 * @param axes - The expected axes' names, e.g. `['N', 'C']`, for the message.
 */
export function checkLogProbabilities(
  who: string,
  name: string,
  tensor: tf.Tensor,
  axes: readonly string[],
): void {
  if (tensor.rank !== axes.length) {
    throw new Error(`${who}: ${name} must be [${axes.join(', ')}], got ${shapeOf(tensor)}`);
  }
  if (tensor.dtype !== 'float32') {
    throw new Error(`${who}: ${name} must be float32 log-probabilities, got ${tensor.dtype}`);
  }
  if ((tensor.shape[tensor.rank - 1] ?? 0) < 1) {
    throw new Error(`${who}: ${name} ${shapeOf(tensor)} has no classes (C = 0)`);
  }
}

/**
 * Checks `labels` against `logProbabilities` `[N, C]` (already checked): int32 `[N]` with
 * N ≥ 1. The values are not read here; see {@link checkLabelRange}.
 */
export function checkLabels(who: string, logProbabilities: tf.Tensor, labels: tf.Tensor): void {
  if (labels.dtype !== 'int32') {
    throw new Error(`${who}: labels must be int32 class ids, got ${labels.dtype}`);
  }
  const examples = logProbabilities.shape[0] ?? 0;
  if (labels.rank !== 1 || labels.shape[0] !== examples) {
    throw new Error(
      `${who}: labels ${shapeOf(labels)} must be [N] = [${examples}], one per row of logProbabilities ${shapeOf(logProbabilities)}`,
    );
  }
  if (examples === 0) throw new Error(`${who}: no examples (N = 0)`);
}

/** Throws a `RangeError` unless every label, from `low` to `high`, is in `[0, classes)`. */
export function checkLabelRange(who: string, low: number, high: number, classes: number): void {
  if (!(low >= 0 && high < classes)) {
    throw new RangeError(`${who}: labels must be in [0, ${classes}), found ${low} … ${high}`);
  }
}
