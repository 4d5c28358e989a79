import { describe, expect, it } from 'vitest';
import { randomPermutation, uniformBelow } from './permutation.js';
import { createKey, foldIn, splitKey } from './rng-key.js';
import { wordStream } from './xoshiro128.js';

/** Pearson's χ² statistic of observed counts against equal expected counts. */
function chiSquare(counts: readonly number[]): number {
  const total = counts.reduce((sum, count) => sum + count, 0);
  const expected = total / counts.length;
  return counts.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
}

describe('randomPermutation', () => {
  it('is a permutation of 0 … n − 1', () => {
    for (const n of [1, 2, 7, 1000]) {
      const permutation = randomPermutation(createKey(n), n);
      expect(permutation).toBeInstanceOf(Int32Array);
      expect(permutation.length).toBe(n);
      expect([...permutation].sort((a, b) => a - b)).toEqual(
        Array.from({ length: n }, (_, i) => i),
      );
    }
  });

  it('gives an empty array for n = 0 and [0] for n = 1', () => {
    expect(randomPermutation(createKey(0), 0)).toEqual(new Int32Array(0));
    expect(randomPermutation(createKey(0), 1)).toEqual(Int32Array.of(0));
  });

  it('is a pure function of the key', () => {
    const key = foldIn(createKey(42), 'shuffle');
    expect(randomPermutation(key, 500)).toEqual(randomPermutation(key, 500));
  });

  it('differs between keys', () => {
    const [a, b] = splitKey(createKey(1), 2) as [
      ReturnType<typeof createKey>,
      ReturnType<typeof createKey>,
    ];
    expect(randomPermutation(a, 100)).not.toEqual(randomPermutation(b, 100));
    // 100 keys, 20 elements: 20! orders, so any repeat would mean the key is ignored.
    const orders = new Set(
      splitKey(createKey(2), 100).map((key) => randomPermutation(key, 20).join(',')),
    );
    expect(orders.size).toBe(100);
  });

  it('puts each element first equally often over many keys (χ², n = 5)', () => {
    const draws = 10_000;
    const first = [0, 0, 0, 0, 0];
    const last = [0, 0, 0, 0, 0];
    for (const key of splitKey(createKey(7), draws)) {
      const permutation = randomPermutation(key, 5);
      const [head, tail] = [permutation[0] ?? 0, permutation[4] ?? 0];
      first[head] = (first[head] ?? 0) + 1;
      last[tail] = (last[tail] ?? 0) + 1;
    }
    // χ² with 4 degrees of freedom exceeds 18.47 with probability 0.001.
    expect(chiSquare(first)).toBeLessThan(18.47);
    expect(chiSquare(last)).toBeLessThan(18.47);
  });

  it('makes all 6 orders of 3 elements equally likely (χ², 5 degrees of freedom)', () => {
    const counts = new Map<string, number>();
    for (const key of splitKey(createKey(8), 6000)) {
      const order = randomPermutation(key, 3).join('');
      counts.set(order, (counts.get(order) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    // P(χ²₅ > 20.52) = 0.001.
    expect(chiSquare([...counts.values()])).toBeLessThan(20.52);
  });

  it('refuses a bad n or key with the option named', () => {
    const key = createKey(0);
    expect(() => randomPermutation(key, -1)).toThrow(
      'randomPermutation: n must be a non-negative integer ≤ 2^31, got -1',
    );
    expect(() => randomPermutation(key, 2.5)).toThrow(/n must be a non-negative integer/);
    expect(() => randomPermutation(key, Number.NaN)).toThrow(/got NaN/);
    expect(() => randomPermutation(key, 2 ** 31 + 1)).toThrow(RangeError);
    expect(() => randomPermutation({} as never, 3)).toThrow(
      /randomPermutation: expected an RngKey/,
    );
  });
});

describe('uniformBelow', () => {
  it('stays in range and hits every value', () => {
    const stream = wordStream(createKey(3));
    const seen = new Set<number>();
    for (let i = 0; i < 2000; i += 1) {
      const value = uniformBelow(stream, 7);
      expect(Number.isInteger(value) && value >= 0 && value < 7).toBe(true);
      seen.add(value);
    }
    expect(seen.size).toBe(7);
    expect(uniformBelow(stream, 1)).toBe(0);
    expect(uniformBelow(stream, 2 ** 32)).toBeLessThan(2 ** 32);
  });

  it('has no modulo bias for a bound that does not divide 2^32', () => {
    // For bound 3·2^30 a plain `word % bound` puts half of the draws below 2^30, not a third.
    const bound = 3 * 2 ** 30;
    const stream = wordStream(createKey(4));
    const draws = 30_000;
    let low = 0;
    for (let i = 0; i < draws; i += 1) if (uniformBelow(stream, bound) < 2 ** 30) low += 1;
    // Binomial(30000, 1/3): sd ≈ 82, so ±6 sd.
    expect(Math.abs(low - draws / 3)).toBeLessThan(500);
  });
});
