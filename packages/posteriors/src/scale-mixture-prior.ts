import * as tf from '@tensorflow/tfjs-core';
import { markBuiltInPrior } from './builtin-priors.js';
import { HALF_LOG_TWO_PI } from './gaussian-density.js';
import { checkPositive, type Prior } from './prior.js';

/** The mixture's settings (Blundell et al. 2015, eq. 7). */
export interface ScaleMixtureConfig {
  /** Weight of the wide component, in (0, 1). */
  readonly pi: number;
  /** The wide component's standard deviation. */
  readonly sigma1: number;
  /** The narrow component's standard deviation (σ2 ≪ σ1). */
  readonly sigma2: number;
}

/** The official BBB-RNN example's values (papers.md §1.2): π = 0.25, σ1 = e^−1, σ2 = e^−7. */
export const FORTUNATO_SCALE_MIXTURE: ScaleMixtureConfig = {
  pi: 0.25,
  sigma1: Math.exp(-1),
  sigma2: Math.exp(-7),
};

/**
 * The two-component scale mixture `p(θ_j) = π N(θ_j | 0, σ1²) + (1 − π) N(θ_j | 0, σ2²)`,
 * per scalar weight (papers.md §1.9 pitfall 1: Sonnet mixes per row; this does not).
 *
 * `log p` is a log-sum-exp of the two components' log terms, so σ2 = e^−7 does not underflow.
 * Its KL against a Gaussian posterior has no closed form: posteriors use the single-sample
 * estimate `log q(θ) − log p(θ)` on the draw (Fortunato et al. 2017, §3).
 */
export function scaleMixturePrior(config: ScaleMixtureConfig = FORTUNATO_SCALE_MIXTURE): Prior {
  const { pi, sigma1, sigma2 } = config;
  if (!(pi > 0 && pi < 1))
    throw new RangeError(`scaleMixturePrior: pi must be in (0, 1), got ${pi}`);
  checkPositive(sigma1, 'scaleMixturePrior: sigma1');
  checkPositive(sigma2, 'scaleMixturePrior: sigma2');
  // log π_k − log σ_k − ½ log 2π, the constant part of each component's log term.
  const offset1 = Math.log(pi) - Math.log(sigma1) - HALF_LOG_TWO_PI;
  const offset2 = Math.log(1 - pi) - Math.log(sigma2) - HALF_LOG_TWO_PI;
  const k = 1 / (2 * sigma2 * sigma2) - 1 / (2 * sigma1 * sigma1);
  return markBuiltInPrior({
    config: { kind: 'scale-mixture', pi, sigma1, sigma2 },
    stddev: Math.sqrt(pi * sigma1 * sigma1 + (1 - pi) * sigma2 * sigma2),
    logProb: (theta) =>
      tf.tidy(() => {
        // With a = offset1 − θ²/(2σ1²) and b = offset2 − θ²/(2σ2²) the two log terms,
        // log(e^a + e^b) = a + softplus(b − a), and b − a = (offset2 − offset1) − k θ² is linear
        // in θ² (k = 1/(2σ2²) − 1/(2σ1²) > 0). Summed: n·offset1 − Σθ²/(2σ1²) + Σ softplus(b − a).
        // The wide component is the base: where the narrow one underflows (|θ| ≫ σ2) softplus
        // is 0 and nothing cancels; near 0 both terms are O(10). Five element-wise ops instead
        // of eleven, which matters because this runs on every weight every step.
        const squared = tf.square(theta);
        const difference = tf.sub(offset2 - offset1, tf.mul(squared, k));
        const wide = tf.sub(
          theta.size * offset1,
          tf.mul(tf.sum(squared), 1 / (2 * sigma1 * sigma1)),
        );
        return tf.add(wide, tf.sum(tf.softplus(difference))) as tf.Scalar;
      }),
  });
}
