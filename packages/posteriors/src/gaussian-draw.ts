import { randomNormal } from '@bayesrnn/core';
import type { RngKey } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import { reparameterise, sigmaOf } from './gaussian-weight.js';

/** One weight's draw: its σ, the sample θ = μ + σε, and the noise ε. */
export interface GaussianWeightDraw {
  readonly sigma: tf.Tensor;
  readonly theta: tf.Tensor;
  readonly epsilon: tf.Tensor;
}

/**
 * Draws one weight tensor `θ = μ + σ ⊙ ε`, `σ = softplus(ρ) + floor`, `ε = randomNormal(key)`
 * (papers.md §1.1), differentiable in μ and ρ, in tfjs ops on any backend. Gives σ and ε too,
 * for a KL that needs them (a closed form, a user's prior). `fusedGaussianDraw` draws the same
 * θ in one kernel on wasm, with the single-sample KL of a built-in prior.
 */
export function drawGaussianWeight(
  mu: tf.Tensor,
  rho: tf.Tensor,
  floor: number,
  key: RngKey,
): GaussianWeightDraw {
  if (!tf.util.arraysEqual(mu.shape, rho.shape)) {
    throw new Error(
      `drawGaussianWeight: μ and ρ must have one shape, got [${mu.shape}] and [${rho.shape}]`,
    );
  }
  return tf.tidy(() => {
    const sigma = sigmaOf(rho, floor);
    const epsilon = randomNormal(key, mu.shape);
    return { sigma, theta: reparameterise(mu, sigma, epsilon), epsilon };
  });
}
