import * as tf from '@tensorflow/tfjs-core';

/**
 * Floor added to every softplus standard deviation: keeps σ > 0 when the network pushes the
 * softplus argument far negative, so log σ and the KL's division stay finite.
 */
export const SIGMA_FLOOR = 1e-3;

/** A diagonal Gaussian by its parameters, each `[batchSize, latentSize]`. */
export interface DiagonalGaussian {
  readonly mean: tf.Tensor2D;
  /** σ > 0. */
  readonly stddev: tf.Tensor2D;
}

/**
 * Splits a network's `[batchSize, 2 · latentSize]` output into a Gaussian: the first half is
 * the mean, the second half passes through σ = softplus(·) + `SIGMA_FLOOR`.
 */
export function gaussianFromOutput(output: tf.Tensor2D): DiagonalGaussian {
  return tf.tidy(() => {
    const [mean, raw] = tf.split(output, 2, 1) as [tf.Tensor2D, tf.Tensor2D];
    return { mean, stddev: tf.add(tf.softplus(raw), SIGMA_FLOOR) as tf.Tensor2D };
  });
}

/**
 * KL[N(μ_q, σ_q²) ‖ N(μ_p, σ_p²)] of diagonal Gaussians in closed form, summed over the latent
 * dimensions (papers.md §4.1):
 *
 *   Σ_d log σ_p − log σ_q + (σ_q² + (μ_q − μ_p)²) / (2σ_p²) − 1/2
 *
 * @returns `[batchSize]`, in nats.
 */
export function gaussianKl(posterior: DiagonalGaussian, prior: DiagonalGaussian): tf.Tensor1D {
  return tf.tidy(() => {
    const logRatio = tf.sub(tf.log(prior.stddev), tf.log(posterior.stddev));
    const spread = tf.add(
      tf.square(posterior.stddev),
      tf.square(tf.sub(posterior.mean, prior.mean)),
    );
    const quadratic = tf.div(spread, tf.mul(2, tf.square(prior.stddev)));
    return tf.sum(tf.sub(tf.add(logRatio, quadratic), 0.5), 1) as tf.Tensor1D;
  });
}

/**
 * A reparameterised draw z = μ + σ ⊙ ε (Kingma & Welling 2014): differentiable in μ and σ,
 * with the noise ε ~ N(0, I) given by the caller (drawn from an explicit key).
 *
 * @param noise - ε, `[batchSize, latentSize]`.
 */
export function reparameterise(gaussian: DiagonalGaussian, noise: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => tf.add(gaussian.mean, tf.mul(gaussian.stddev, noise)) as tf.Tensor2D);
}

/**
 * −log p(x | logits) of independent Bernoulli pixels, summed over the pixels, computed stably
 * as softplus(ℓ) − x ℓ (no log of a sigmoid that underflows).
 *
 * @param logits - ℓ, `[rows, frameSize]`.
 * @param frames - x ∈ {0, 1} (or in [0, 1]), `[rows, frameSize]`.
 * @returns `[rows]`, in nats.
 */
export function bernoulliNll(logits: tf.Tensor2D, frames: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(
    () => tf.sum(tf.sub(tf.softplus(logits), tf.mul(frames, logits)), 1) as tf.Tensor1D,
  );
}
