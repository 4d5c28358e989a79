import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { fillStandardNormal, logFloat32, NORMAL_GROUP, normalLanes } from './box-muller.js';
import { randomUniform, standardNormalArray } from './random-ops.js';
import { createKey, splitKey } from './rng-key.js';
import { wordStream } from './xoshiro128.js';

/** Φ(x) via erfc from Numerical Recipes' Chebyshev fit (|error| < 1.2e-7): independent of the generator. */
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

describe('standard normal draws (xoshiro128** lanes + Box–Muller)', () => {
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

  it('puts the right mass in the tails, out to |x| > 4.5', () => {
    const count = (threshold: number) => sample.filter((x) => Math.abs(x) > threshold).length;
    for (const threshold of [1, 2, 3, 4, 4.5]) {
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

  it("pairs a lane's two numbers as independent coordinates of one point (z1, z2)", () => {
    // Number i (i mod 8 < 4) is z1 of a lane, number i + 4 its z2: r cos θ and r sin θ.
    let cross = 0;
    let squares = 0;
    let pairs = 0;
    for (let g = 0; g + NORMAL_GROUP <= n; g += NORMAL_GROUP) {
      for (const first of [0, 1, 2, 3, 8, 9, 10, 11]) {
        const z1 = sample[g + first] as number;
        const z2 = sample[g + first + 4] as number;
        cross += z1 * z2;
        squares += (z1 * z1 - 1) * (z2 * z2 - 1);
        pairs += 1;
      }
    }
    // s.e. 1/√pairs ≈ 0.0014 for z1 z2 and 2/√pairs for the centred squares: 5 s.e.
    expect(Math.abs(cross / pairs)).toBeLessThan(5 / Math.sqrt(pairs));
    expect(Math.abs(squares / pairs)).toBeLessThan(10 / Math.sqrt(pairs));
  });

  it('computes r cos θ and r sin θ of its words to float32 rounding (float64 reference)', () => {
    // One lane's first pair, recomputed from its words in float64: √(−2 log u), 2π m / 2^24,
    // with u on the generator's float32 grid (rounding it is part of the algorithm).
    for (let seed = 0; seed < 3000; seed += 1) {
      const key = createKey(seed);
      const first = fillStandardNormal(normalLanes(key), new Float32Array(NORMAL_GROUP));
      const [lane0] = normalLanes(key);
      if (lane0 === undefined) throw new Error('no lane 0');
      const w1 = lane0.nextUint32();
      const w2 = lane0.nextUint32();
      const r = Math.sqrt(-2 * Math.log(Math.fround(((w1 >>> 1) | 1) * 2 ** -31)));
      const theta = (2 * Math.PI * (w2 >>> 8)) / 2 ** 24;
      expect(Math.abs((first[0] as number) - r * Math.cos(theta))).toBeLessThan(4e-7 * (r + 1));
      expect(Math.abs((first[4] as number) - r * Math.sin(theta))).toBeLessThan(4e-7 * (r + 1));
    }
  });

  it('takes float32 logarithms within one unit in the last place of Math.log', () => {
    const stream = wordStream(createKey(9));
    for (let i = 0; i < 200_000; i += 1) {
      // u as the generator makes it: ((w >>> 1) | 1) · 2^-31, every scale down to 2^-31.
      const u = Math.fround(((stream.nextUint32() >>> 1) | 1) * 2 ** -31) * 2 ** -(i % 8);
      const exact = Math.log(Math.fround(u));
      const ulp = 2 ** (Math.floor(Math.log2(Math.abs(exact) || 1)) - 23);
      expect(Math.abs(logFloat32(Math.fround(u)) - exact)).toBeLessThanOrEqual(1.01 * ulp);
    }
  });

  it('fills a prefix with the same numbers as a longer fill, wherever it ends in a group', () => {
    const key = createKey(8);
    const long = fillStandardNormal(normalLanes(key), new Float32Array(1000));
    for (const length of [1, 4, 5, 15, 16, 17, 999]) {
      const short = fillStandardNormal(normalLanes(key), new Float32Array(length));
      expect(short).toEqual(long.subarray(0, length));
    }
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
