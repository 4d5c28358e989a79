import * as tf from '@tensorflow/tfjs-core';

/**
 * The identity in the forward pass with a zero gradient: `d stopGradient(x) / dx = 0`.
 *
 * tfjs has no `stopGradient`; this is a `customGrad` whose gradient function returns zeros.
 * Used to carry recurrent state across truncated-BPTT windows and for the sharpening
 * gradient `g_phi` (Fortunato et al. 2017, §4). Returns a new tensor; the input is kept.
 */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  // customGrad passes its inputs (then a save function) as rest arguments.
  const blocked = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => ({
    value: (args[0] as tf.Tensor).clone(),
    gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
  }));
  return blocked(x) as T;
}
