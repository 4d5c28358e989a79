// Test targets with known moments, sampled by many independent chains at once: the chains are
// the rows of one [chains, dim] weight, and the potential is a sum over rows, so one sampler
// step advances every chain independently (each element gets its own noise).
import { createKey, disposeTree, foldIn } from '@bayesrnn/core';
import type { NamedTensorTree, Sampler } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';

export type Matrix2 = readonly [readonly [number, number], readonly [number, number]];

/** A 2-D Gaussian `N(mean, covariance)`. */
export interface Gaussian2 {
  readonly mean: readonly [number, number];
  readonly covariance: Matrix2;
}

export function inverse2([[a, b], [c, d]]: Matrix2): Matrix2 {
  const det = a * d - b * c;
  return [
    [d / det, -b / det],
    [-c / det, a / det],
  ];
}

/** The correlated target of the statistical tests: unit variances, correlation 0.8. */
export const CORRELATED: Gaussian2 = {
  mean: [1, -1],
  covariance: [
    [1, 0.8],
    [0.8, 1],
  ],
};

/** Runs `steps` transitions of `chains` chains from `start`; returns the final rows. */
export function runChains<State extends NamedTensorTree>(
  sampler: Sampler<'x', State>,
  options: {
    readonly chains: number;
    readonly steps: number;
    readonly stepSize: number;
    readonly start: readonly [number, number];
    readonly seed: number;
    /** `g = ∇L(x)` for a [chains, 2] position; called inside `tf.tidy`. */
    readonly gradient: (x: tf.Tensor2D) => tf.Tensor2D;
  },
): Float32Array {
  const start = tf.tile(tf.tensor2d([[...options.start]]), [options.chains, 1]);
  let state = sampler.init({ x: start });
  start.dispose();
  const key = createKey(options.seed);
  for (let t = 1; t <= options.steps; t += 1) {
    const gradient = tf.tidy(() => options.gradient(sampler.position(state).x as tf.Tensor2D));
    const next = sampler.step(state, { x: gradient }, foldIn(key, t), options.stepSize);
    gradient.dispose();
    disposeTree(state);
    state = next;
  }
  const samples = sampler.position(state).x.dataSync() as Float32Array;
  disposeTree(state);
  return samples;
}

/** Sample mean and (1/n) covariance of rows `[x, y]` stored flat. */
export function moments(samples: Float32Array): Gaussian2 {
  const n = samples.length / 2;
  let [mx, my] = [0, 0];
  for (let i = 0; i < n; i += 1) {
    mx += samples[2 * i] ?? Number.NaN;
    my += samples[2 * i + 1] ?? Number.NaN;
  }
  [mx, my] = [mx / n, my / n];
  let [sxx, sxy, syy] = [0, 0, 0];
  for (let i = 0; i < n; i += 1) {
    const dx = (samples[2 * i] ?? Number.NaN) - mx;
    const dy = (samples[2 * i + 1] ?? Number.NaN) - my;
    [sxx, sxy, syy] = [sxx + dx * dx, sxy + dx * dy, syy + dy * dy];
  }
  return {
    mean: [mx, my],
    covariance: [
      [sxx / n, sxy / n],
      [sxy / n, syy / n],
    ],
  };
}

/**
 * Worst standardised errors of sample moments against the truth: mean errors in units of
 * the true standard deviation `|m̂ᵢ − mᵢ| / √Σᵢᵢ`, covariance errors in units of
 * `√(Σᵢᵢ Σⱼⱼ)` (so 0.05 means 5 % of the scale of that entry).
 */
export function momentErrors(
  samples: Float32Array,
  truth: Gaussian2,
): { mean: number; covariance: number; estimate: Gaussian2 } {
  const estimate = moments(samples);
  const sd = [0, 1].map((i) => Math.sqrt(truth.covariance[i as 0 | 1][i as 0 | 1]));
  let mean = 0;
  let covariance = 0;
  for (const i of [0, 1] as const) {
    mean = Math.max(mean, Math.abs(estimate.mean[i] - truth.mean[i]) / (sd[i] ?? 1));
    for (const j of [0, 1] as const) {
      const scale = (sd[i] ?? 1) * (sd[j] ?? 1);
      covariance = Math.max(
        covariance,
        Math.abs(estimate.covariance[i][j] - truth.covariance[i][j]) / scale,
      );
    }
  }
  return { mean, covariance, estimate };
}

/** `g = (x − μ) Σ⁻¹` for rows `x`: the gradient of `U = ½ (x − μ)ᵀ Σ⁻¹ (x − μ)` (N = 1). */
export function gaussianGradient(target: Gaussian2): (x: tf.Tensor2D) => tf.Tensor2D {
  const precision = inverse2(target.covariance).map((row) => [...row]);
  return (x) => tf.matMul(tf.sub(x, tf.tensor1d([...target.mean])), tf.tensor2d(precision));
}
