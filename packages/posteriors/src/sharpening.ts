import * as tf from '@tensorflow/tfjs-core';

/**
 * The sharpened draw for one weight tensor (Fortunato et al. 2017, §4, eq. 7–9):
 * `θ = φ − η ⊙ g_φ + σ0 ε` — a sample of `q(θ | φ, (x, y)) = N(φ − η ⊙ g_φ, σ0² I)` — and its
 * closed-form KL to the hierarchical prior `p(θ | φ) = N(φ, σ0² I)`:
 * `KL = Σ_j (η_j g_j)² / (2 σ0²)` (both Gaussians share the covariance σ0² I, so only the means
 * differ).
 *
 * `gradient` (`g_φ`) enters as a constant: differentiating θ with respect to μ and σ does not
 * go through `g_φ(φ)` (that would need a Hessian-vector product; papers.md §1.4). η gets its
 * gradient through θ and through the KL.
 */
export function sharpenWeight(
  phi: tf.Tensor,
  eta: tf.Tensor,
  gradient: tf.Tensor,
  epsilon: tf.Tensor,
  sigma0: number,
): { theta: tf.Tensor; kl: tf.Scalar } {
  return tf.tidy(() => {
    const step = tf.mul(eta, gradient);
    const theta = tf.add(tf.sub(phi, step), tf.mul(epsilon, sigma0));
    const kl = tf.div(tf.sum(tf.square(step)), 2 * sigma0 * sigma0) as tf.Scalar;
    return { theta, kl };
  });
}
