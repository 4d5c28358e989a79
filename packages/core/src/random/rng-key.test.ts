import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { bernoulliMask, randomNormal, randomUniform } from './random-ops.js';
import { createKey, foldIn, keyToSeed, splitKey } from './rng-key.js';

describe('RNG keys', () => {
  it('same seed gives the same key, different seeds different keys', () => {
    expect(createKey(7)).toEqual(createKey(7));
    expect(createKey(7).words).not.toEqual(createKey(8).words);
    expect(createKey(2 ** 40).words).not.toEqual(createKey(0).words);
  });

  it('splits deterministically and prefix-stably, into distinct keys', () => {
    const key = createKey(1);
    expect(splitKey(key, 3)).toEqual(splitKey(key, 3));
    expect(splitKey(key, 5)[1]).toEqual(splitKey(key, 3)[1]);
    const seeds = new Set(splitKey(key, 10_000).map(keyToSeed));
    expect(seeds.size).toBe(10_000);
    expect(seeds.has(keyToSeed(key))).toBe(false);
  });

  it('folds in names and numbers distinctly from splits', () => {
    const key = createKey(3);
    expect(foldIn(key, 'kernel')).toEqual(foldIn(key, 'kernel'));
    expect(foldIn(key, 'kernel').words).not.toEqual(foldIn(key, 'bias').words);
    expect(foldIn(key, 0).words).not.toEqual(splitKey(key, 1)[0]?.words);
  });

  it('spreads seed bits evenly (each of the 53 seed bits set about half the time)', () => {
    const seeds = splitKey(createKey(11), 4000).map(keyToSeed);
    for (let bit = 0; bit < 53; bit += 1) {
      const ones = seeds.filter((s) => Math.floor(s / 2 ** bit) % 2 === 1).length;
      // Binomial(4000, 0.5): sd ≈ 31.6, so ±6 sd.
      expect(Math.abs(ones - 2000)).toBeLessThan(190);
    }
  });

  it('refuses bad seeds and non-keys with clear errors', () => {
    expect(() => createKey(-1)).toThrow(/seed must be an integer/);
    expect(() => createKey(1.5)).toThrow(/seed must be an integer/);
    expect(() => splitKey({ kind: 'RngKey', words: [1, Number.NaN] } as never, 2)).toThrow(
      /expected an RngKey/,
    );
    expect(() => foldIn(createKey(0), -3)).toThrow(/data must be an integer/);
  });
});

describe('random ops from keys', () => {
  it('same key → same numbers, different key → different', () => {
    const [a, b] = splitKey(createKey(5), 2) as [
      ReturnType<typeof createKey>,
      ReturnType<typeof createKey>,
    ];
    const x1 = randomNormal(a, [64]);
    const x2 = randomNormal(a, [64]);
    const y = randomNormal(b, [64]);
    expect(Array.from(x1.dataSync())).toEqual(Array.from(x2.dataSync()));
    expect(Array.from(x1.dataSync())).not.toEqual(Array.from(y.dataSync()));
    tf.dispose([x1, x2, y]);
  });

  it('has the requested moments and ranges', () => {
    const key = createKey(9);
    const normal = randomNormal(key, [20_000], { mean: 2, stddev: 3 });
    const { mean, variance } = tf.moments(normal);
    // Standard error of the mean 3/sqrt(20000) ≈ 0.021.
    expect(mean.dataSync()[0]).toBeCloseTo(2, 1);
    expect(Math.sqrt(variance.dataSync()[0] ?? 0)).toBeCloseTo(3, 1);
    const u = randomUniform(key, [10_000], -2, 5);
    expect(tf.min(u).dataSync()[0]).toBeGreaterThanOrEqual(-2);
    expect(tf.max(u).dataSync()[0]).toBeLessThan(5);
    const mask = bernoulliMask(key, [20_000], 0.3);
    const kept = tf.sum(mask).dataSync()[0] ?? 0;
    // Binomial sd = sqrt(20000·0.3·0.7) ≈ 65.
    expect(Math.abs(kept - 6000)).toBeLessThan(400);
    expect(new Set(mask.dataSync()).size).toBe(2);
    tf.dispose([normal, mean, variance, u, mask]);
  });

  it('leaks no tensors and validates arguments', () => {
    const before = tf.memory().numTensors;
    bernoulliMask(createKey(1), [4], 0.5).dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(() => bernoulliMask(createKey(1), [4], 1.5)).toThrow(/keepProbability/);
    expect(() => randomUniform(createKey(1), [4], 1, 1)).toThrow(/min < max/);
  });
});
