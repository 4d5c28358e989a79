import * as tf from '@tensorflow/tfjs-core';

/**
 * Runs `fn` and throws if it leaves tensors behind: `tf.memory().numTensors` after must equal
 * before. `fn` must dispose what it makes (or use `tf.tidy`); returning a tensor counts as a leak,
 * so check the value inside `fn`.
 */
export async function expectNoLeaks(
  fn: () => void | Promise<void>,
  label = 'function',
): Promise<void> {
  const before = tf.memory().numTensors;
  await fn();
  const after = tf.memory().numTensors;
  if (after !== before) {
    throw new Error(
      `${label} leaked ${after - before} tensor(s): ${before} before, ${after} after`,
    );
  }
}

/** How many tensors `fn` leaves alive (negative if it disposed some of the caller's). */
export async function countNewTensors(fn: () => void | Promise<void>): Promise<number> {
  const before = tf.memory().numTensors;
  await fn();
  return tf.memory().numTensors - before;
}
