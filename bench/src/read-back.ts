import * as tf from '@tensorflow/tfjs-core';

/**
 * Reads one element of `tensor` to the host. Backends run kernels in order, so once this
 * resolves everything queued before it (e.g. the optimiser's update of `tensor`) has finished.
 */
export async function readBack(tensor: tf.Tensor): Promise<void> {
  const element = tf.tidy(() => tf.slice(tf.reshape(tensor, [-1]), 0, 1));
  await element.data();
  element.dispose();
}
