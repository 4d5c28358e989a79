import { createKey } from '@bayesrnn/core';
import { countNewTensors, expectClose } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { mistyped } from './__fixtures__/harness.js';
import { dropoutMask, naiveDropout, variationalDropout } from './dropout-mask.js';

const key = createKey(2016);
const EXACT = { rtol: 0, atol: 0 };

/** `[batchSize, steps, size]` → the values of step `t`, `[batchSize][size]`. */
function stepValues(window: tf.Tensor3D, t: number): number[][] {
  return (window.arraySync() as number[][][]).map((row) => row[t] ?? []);
}

describe('dropoutMask', () => {
  it('holds only 0 and 1/(1 − p) (inverted scaling)', () => {
    const mask = dropoutMask(key, [40, 50], 0.25);
    const distinct = new Set(mask.dataSync());
    expect([...distinct].sort()).toEqual([0, Math.fround(1 / 0.75)]);
    mask.dispose();
  });

  it('keeps the mean: E[mask] = 1 and P(kept) = 1 − p (100k draws, ±5 standard errors)', () => {
    const rate = 0.3;
    const count = 200 * 500;
    const mask = dropoutMask(key, [200, 500], rate);
    const values = mask.dataSync();
    const mean = Array.from(values).reduce((s, v) => s + v, 0) / count;
    const kept = values.filter((v) => v > 0).length / count;
    // sd(mask) = sqrt(p / (1 − p)) ≈ 0.655, so the mean's standard error ≈ 0.00207: 5 sd ≈ 0.0104.
    expect(Math.abs(mean - 1)).toBeLessThan(0.0104);
    // Binomial: sd = sqrt(p (1 − p) / n) ≈ 0.00145: 5 sd ≈ 0.0073.
    expect(Math.abs(kept - (1 - rate))).toBeLessThan(0.0073);
    mask.dispose();
  });

  it('rate 0 gives all ones; the same key the same mask, another key another', () => {
    tf.tidy(() => {
      expectClose(dropoutMask(key, [3, 4], 0), tf.ones([3, 4]), EXACT, 'rate 0');
      expectClose(dropoutMask(key, [8, 8], 0.5), dropoutMask(key, [8, 8], 0.5), EXACT, 'same key');
      const a = dropoutMask(key, [8, 8], 0.5).dataSync();
      const b = dropoutMask(createKey(2017), [8, 8], 0.5).dataSync();
      expect(Array.from(a)).not.toEqual(Array.from(b));
    });
  });

  it('refuses rates outside [0, 1), naming the function', () => {
    expect(() => dropoutMask(key, [2], 1)).toThrow(
      'dropoutMask: rate must be a dropout rate in [0, 1), got 1',
    );
    expect(() => dropoutMask(key, [2], -0.5)).toThrow(/got -0.5/);
    expect(() => dropoutMask(key, [2], Number.NaN)).toThrow(/got NaN/);
  });
});

describe('naiveDropout (Zaremba: a fresh mask for every element)', () => {
  it('draws a different mask at every time step of a window', () => {
    const x = tf.ones([16, 6, 32]) as tf.Tensor3D;
    const dropped = naiveDropout(key, x, 0.5);
    expect(dropped.shape).toEqual([16, 6, 32]);
    const first = stepValues(dropped, 0);
    for (let t = 1; t < 6; t += 1) expect(stepValues(dropped, t)).not.toEqual(first);
    tf.dispose([x, dropped]);
  });

  it('multiplies by an inverted mask; rate 0 returns a copy it does not share', () => {
    const x = tf.tensor2d([[1, -2, 3, -4]]);
    const dropped = naiveDropout(key, x, 0.5).dataSync();
    dropped.forEach((v, k) => {
      expect([0, 2 * (x.dataSync()[k] ?? 0)]).toContain(v);
    });
    const copy = naiveDropout(key, x, 0);
    expect(copy).not.toBe(x);
    expectClose(copy, x, EXACT, 'rate 0');
    copy.dispose();
    expect(x.isDisposed).toBe(false);
    x.dispose();
  });
});

describe('variationalDropout (Gal: one mask per sequence for the whole window)', () => {
  it('uses the same mask at every step, different masks for different sequences and keys', () => {
    const x = tf.ones([16, 5, 32]) as tf.Tensor3D;
    const dropped = variationalDropout(key, x, 0.5);
    const first = stepValues(dropped, 0);
    for (let t = 1; t < 5; t += 1) expect(stepValues(dropped, t)).toEqual(first);
    expect(first[0]).not.toEqual(first[1]);
    const other = variationalDropout(createKey(7), x, 0.5);
    expect(stepValues(other, 0)).not.toEqual(first);
    tf.dispose([x, dropped, other]);
  });

  it('is x ⊙ z with z ∈ {0, 1/(1 − p)}; rate 0 is the identity; refuses a non-window', () => {
    const x = tf.tensor3d([
      [
        [1, 2],
        [3, 4],
        [5, 6],
      ],
    ]);
    const dropped = variationalDropout(key, x, 0.2).arraySync()[0] ?? [];
    const scale = Math.fround(1 / 0.8);
    // Column j is either dropped at every step or kept (scaled) at every step.
    for (const j of [0, 1]) {
      const ratios = dropped.map((row, t) => (row[j] ?? 0) / (x.arraySync()[0]?.[t]?.[j] ?? 1));
      expect(ratios.every((r) => Math.abs(r - (ratios[0] ?? -1)) < 1e-6)).toBe(true);
      expect([0, scale].some((s) => Math.abs((ratios[0] ?? -1) - s) < 1e-6)).toBe(true);
    }
    tf.tidy(() => {
      expectClose(variationalDropout(key, x, 0), x, EXACT, 'rate 0');
      expect(() => variationalDropout(key, mistyped(tf.ones([2, 3])), 0.5)).toThrow(
        'variationalDropout: x must be [batchSize, steps, size], got [2, 3]',
      );
    });
    x.dispose();
  });

  it('each function leaves exactly the tensor it returns', async () => {
    const x = tf.ones([2, 3, 4]) as tf.Tensor3D;
    const results: tf.Tensor[] = [];
    const made = await countNewTensors(() => {
      results.push(dropoutMask(key, [2, 3], 0.5), dropoutMask(key, [2, 3], 0));
      results.push(naiveDropout(key, x, 0.5), variationalDropout(key, x, 0.5));
      results.push(naiveDropout(key, x, 0), variationalDropout(key, x, 0));
    });
    expect(made).toBe(results.length);
    tf.dispose([x, ...results]);
  });
});
