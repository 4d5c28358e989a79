import * as tf from '@tensorflow/tfjs-core';
import { gaussianKlToZeroMean, gaussianLogDensity } from './gaussian-density.js';
import { checkPositive, type Prior } from './prior.js';

/**
 * The prior `θ_j ~ N(0, σ²)` for every weight. Its KL against a Gaussian posterior has a
 * closed form, which posteriors use instead of a sample estimate.
 *
 * @param sigma - the prior standard deviation (Gan et al. 2017 use 1).
 */
export function gaussianPrior(sigma: number): Prior {
  checkPositive(sigma, 'gaussianPrior: sigma');
  return {
    config: { kind: 'gaussian', sigma },
    stddev: sigma,
    logProb: (theta) => tf.tidy(() => tf.sum(gaussianLogDensity(theta, 0, sigma)) as tf.Scalar),
    klFromGaussian: (mu, posteriorSigma) => gaussianKlToZeroMean(mu, posteriorSigma, sigma),
  };
}
