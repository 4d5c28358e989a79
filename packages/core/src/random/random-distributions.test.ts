import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { randomUniform, standardNormalArray } from './random-ops.js';
import { createKey, splitKey } from './rng-key.js';
import { wordStream } from './xoshiro128.js';
import { fillStandardNormal, nextStandardNormal } from './ziggurat.js';

/** Φ(x) via erfc from Numerical Recipes' Chebyshev fit (|error| < 1.2e-7): independent of the ziggurat. */
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.5 * z);
  const erfc =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t *
                              (-1.13520398 +
                                t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? 1 - erfc / 2 : erfc / 2;
}

/** Kolmogorov–Smirnov statistic of the sample against Φ. */
function ksStatistic(sample: Float32Array): number {
  const sorted = Float64Array.from(sample).sort();
  let d = 0;
  for (let i = 0; i < sorted.length; i += 1) {
    const cdf = normalCdf(sorted[i] as number);
    d = Math.max(d, (i + 1) / sorted.length - cdf, cdf - i / sorted.length);
  }
  return d;
}

describe('standard normal draws (xoshiro128** + ziggurat)', () => {
  const n = 1_000_000;
  const sample = standardNormalArray(createKey(2026), n);

  it('has the moments of N(0, 1)', () => {
    let m1 = 0;
    let m2 = 0;
    let m3 = 0;
    let m4 = 0;
    for (const x of sample) {
      m1 += x;
      m2 += x * x;
      m3 += x * x * x;
      m4 += x * x * x * x;
    }
    // Standard errors for n = 1e6: mean 0.001, E x² 0.0014, E x³ 0.0039, E x⁴ 0.0098; 5 s.e.
    expect(Math.abs(m1 / n)).toBeLessThan(0.005);
    expect(Math.abs(m2 / n - 1)).toBeLessThan(0.007);
    expect(Math.abs(m3 / n)).toBeLessThan(0.02);
    expect(Math.abs(m4 / n - 3)).toBeLessThan(0.05);
  });

  it('passes a Kolmogorov–Smirnov test against Φ', () => {
    // Critical value at α = 0.001 is 1.95 / √n ≈ 0.00195.
    expect(ksStatistic(sample)).toBeLessThan(1.95 / Math.sqrt(n));
  });

  it('puts the right mass in the wedges and beyond the ziggurat tail (|x| > 3.44)', () => {
    const count = (threshold: number) => sample.filter((x) => Math.abs(x) > threshold).length;
    for (const threshold of [1, 2, 3, 3.442619855899, 4]) {
      const expected = 2 * n * (1 - normalCdf(threshold));
      // Poisson-like count: 5 standard deviations.
      expect(Math.abs(count(threshold) - expected)).toBeLessThan(5 * Math.sqrt(expected) + 1);
    }
  });

  it('is a pure function of the key, with independent streams for split keys', () => {
    const [a, b] = splitKey(createKey(7), 2) as [
      ReturnType<typeof createKey>,
      ReturnType<typeof createKey>,
    ];
    expect(standardNormalArray(a, 1000)).toEqual(standardNormalArray(a, 1000));
    // A longer draw starts with the shorter one (the stream is read in order).
    expect(standardNormalArray(a, 2000).subarray(0, 1000)).toEqual(standardNormalArray(a, 1000));
    const x = standardNormalArray(a, 100_000);
    const y = standardNormalArray(b, 100_000);
    let cross = 0;
    for (let i = 0; i < x.length; i += 1) cross += (x[i] as number) * (y[i] as number);
    // Correlation of independent streams: s.e. 1/√n ≈ 0.003.
    expect(Math.abs(cross / x.length)).toBeLessThan(0.015);
  });

  it('fills with exactly the draws of the one-at-a-time reference (the inlined fast path)', () => {
    const filled = fillStandardNormal(wordStream(createKey(8)), new Float32Array(50_000));
    const reference = wordStream(createKey(8));
    const oneByOne = Float32Array.from({ length: 50_000 }, () => nextStandardNormal(reference));
    expect(filled).toEqual(oneByOne);
  });

  it('draws uniform words: each bit set half the time, no lag-1 correlation', () => {
    const stream = wordStream(createKey(3));
    const draws = 200_000;
    const bitCounts = new Array<number>(32).fill(0);
    let previous = stream.nextUnit();
    let lagProduct = 0;
    for (let i = 0; i < draws; i += 1) {
      const word = stream.nextUint32();
      for (let bit = 0; bit < 32; bit += 1)
        bitCounts[bit] = (bitCounts[bit] ?? 0) + ((word >>> bit) & 1);
      const unit = stream.nextUnit();
      lagProduct += (unit - 0.5) * (previous - 0.5);
      previous = unit;
    }
    // Binomial s.e. √(n/4) ≈ 224; lag-1 covariance s.e. 1/(12 √n) ≈ 1.9e-4.
    for (const c of bitCounts) expect(Math.abs(c - draws / 2)).toBeLessThan(5 * 224);
    expect(Math.abs(lagProduct / draws)).toBeLessThan(1e-3);
  });
});

describe('uniform draws in [min, max)', () => {
  it('never return max, even where float32 rounding would reach it, and leave no tensor', () => {
    const tensorsBefore = tf.memory().numTensors;
    // Width 1e-7 at 1: most draws round to 1 or to the float32 just below it.
    const draw = (seed: number, min: number, max: number) =>
      tf.tidy(() => randomUniform(createKey(seed), [10_000], min, max).dataSync());
    const values = draw(4, 1 - 1e-7, 1);
    expect(Math.max(...values)).toBeLessThan(1);
    const negative = draw(5, -1 - 1e-7, -1);
    expect(Math.max(...negative)).toBeLessThan(-1);
    expect(Math.min(...negative)).toBeGreaterThanOrEqual(Math.fround(-1 - 1e-7));
    expect(tf.memory().numTensors).toBe(tensorsBefore);
  });
});
