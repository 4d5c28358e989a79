// The user's SGNHT sampler as the library's trainer optimiser (createSamplerOptimizer of
// @bayesrnn/train): a Bayesian linear regression, sampled from minibatch gradients, against its
// exact posterior.

import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createKey, disposeTree, foldIn, randomNormal, randomPermutation } from '@bayesrnn/core';
import { checkLeaksAfterEachTest } from '@bayesrnn/testing';
import { createSamplerOptimizer, type TrainTask, train } from '@bayesrnn/train';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createSgnht } from './sgnht-sampler.js';

checkLeaksAfterEachTest();

/** Solves `A x = b` for a small symmetric positive-definite `A` (Gaussian elimination). */
function solve(matrix: number[][], rhs: number[]): number[] {
  const n = rhs.length;
  const a = matrix.map((row, i) => [...row, rhs[i] as number]);
  for (let k = 0; k < n; k += 1) {
    const pivot = a[k] as number[];
    for (let i = k + 1; i < n; i += 1) {
      const row = a[i] as number[];
      const f = (row[k] as number) / (pivot[k] as number);
      for (let j = k; j <= n; j += 1) row[j] = (row[j] as number) - f * (pivot[j] as number);
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let i = n - 1; i >= 0; i -= 1) {
    const row = a[i] as number[];
    let s = row[n] as number;
    for (let j = i + 1; j < n; j += 1) s -= (row[j] as number) * (x[j] as number);
    x[i] = s / (row[i] as number);
  }
  return x;
}

describe('SGNHT as the trainer optimiser (createSamplerOptimizer)', () => {
  it('samples a Bayesian linear regression posterior from minibatch gradients', () => {
    // y = x·w + b + ε, ε ~ N(0, s²), prior N(0, 1) on w and b (the default σ² = 1); N = 32
    // examples, minibatches of 8 drawn afresh each step; L = mean over the batch of
    // (y − x·w − b)²/(2s²), so `datasetSize` is N, exactly as for createSghmc.
    const [N, batch, s, eta, diffusion] = [32, 8, 1, 0.05, 0.05];
    const dataKey = createKey(5);
    const features = randomNormal(foldIn(dataKey, 0), [N, 2]);
    const targets = tf.tidy(() => {
      const noise = randomNormal(foldIn(dataKey, 1), [N, 1], { stddev: s });
      return tf.add(tf.add(tf.matMul(features, tf.tensor2d([[1], [-0.5]])), 0.3), noise);
    });
    const posterior = linearRegressionPosterior(
      features.arraySync() as number[][],
      targets.dataSync(),
      s,
    );

    const variables = tf.tidy(() => ({
      w: tf.variable(tf.zeros([2, 1])),
      b: tf.variable(tf.zeros([1])),
    }));
    const optimizer = createSamplerOptimizer(createSgnht({ datasetSize: N, diffusion }), 'sgnht');
    let state = optimizer.init(variables);
    const key = createKey(6);
    const [burnIn, kept] = [400, 2000];
    const [sum, squares] = [
      [0, 0, 0],
      [0, 0, 0],
    ];
    let thermostat = 0;
    for (let t = 1; t <= burnIn + kept; t += 1) {
      const picked = randomPermutation(foldIn(dataKey, 100 + t), N).slice(0, batch);
      const gradients = tf.tidy(() => {
        const index = tf.tensor1d(picked, 'int32');
        const [x, y] = [tf.gather(features, index), tf.gather(targets, index)];
        const loss = (w: tf.Tensor, b: tf.Tensor): tf.Scalar =>
          tf.div(tf.mean(tf.square(tf.sub(y, tf.add(tf.matMul(x, w), b)))), 2 * s ** 2);
        const [w, b] = tf.grads(loss)([variables.w, variables.b]) as [tf.Tensor, tf.Tensor];
        return { w, b };
      });
      const next = optimizer.apply(variables, gradients, state, eta, foldIn(key, t));
      disposeTree([state, gradients]);
      state = next;
      if (t <= burnIn) continue;
      [...variables.w.dataSync(), ...variables.b.dataSync()].forEach((x, i) => {
        sum[i] = (sum[i] as number) + x;
        squares[i] = (squares[i] as number) + x * x;
      });
      thermostat += state.thermostat.dataSync()[0] as number;
    }
    disposeTree([state, features, targets, variables.w, variables.b]);
    // Mixing: posterior curvature per step ηλ ≈ 0.05 and friction α ≈ 0.11 give a position
    // autocorrelation time 2α/(ηλ) ≈ 5 steps and ≈ 1/α ≈ 9 for x²: ≈ 400 and ≈ 220 effective
    // draws of 2000. SE(mean) ≈ 0.05 sd, so 0.3 sd is 6 SE; SE(variance) ≈ √(2/220) ≈ 10 %, and
    // the Euler bias is −α/2 ≈ −5 %, so [0.6, 1.4] is ≥ 3.5 SE, and still catches a noise
    // scale off by a factor 2 (temperature) or N (the dataset-size scaling).
    posterior.mean.forEach((mu, i) => {
      const sd = Math.sqrt(posterior.variance[i] as number);
      const mean = (sum[i] as number) / kept;
      expect(Math.abs(mean - mu) / sd).toBeLessThan(0.3);
      const ratio = ((squares[i] as number) / kept - mean ** 2) / sd ** 2;
      expect(ratio).toBeGreaterThan(0.6);
      expect(ratio).toBeLessThan(1.4);
    });
    // The minibatch noise raised the friction above the injected a: the thermostat found it.
    expect(thermostat / kept).toBeGreaterThan(1.5 * diffusion);
  });
});

/** Exact posterior of w, b: precision P = ZᵀZ/s² + I, mean P⁻¹Zᵀy/s², Z = [x, 1]. */
function linearRegressionPosterior(
  features: readonly (readonly number[])[],
  targets: ArrayLike<number>,
  s: number,
): { mean: number[]; variance: number[] } {
  const rows = features.map((x) => [...x, 1]);
  const axes = [0, 1, 2];
  const dot = (f: (z: number[], n: number) => number) =>
    rows.reduce((total, z, n) => total + f(z, n), 0) / s ** 2;
  const precision = axes.map((i) =>
    axes.map((j) => dot((z) => (z[i] as number) * (z[j] as number)) + (i === j ? 1 : 0)),
  );
  const zy = axes.map((i) => dot((z, n) => (z[i] as number) * (targets[n] as number)));
  const unit = (i: number) => axes.map((j) => (i === j ? 1 : 0));
  return {
    mean: solve(precision, zy),
    // Diagonal of P⁻¹: column i of the inverse is P⁻¹ eᵢ.
    variance: axes.map((i) => solve(precision, unit(i))[i] as number),
  };
}

/**
 * Five epochs of SGNHT on a regression through `train`: 4 minibatches of 8 rows an epoch, the
 * chain's noise from the step keys. `stopAfterSteps` kills it early; `resume` continues it.
 */
async function sampleRegression(
  outDir: string,
  options: { readonly stopAfterSteps?: number; readonly resume?: boolean },
): Promise<{ readonly w: number[]; readonly windows: number }> {
  const dataKey = createKey(8);
  let windows = 0;
  const [x, y] = tf.tidy(() => {
    const features = randomNormal(foldIn(dataKey, 0), [32, 2]);
    const noise = randomNormal(foldIn(dataKey, 1), [32, 1]);
    return [features, tf.add(tf.matMul(features, tf.tensor2d([[1], [-0.5]])), noise)];
  }) as [tf.Tensor2D, tf.Tensor2D];
  const variables = tf.tidy(() => ({ w: tf.variable(tf.zeros([2, 1])) }));
  const task: TrainTask<Record<string, never>> = {
    variables,
    windowsPerEpoch: 4,
    initialState: () => ({}),
    windowLoss(window) {
      windows += 1;
      const loss = tf.tidy(() => {
        const [rows, targets] = [
          tf.slice(x, [8 * window, 0], [8, 2]),
          tf.slice(y, [8 * window, 0], [8, 1]),
        ];
        return tf.div(
          tf.mean(tf.square(tf.sub(targets, tf.matMul(rows, variables.w)))),
          2,
        ) as tf.Scalar;
      });
      return { loss, state: {}, tokens: 8 };
    },
  };
  try {
    const optimizer = createSamplerOptimizer(
      createSgnht({ datasetSize: 32, diffusion: 0.05 }),
      'sgnht',
    );
    await train(task, {
      key: createKey(9),
      outDir,
      optimizer,
      learningRate: 0.05,
      epochs: 5,
      onProgress: false,
      ...options,
    });
    return { w: Array.from(variables.w.dataSync()), windows };
  } finally {
    disposeTree([x, y, variables.w]);
  }
}

describe('SGNHT in train: checkpoints and resume', () => {
  it('a run killed after 7 steps and resumed ends where the uninterrupted run ends, bit for bit', async () => {
    const root = await mkdtemp(join(tmpdir(), 'bayesrnn-sgnht-'));
    try {
      const whole = await sampleRegression(join(root, 'whole'), {});
      const killed = await sampleRegression(join(root, 'killed'), { stopAfterSteps: 7 });
      const resumed = await sampleRegression(join(root, 'killed'), { resume: true });
      // The thermostat, the momentum and the position are the optimiser's state: all three
      // must come back from the checkpoint for the chain to continue on the same path.
      expect([whole.windows, killed.windows, resumed.windows]).toEqual([20, 7, 13]);
      expect(killed.w).not.toEqual(whole.w);
      expect(resumed.w).toEqual(whole.w);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});
