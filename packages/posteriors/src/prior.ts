import type * as tf from '@tensorflow/tfjs-core';

/** A prior's description, stored in run configs and checkpoints so a posterior can be rebuilt. */
export type PriorConfig =
  | { readonly kind: 'gaussian'; readonly sigma: number }
  | {
      readonly kind: 'scale-mixture';
      readonly pi: number;
      readonly sigma1: number;
      readonly sigma2: number;
    };

/**
 * A factorised, zero-mean prior `p(θ) = Π_j p(θ_j)` over every Bayesian weight.
 *
 * Implement `logProb` for any prior; add `klFromGaussian` when KL(N(μ, σ²) ‖ p) has a closed
 * form, and posteriors use it instead of the single-sample estimate.
 */
export interface Prior {
  readonly config: PriorConfig;
  /** The prior's standard deviation `sqrt(E[θ²])`; posteriors initialise σ as a fraction of it. */
  readonly stddev: number;
  /** `Σ_j log p(θ_j)` over every element of `theta` (any shape), a scalar. */
  logProb(theta: tf.Tensor): tf.Scalar;
  /** `Σ_j KL(N(μ_j, σ_j²) ‖ p)` in closed form, when it exists. */
  klFromGaussian?(mu: tf.Tensor, sigma: tf.Tensor): tf.Scalar;
}

/** Throws a `RangeError` naming `what` unless `value` is finite and > 0. */
export function checkPositive(value: number, what: string): void {
  if (!(Number.isFinite(value) && value > 0)) {
    throw new RangeError(`${what} must be a finite number > 0, got ${value}`);
  }
}
