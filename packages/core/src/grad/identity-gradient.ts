import * as tf from '@tensorflow/tfjs-core';

/**
 * Registers Identity's gradient as a new handle on `dy`'s buffer, in place of tfjs's
 * `cast(dy, 'float32')`. Gradients are float32 already, but a Cast kernel always writes a new
 * buffer (wasm and cpu), so every `tf.clone` on the way to the loss copied the whole gradient
 * of what it cloned. `pointPosterior.draw` hands out clones of the variables (the caller may
 * dispose them), so each weight's gradient was copied once per step: the 4.6M weights of the
 * PTB-small model, 18 MB, 1.4–6.8 ms a step on wasm in the bench's profile. `tf.clone(dy)` runs
 * the Identity kernel, which shares the buffer. Idempotent; `selectBackend` calls it.
 */
export function registerIdentityGradient(): void {
  if (tf.getGradient(tf.Identity)?.gradFunc === identityGradient) return;
  tf.registerGradient({ kernelName: tf.Identity, gradFunc: identityGradient });
}

function identityGradient(dy: tf.Tensor | tf.Tensor[]): { x: () => tf.Tensor } {
  return { x: () => tf.clone(dy as tf.Tensor) };
}
