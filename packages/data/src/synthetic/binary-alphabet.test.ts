import { createKey } from '@bayesrnn/core';
import { expectNoLeaks } from '@bayesrnn/testing';
import { describe, expect, it } from 'vitest';
import {
  createBinaryAlphabet,
  DEFAULT_BINARY_ALPHABET_CONFIG,
  DEFAULT_FLIP_PROBABILITY,
  noisyFrames,
} from './binary-alphabet.js';

/** Pixels where two equal-length 0/1 rows differ. */
function hamming(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let count = 0;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) count += 1;
  return count;
}

/** A binomial proportion's tolerance: `sigmas` standard deviations of the mean of `n` draws. */
function tolerance(probability: number, n: number, sigmas = 5): number {
  return sigmas * Math.sqrt((probability * (1 - probability)) / n);
}

describe('createBinaryAlphabet', () => {
  it('makes 10 distinct 7×7 prototypes of 0/1 pixels by default', () => {
    const alphabet = createBinaryAlphabet(createKey(0));
    expect(DEFAULT_BINARY_ALPHABET_CONFIG).toEqual({
      symbols: 10,
      height: 7,
      width: 7,
      density: 0.5,
    });
    expect(alphabet).toMatchObject({ symbols: 10, height: 7, width: 7, frameSize: 49 });
    expect(alphabet.prototypes).toBeInstanceOf(Float32Array);
    expect(alphabet.prototypes.length).toBe(490);
    expect(alphabet.prototypes.every((pixel) => pixel === 0 || pixel === 1)).toBe(true);
    const rows = Array.from({ length: 10 }, (_, s) =>
      alphabet.prototypes.slice(s * 49, (s + 1) * 49),
    );
    expect(new Set(rows.map((row) => row.join(''))).size).toBe(10);
  });

  it('keeps prototypes well apart at density 0.5 (Hamming distance ≥ 8 for 20 keys)', () => {
    // Distance ~ Binomial(49, 1/2): P(≤ 7) ≈ 2e-7 per pair, 900 pairs over these keys.
    for (let seed = 0; seed < 20; seed += 1) {
      const { prototypes } = createBinaryAlphabet(createKey(seed));
      for (let a = 0; a < 10; a += 1) {
        for (let b = a + 1; b < 10; b += 1) {
          const distance = hamming(
            prototypes.subarray(a * 49, (a + 1) * 49),
            prototypes.subarray(b * 49, (b + 1) * 49),
          );
          expect(distance).toBeGreaterThanOrEqual(8);
        }
      }
    }
  });

  it('is a function of the key; symbol s depends only on the key and s', () => {
    const a = createBinaryAlphabet(createKey(5));
    const b = createBinaryAlphabet(createKey(5));
    const c = createBinaryAlphabet(createKey(6));
    expect(b.prototypes).toEqual(a.prototypes);
    expect(hamming(a.prototypes, c.prototypes)).toBeGreaterThan(100);
    const more = createBinaryAlphabet(createKey(5), { symbols: 12 });
    expect(more.prototypes.subarray(0, 490)).toEqual(a.prototypes);
  });

  it('draws pixels on with probability density (5σ binomial tolerance)', () => {
    for (const density of [0.2, 0.5]) {
      const { prototypes } = createBinaryAlphabet(createKey(1), { symbols: 400, density });
      const mean = prototypes.reduce((sum, pixel) => sum + pixel, 0) / prototypes.length;
      expect(Math.abs(mean - density)).toBeLessThan(tolerance(density, prototypes.length));
    }
  });

  it('supports other sizes and redraws repeats in a crowded alphabet', () => {
    const alphabet = createBinaryAlphabet(createKey(2), { symbols: 14, height: 2, width: 2 });
    expect(alphabet.frameSize).toBe(4);
    const patterns = new Set(
      Array.from({ length: 14 }, (_, s) => alphabet.prototypes.slice(s * 4, (s + 1) * 4).join('')),
    );
    expect(patterns.size).toBe(14);
  });

  it('names the option on bad configs', () => {
    const key = createKey(0);
    expect(() => createBinaryAlphabet(key, { symbols: 0 })).toThrow(
      'createBinaryAlphabet: symbols must be a positive integer, got 0',
    );
    expect(() => createBinaryAlphabet(key, { height: 2.5 })).toThrow('height must be a positive');
    expect(() => createBinaryAlphabet(key, { density: 1.5 })).toThrow(
      'createBinaryAlphabet: density must be in [0, 1], got 1.5',
    );
    expect(() => createBinaryAlphabet(key, { density: 0 })).toThrow(
      'density must be strictly between 0 and 1 for 10 distinct prototypes, got 0',
    );
    expect(() => createBinaryAlphabet(key, { symbols: 5, height: 1, width: 2 })).toThrow(
      'symbols must be at most 2^(height·width) = 4',
    );
    expect(() =>
      createBinaryAlphabet(key, { symbols: 16, height: 2, width: 2, density: 0.02 }),
    ).toThrow('could not draw 16 distinct prototypes');
    expect(
      createBinaryAlphabet(key, { symbols: 1, density: 1 }).prototypes.every((p) => p === 1),
    ).toBe(true);
    expect(() => createBinaryAlphabet({} as never)).toThrow(
      'createBinaryAlphabet: expected an RngKey',
    );
  });

  it('leaves no tensors behind', async () => {
    await expectNoLeaks(() => {
      createBinaryAlphabet(createKey(3));
    }, 'createBinaryAlphabet');
  });
});

describe('noisyFrames', () => {
  const alphabet = createBinaryAlphabet(createKey(0));
  const labels = Int32Array.from({ length: 2000 }, (_, i) => i % 10);

  it('flips each pixel with probability 0.1 by default, ones and zeros alike', () => {
    expect(DEFAULT_FLIP_PROBABILITY).toBe(0.1);
    const frames = noisyFrames(alphabet, labels, createKey(7));
    expect(frames.length).toBe(2000 * 49);
    expect(frames.every((pixel) => pixel === 0 || pixel === 1)).toBe(true);
    const flips = [0, 0];
    const counts = [0, 0];
    for (let i = 0; i < labels.length; i += 1) {
      for (let p = 0; p < 49; p += 1) {
        const on = alphabet.prototypes[(labels[i] as number) * 49 + p] as number;
        counts[on] = (counts[on] as number) + 1;
        if (frames[i * 49 + p] !== on) flips[on] = (flips[on] as number) + 1;
      }
    }
    const total = 2000 * 49; // 98,000 pixels: σ ≈ 0.00096, tolerance 5σ ≈ 0.0048
    const rate = ((flips[0] as number) + (flips[1] as number)) / total;
    expect(Math.abs(rate - 0.1)).toBeLessThan(tolerance(0.1, total));
    for (const on of [0, 1]) {
      const n = counts[on] as number;
      expect(Math.abs((flips[on] as number) / n - 0.1)).toBeLessThan(tolerance(0.1, n));
    }
  });

  it('gives fresh exemplars under new keys and the same ones under one key', () => {
    const a = noisyFrames(alphabet, [3, 3], createKey(1));
    expect(noisyFrames(alphabet, [3, 3], createKey(1))).toEqual(a);
    expect(hamming(a.subarray(0, 49), a.subarray(49))).toBeGreaterThan(0);
    expect(hamming(a, noisyFrames(alphabet, [3, 3], createKey(2)))).toBeGreaterThan(0);
  });

  it('returns the prototypes at flip 0 and their complements at flip 1', () => {
    const symbols = [0, 4, 9];
    const clean = noisyFrames(alphabet, symbols, createKey(1), 0);
    const inverted = noisyFrames(alphabet, symbols, createKey(1), 1);
    symbols.forEach((symbol, i) => {
      const prototype = alphabet.prototypes.subarray(symbol * 49, (symbol + 1) * 49);
      expect(clean.subarray(i * 49, (i + 1) * 49)).toEqual(prototype);
      expect(hamming(inverted.subarray(i * 49, (i + 1) * 49), prototype)).toBe(49);
    });
    expect(noisyFrames(alphabet, [], createKey(1)).length).toBe(0);
  });

  it('checks labels and the flip probability, and leaves no tensors behind', async () => {
    expect(() => noisyFrames(alphabet, [1, 10], createKey(0))).toThrow(
      'noisyFrames: labels[1] must be an integer in [0, 10), got 10',
    );
    expect(() => noisyFrames(alphabet, [1], createKey(0), -0.1)).toThrow(
      'noisyFrames: flipProbability must be in [0, 1], got -0.1',
    );
    await expectNoLeaks(() => {
      noisyFrames(alphabet, labels, createKey(0));
    }, 'noisyFrames');
  });
});
