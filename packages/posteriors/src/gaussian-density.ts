import * as tf from '@tensorflow/tfjs-core';

/** ½ log 2π: the normal density's constant, per element. */
export const HALF_LOG_TWO_PI = 0.5 * Math.log(2 * Math.PI);

/**
 * Element-wise `log N(x | μ, σ²) = −½ log 2π − log σ − (x − μ)² / (2σ²)`.
 * `mu` and `sigma` broadcast against `x` (numbers or tensors).
 */
export function gaussianLogDensity(
  x: tf.Tensor,
  mu: tf.Tensor | number,
  sigma: tf.Tensor | number,
): tf.Tensor {
  return tf.tidy(() => {
    const z = tf.div(tf.sub(x, mu), sigma);
    return tf.sub(tf.neg(tf.add(tf.log(sigma), HALF_LOG_TWO_PI)), tf.mul(tf.square(z), 0.5));
  });
}

/**
 * `Σ_j KL(N(μ_j, σ_j²) ‖ N(0, s²))` in closed form:
 * `Σ_j [log(s / σ_j) + (σ_j² + μ_j²) / (2 s²) − ½]` (Kingma & Welling 2014, appendix B).
 */
export function gaussianKlToZeroMean(mu: tf.Tensor, sigma: tf.Tensor, s: number): tf.Scalar {
  return tf.tidy(() => {
    const ratio = tf.div(tf.add(tf.square(sigma), tf.square(mu)), 2 * s * s);
    const perWeight = tf.sub(tf.add(tf.sub(Math.log(s), tf.log(sigma)), ratio), 0.5);
    return tf.sum(perWeight) as tf.Scalar;
  });
}
