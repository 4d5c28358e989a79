import * as tf from '@tensorflow/tfjs-core';
import type { ResolvedLangevinConfig } from './langevin-config.js';

/**
 * The gradient of the potential on the scale of the minibatch loss, `∇U(θ)/N`:
 *
 * ```
 * ∇U(θ)/N = g + ∇(−log p)(θ)/N = g + θ / (σ² N)        p(θ) = N(0, σ² I)
 * ```
 *
 * The prior pulls towards zero (`+θ/σ²`, weight decay); the released Theano code has the
 * opposite sign (papers.md §2.9 pitfall 3). With `σ² = Infinity` this is `g` itself.
 * Call inside `tf.tidy`.
 *
 * @param position - `θ`, any shape.
 * @param gradient - `g = ∇L(θ)`, the same shape.
 */
export function potentialGradient(
  position: tf.Tensor,
  gradient: tf.Tensor,
  config: ResolvedLangevinConfig,
): tf.Tensor {
  return withPriorPull(gradient, position, priorPrecision(config));
}

/** `g + c θ`: the gradient plus the prior's pull of precision `c` (`g` itself for `c = 0`). */
export function withPriorPull(
  gradient: tf.Tensor,
  position: tf.Tensor,
  precision: number,
): tf.Tensor {
  return precision === 0 ? gradient : tf.add(gradient, tf.mul(position, precision));
}

/** `1/(σ² N)`, the Gaussian prior's pull per unit of θ on the minibatch scale (0 for σ² = ∞). */
export function priorPrecision(config: {
  readonly priorVariance: number;
  readonly datasetSize: number;
}): number {
  return 1 / (config.priorVariance * config.datasetSize);
}
