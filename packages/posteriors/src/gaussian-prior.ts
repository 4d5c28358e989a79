import * as tf from '@tensorflow/tfjs-core';
import { markBuiltInPrior } from './builtin-priors.js';
import { gaussianKlToZeroMean } from './gaussian-density.js';
import { checkPositive, type Prior } from './prior.js';

/**
 * The prior `θ_j ~ N(0, σ²)` for every weight. Its KL against a Gaussian posterior has a
 * closed form, which posteriors use instead of a sample estimate.
 *
 * @param sigma - the prior standard deviation (Gan et al. 2017 use 1).
 */
export function gaussianPrior(sigma: number): Prior {
  checkPositive(sigma, 'gaussianPrior: sigma');
  return markBuiltInPrior({
    config: { kind: 'gaussian', sigma },
    stddev: sigma,
    // Σ log N(θ_j | 0, σ²) = −n (½ log 2π + log σ) − Σ θ² / (2σ²): two passes over θ.
    logProb: (theta) =>
      tf.tidy(
        () =>
          tf.sub(
            -theta.size * (0.5 * Math.log(2 * Math.PI) + Math.log(sigma)),
            tf.mul(tf.sum(tf.square(theta)), 1 / (2 * sigma * sigma)),
          ) as tf.Scalar,
      ),
    klFromGaussian: (mu, posteriorSigma) => gaussianKlToZeroMean(mu, posteriorSigma, sigma),
  });
}
