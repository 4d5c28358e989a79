import * as tf from '@tensorflow/tfjs-core';
import { HALF_LOG_TWO_PI } from './gaussian-density.js';
import type { Prior } from './prior.js';

/** σ's floor, as in the official BBB-RNN example (papers.md §1.1): `σ = softplus(ρ) + 1e-5`. */
export const DEFAULT_SIGMA_FLOOR = 1e-5;

/** `σ = softplus(ρ) + floor` element-wise (Blundell et al. 2015: σ stays positive for any ρ). */
export function sigmaOf(rho: tf.Tensor, floor: number = DEFAULT_SIGMA_FLOOR): tf.Tensor {
  return tf.tidy(() => tf.add(tf.softplus(rho), floor));
}

/** The ρ that gives `σ` (inverse of `sigmaOf`): `ρ = log(e^(σ − floor) − 1)`. */
export function rhoFor(sigma: number, floor: number = DEFAULT_SIGMA_FLOOR): number {
  const above = sigma - floor;
  if (!(above > 0))
    throw new RangeError(`rhoFor: sigma must exceed the floor ${floor}, got ${sigma}`);
  // log(e^x − 1) = x + log(1 − e^−x), stable for large x.
  return above + Math.log(-Math.expm1(-above));
}

/** The reparameterised draw `θ = μ + σ ⊙ ε` (Kingma & Welling 2014; papers.md §1.1). */
export function reparameterise(mu: tf.Tensor, sigma: tf.Tensor, epsilon: tf.Tensor): tf.Tensor {
  return tf.tidy(() => tf.add(mu, tf.mul(sigma, epsilon)));
}

/** How the KL of a Gaussian posterior to its prior is computed. */
export type KlEstimator = 'closed-form' | 'sample';

/**
 * `KL(q ‖ p)` for one weight tensor with `q = N(μ, σ²)` element-wise:
 * - `'closed-form'`: the prior's `klFromGaussian` (throws if the prior has none);
 * - `'sample'`: the single-sample estimate `log q(θ) − log p(θ)` on the draw `θ = μ + σε` used
 *   for the likelihood (Fortunato et al. 2017, §3; Blundell et al. 2015, eq. 2).
 *
 * On the draw, `log q(θ) = Σ_j (−½ log 2π − log σ_j − ε_j²/2)` because `(θ − μ)/σ = ε`. That form
 * has the same value and the same gradients as `log N(θ | μ, σ²)` differentiated through
 * `θ = μ + σε` (∂/∂μ = 0, ∂/∂σ = −1/σ: the θ-path and the explicit terms cancel), so it gives
 * the paper's gradient steps 3–5 with one `log` per weight instead of eight element-wise ops.
 */
export function gaussianWeightKl(
  q: {
    readonly mu: tf.Tensor;
    readonly sigma: tf.Tensor;
    /** The draw; needed by `'sample'` only. */
    readonly theta?: tf.Tensor;
    /** The standard-normal noise of the draw, `(θ − μ)/σ`; needed by `'sample'` only. */
    readonly epsilon?: tf.Tensor;
  },
  prior: Prior,
  estimator: KlEstimator,
): tf.Scalar {
  if (estimator === 'closed-form') {
    if (prior.klFromGaussian === undefined) {
      throw new Error(`the ${prior.config.kind} prior has no closed-form KL; use kl: 'sample'`);
    }
    return prior.klFromGaussian(q.mu, q.sigma);
  }
  const { theta, epsilon } = q;
  if (theta === undefined || epsilon === undefined) {
    throw new Error("gaussianWeightKl: kl: 'sample' needs the draw's theta and epsilon");
  }
  return tf.tidy(() => {
    // −½ Σ ε² − n ½ log 2π does not depend on (μ, ρ): one constant, no gradient.
    const constant = tf.add(
      tf.mul(tf.sum(tf.square(epsilon)), -0.5),
      -theta.size * HALF_LOG_TWO_PI,
    );
    const logQ = tf.sub(constant, tf.sum(tf.log(q.sigma)));
    return tf.sub(logQ, prior.logProb(theta)) as tf.Scalar;
  });
}
