import { checkLeaksAfterEachTest } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { handSetPosterior } from './__fixtures__/hand-set-posterior.js';
import { type Spread, sortedQuantile, spreadOf, summarizePosterior } from './posterior-summary.js';
import { createSharpenedPosterior } from './sharpened-posterior.js';

checkLeaksAfterEachTest();

function expectSpread(actual: Spread | undefined, expected: Spread): void {
  for (const key of ['mean', 'p5', 'median', 'p95'] as const) {
    expect(actual?.[key], key).toBeCloseTo(expected[key], 5);
  }
}

describe('sortedQuantile', () => {
  it('interpolates between order statistics at q (n − 1), as numpy does', () => {
    const sorted = [1, 2, 4, 8];
    // Positions 0, 0.15, 1.5, 2.85, 3.
    expect(sortedQuantile(sorted, 0)).toBe(1);
    expect(sortedQuantile(sorted, 0.05)).toBeCloseTo(1.15, 12);
    expect(sortedQuantile(sorted, 0.5)).toBe(3);
    expect(sortedQuantile(sorted, 0.95)).toBeCloseTo(7.4, 12);
    expect(sortedQuantile(sorted, 1)).toBe(8);
    expect(sortedQuantile([5], 0.3)).toBe(5);
  });

  it('refuses no values and q outside [0, 1]', () => {
    expect(() => sortedQuantile([], 0.5)).toThrow(/no values/);
    expect(() => sortedQuantile([1], 1.5)).toThrow(/q must be in \[0, 1\], got 1.5/);
    expect(() => sortedQuantile([1], Number.NaN)).toThrow(/got NaN/);
  });

  it('spreadOf summarises without reordering its input', () => {
    const values = new Float32Array([8, 1, 4, 2]);
    expectSpread(spreadOf(values), {
      mean: 3.75,
      p5: 1.15,
      median: 3,
      p95: 7.4,
    });
    expect(Array.from(values)).toEqual([8, 1, 4, 2]);
  });
});

describe('summarizePosterior', () => {
  it('gives |μ|, σ and |μ|/σ of every Bayesian weight, point weights left out', async () => {
    const posterior = handSetPosterior();
    const [a, b, ...rest] = await summarizePosterior(posterior);
    expect(rest).toEqual([]);
    expect(a?.name).toBe('a');
    expect(a?.size).toBe(4);
    // |μ| sorted 0.05, 1, 1, 3; σ 0.5, 0.5, 0.5, 1; |μ|/σ 0.1, 2, 2, 3.
    expectSpread(a?.absMu, { mean: 1.2625, p5: 0.1925, median: 1, p95: 2.7 });
    expectSpread(a?.sigma, { mean: 0.625, p5: 0.5, median: 0.5, p95: 0.925 });
    expectSpread(a?.signalToNoise, { mean: 1.775, p5: 0.385, median: 2, p95: 2.85 });
    expect(a?.eta).toBeUndefined();
    // b: |μ| 0.4, 0.5; σ 0.1, 2; |μ|/σ 0.2, 5.
    expectSpread(b?.sigma, { mean: 1.05, p5: 0.195, median: 1.05, p95: 1.905 });
    expectSpread(b?.signalToNoise, { mean: 2.6, p5: 0.44, median: 2.6, p95: 4.76 });
    tf.dispose(Object.values(posterior.variables));
  });

  it('adds the learned η of the sharpened weights only, and leaves the variables as they were', async () => {
    const base = handSetPosterior();
    const sharpened = createSharpenedPosterior(base, {
      etaInit: 0.01,
      isSharpened: (name) => name === 'a',
    });
    tf.tidy(() =>
      (sharpened.variables['a/eta'] as tf.Variable).assign(tf.tensor1d([0.4, 0.1, 0.3, 0.2])),
    );
    const before = Array.from(base.parametersOf('a').rho.dataSync());
    const [a, b] = await summarizePosterior(sharpened);
    expectSpread(a?.eta, { mean: 0.25, p5: 0.115, median: 0.25, p95: 0.385 });
    expectSpread(a?.sigma, { mean: 0.625, p5: 0.5, median: 0.5, p95: 0.925 });
    expect(b?.eta).toBeUndefined();
    expect(Array.from(base.parametersOf('a').rho.dataSync())).toEqual(before);
    // Its quantiles sort a copy: on the cpu backend data() is the tensor's own array.
    expect(Array.from(sharpened.variables['a/eta']?.dataSync() ?? [])).toEqual(
      [0.4, 0.1, 0.3, 0.2].map(Math.fround),
    );
    tf.dispose(Object.values(sharpened.variables));
  });
});
