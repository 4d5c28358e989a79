import { constant, createKey, disposeTree, uniform } from '@bayesrnn/core';
import type { Draw } from '@bayesrnn/spec';
import {
  checkLeaksAfterEachTest,
  expectClose,
  expectGradientsMatch,
  TOLERANCES,
} from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createWeightNoisePosterior, weightNoiseKl } from './weight-noise-posterior.js';

checkLeaksAfterEachTest();

const specs = {
  kernel: { shape: [200, 100], init: uniform(0.5) },
  bias: { shape: [3], init: constant(0.25) },
};

function disposeDraw(draw: Draw | undefined): void {
  if (draw !== undefined) disposeTree([Object.values(draw.weights), draw.kl]);
}

function disposePosterior(posterior: { variables: Record<string, tf.Variable> }): void {
  disposeTree(Object.values(posterior.variables));
}

describe('a user-written posterior: weight noise', () => {
  it('has the closed-form KL, computed by hand, and its gradient μ / s²', () => {
    // Two weights μ = (1, −2), σ₀ = 0.1, s = 0.5:
    // 2 (log 5 + 0.01 / 0.5 − 0.5) + (1 + 4) / 0.5 = 2 log 5 − 0.96 + 10.
    const means = [tf.tensor1d([1, -2])];
    const kl = weightNoiseKl(means, 0.1, 0.5);
    expectClose(kl.dataSync(), [2 * Math.log(5) - 0.96 + 10], TOLERANCES.float32);
    expectGradientsMatch((named) => weightNoiseKl([named.mu as tf.Tensor], 0.1, 0.5), {
      mu: means[0] as tf.Tensor,
    });
    disposeTree([kl, means]);
  });

  it('draws μ + σ₀ ε in training: mean μ and standard deviation σ₀ over 20,000 weights', () => {
    const posterior = createWeightNoisePosterior({ specs, key: createKey(1), noiseStd: 0.05 });
    const draw = posterior.draw(createKey(2), { training: true });
    const noise = tf.sub(draw.weights.kernel, posterior.variables.kernel as tf.Variable);
    const values = Array.from(noise.dataSync());
    const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
    const std = Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / values.length);
    // n = 20,000 normals: the sample mean's standard error is σ₀/√n = 3.5e-4, the sample
    // standard deviation's σ₀/√(2n) = 2.5e-4; four standard errors either way.
    expect(Math.abs(mean)).toBeLessThan(4 * 3.5e-4);
    expect(Math.abs(std - 0.05)).toBeLessThan(4 * 2.5e-4);
    disposeDraw(draw);
    noise.dispose();
    disposePosterior(posterior);
  });

  it('is deterministic under a key; evaluation draws and mean() are μ', () => {
    const posterior = createWeightNoisePosterior({ specs, key: createKey(1) });
    const [a, b, c] = [2, 2, 3].map((seed) => posterior.draw(createKey(seed), { training: true }));
    expect(a?.weights.bias.dataSync()).toEqual(b?.weights.bias.dataSync());
    expect(a?.weights.bias.dataSync()).not.toEqual(c?.weights.bias.dataSync());
    const evaluation = posterior.draw(createKey(2), { training: false });
    const mean = posterior.mean();
    expect(evaluation.weights.bias.dataSync()).toEqual(new Float32Array([0.25, 0.25, 0.25]));
    expect(mean.kernel.dataSync()).toEqual(posterior.variables.kernel?.dataSync());
    for (const draw of [a, b, c, evaluation]) disposeDraw(draw);
    disposeTree(Object.values(mean));
    disposePosterior(posterior);
  });

  it('names a bad option', () => {
    expect(() => createWeightNoisePosterior({ specs, key: createKey(1), noiseStd: 0 })).toThrow(
      'WeightNoiseConfig.noiseStd must be positive, got 0',
    );
  });
});
