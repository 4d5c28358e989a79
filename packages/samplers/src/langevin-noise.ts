import { foldIn, randomNormal } from '@bayesrnn/core';
import type { RngKey } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Adds the injected Gaussian noise of one Langevin step to `x`:
 *
 * ```
 * x + sqrt(variance · P) ⊙ ξ,        ξ ~ N(0, I) drawn from foldIn(key, name)
 * ```
 *
 * `P` is an optional elementwise preconditioner (pSGLD's `G⁻¹`). Each weight `name` gets its
 * own stream, so two weights never share noise and a step is a pure function of its `key`.
 * `variance = 0` (temperature 0) returns `x` unchanged: no draw, no rounding. Call inside
 * `tf.tidy`.
 */
export function addLangevinNoise(
  x: tf.Tensor,
  key: RngKey,
  name: string,
  variance: number,
  preconditioner?: tf.Tensor,
): tf.Tensor {
  if (variance === 0) return x;
  const xi = randomNormal(foldIn(key, name), x.shape);
  const scale =
    preconditioner === undefined ? Math.sqrt(variance) : tf.sqrt(tf.mul(preconditioner, variance));
  return tf.add(x, tf.mul(xi, scale));
}

/**
 * The variance `2 η T c / N` of the injected noise per step, for step size `η` on the scale
 * of the minibatch loss: `c = 1` for SGLD and pSGLD (times `G⁻¹`), `c = α` for SGHMC.
 */
export function langevinVariance(
  stepSize: number,
  config: { readonly temperature: number; readonly datasetSize: number },
  friction = 1,
): number {
  return (2 * stepSize * config.temperature * friction) / config.datasetSize;
}
