// Bayesian linear regression y = θ₀ + θ₁ t + noise with a closed-form Gaussian posterior:
// a target that exercises datasetSize and the prior, which the unit-scale Gaussian does not.
import * as tf from '@tensorflow/tfjs-core';
import { type Gaussian2, inverse2, type Matrix2 } from './gaussian-target.js';

/** 20 points, t = 0, 0.1, …, 1.9 (so intercept and slope are correlated), noise variance 1. */
export const REGRESSION = (() => {
  const t = Array.from({ length: 20 }, (_, i) => i / 10);
  const y = t.map((ti, i) => 0.5 + 1.2 * ti + 0.4 * Math.sin(1.7 * i + 0.3));
  return { design: t.map((ti) => [1, ti] as const), y, noiseVariance: 1 };
})();

/**
 * The exact posterior under the prior `N(0, priorVariance·I)`:
 * precision `P = XᵀX/s² + I/σ²`, mean `P⁻¹ Xᵀy / s²`.
 */
export function regressionPosterior(priorVariance: number): Gaussian2 {
  const { design, y, noiseVariance: s2 } = REGRESSION;
  const p = [
    [1 / priorVariance, 0],
    [0, 1 / priorVariance],
  ];
  const xty = [0, 0];
  design.forEach((row, n) => {
    for (const i of [0, 1] as const) {
      xty[i] = (xty[i] ?? 0) + (row[i] * (y[n] ?? 0)) / s2;
      for (const j of [0, 1] as const) {
        const pi = p[i] ?? [];
        pi[j] = (pi[j] ?? 0) + (row[i] * row[j]) / s2;
      }
    }
  });
  const covariance = inverse2(p as unknown as Matrix2);
  const [[a, b], [c, d]] = covariance;
  const [u = 0, v = 0] = xty;
  return { mean: [a * u + b * v, c * u + d * v], covariance };
}

/**
 * `g = ∇L` for rows θ of a [chains, 2] tensor, with the minibatch loss taken as the mean NLL
 * per point over the whole data set: `L = (1/n) Σ (yₙ − xₙᵀθ)² / (2 s²)`, so `datasetSize = n`.
 * Computed as `θ XᵀX/(n s²) − Xᵀy/(n s²)` (the same value, without a [chains, n] residual).
 */
export function regressionGradient(theta: tf.Tensor2D): tf.Tensor2D {
  const { design, y, noiseVariance } = REGRESSION;
  const scale = design.length * noiseVariance;
  const x = tf.tensor2d(design.map((row) => [...row]));
  const xtx = tf.div(tf.matMul(x, x, true, false), scale);
  const xty = tf.div(tf.matMul(tf.tensor2d([y]), x), scale);
  return tf.sub(tf.matMul(theta, xtx), xty);
}
