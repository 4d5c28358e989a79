// Test fixture: a Gaussian posterior whose μ and σ are set by hand, so that |μ|, σ and |μ|/σ
// are known numbers.
import { createKey } from '@bayesrnn/core';
import * as tf from '@tensorflow/tfjs-core';
import { createGaussianPosterior } from '../gaussian-posterior.js';
import { gaussianPrior } from '../gaussian-prior.js';
import { rhoFor } from '../gaussian-weight.js';

/**
 * Bayesian `a` (μ 1, −1, 0.05, 3; σ 0.5, 0.5, 0.5, 1) and `b` (μ −0.5, 0.4; σ 0.1, 2), no σ
 * floor, and a point weight `c` (0, 0). a[0] and a[1] tie exactly on every backend: the same σ
 * and the same |μ|.
 */
export function handSetPosterior() {
  const specs = {
    a: { shape: [4], init: () => tf.tensor1d([1, -1, 0.05, 3]) },
    b: { shape: [2], init: () => tf.tensor1d([-0.5, 0.4]) },
    c: { shape: [2], init: () => tf.tensor1d([0, 0]) },
  };
  const posterior = createGaussianPosterior({
    specs,
    key: createKey(1),
    prior: gaussianPrior(1),
    isBayesian: (name) => name !== 'c',
    sigmaFloor: 0,
  });
  const sigmas = { a: [0.5, 0.5, 0.5, 1], b: [0.1, 2] };
  for (const name of ['a', 'b'] as const) {
    const { rho } = posterior.parametersOf(name);
    tf.tidy(() => rho.assign(tf.tensor1d(sigmas[name].map((s) => rhoFor(s, 0)))));
  }
  return posterior;
}
