import { createKey } from '@bayesrnn/core';
import { describe, expect, it } from 'vitest';
import { crossValidationSplit, holdOutSplit } from './folds.js';

const key = createKey(2017);
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const isAscending = (values: Int32Array): boolean =>
  values.every((v, i) => i === 0 || (values[i - 1] ?? 0) < v);

describe('crossValidationSplit', () => {
  it.each([
    [10, 10],
    [103, 10],
    [3775, 10], // CR
    [7, 3],
  ])(
    '%i examples, %i folds: the test parts partition 0 … n − 1, sizes within 1',
    (count, folds) => {
      const tests: number[] = [];
      const sizes: number[] = [];
      for (let fold = 0; fold < folds; fold += 1) {
        const { train, test } = crossValidationSplit(count, { folds, fold, key });
        expect(isAscending(train) && isAscending(test)).toBe(true);
        // train is exactly the complement of test.
        expect([...train, ...test].sort((a, b) => a - b)).toEqual(range(count));
        tests.push(...test);
        sizes.push(test.length);
      }
      expect(tests.sort((a, b) => a - b)).toEqual(range(count));
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    },
  );

  it('is a pure function of the key, and different keys cut different folds', () => {
    const options = { folds: 10, fold: 3, key };
    expect(crossValidationSplit(500, options)).toEqual(crossValidationSplit(500, options));
    const other = crossValidationSplit(500, { ...options, key: createKey(1) });
    expect(other.test).not.toEqual(crossValidationSplit(500, options).test);
  });

  it('shuffles: a test part is not a block of consecutive examples', () => {
    const { test } = crossValidationSplit(1000, { folds: 10, fold: 0, key });
    expect((test[test.length - 1] ?? 0) - (test[0] ?? 0)).toBeGreaterThan(500);
  });

  it('refuses bad options, naming them', () => {
    const split = (count: number, folds: number, fold: number) => () =>
      crossValidationSplit(count, { folds, fold, key });
    expect(split(-1, 2, 0)).toThrow(
      'crossValidationSplit: count must be a non-negative integer, got -1',
    );
    expect(split(10, 1, 0)).toThrow('crossValidationSplit: folds must be an integer ≥ 2, got 1');
    expect(split(10, 2.5, 0)).toThrow(/folds must be an integer/);
    expect(split(5, 10, 0)).toThrow(
      'crossValidationSplit: folds = 10 is more than count = 5 examples',
    );
    expect(split(10, 10, 10)).toThrow(
      'crossValidationSplit: fold must be an integer in [0, 10), got 10',
    );
    expect(split(10, 10, -1)).toThrow(/fold must be an integer in \[0, 10\)/);
    expect(() => crossValidationSplit(10, { folds: 2, fold: 0, key: {} as never })).toThrow(
      /crossValidationSplit: key: expected an RngKey/,
    );
  });
});

describe('holdOutSplit', () => {
  const indices = Int32Array.from(range(200), (i) => 3 * i + 1);

  it('holds out round(fraction · n) of the given values, the rest kept, both sorted', () => {
    const { train, heldOut } = holdOutSplit(indices, { fraction: 0.1, key });
    expect(heldOut.length).toBe(20);
    expect(train.length).toBe(180);
    expect(isAscending(train) && isAscending(heldOut)).toBe(true);
    expect([...train, ...heldOut].sort((a, b) => a - b)).toEqual([...indices]);
    expect(indices[0]).toBe(1); // the input is left alone
  });

  it('holds out at least one and keeps at least one', () => {
    expect(holdOutSplit(Int32Array.of(4, 9, 2), { fraction: 0.01, key }).heldOut.length).toBe(1);
    const { train, heldOut } = holdOutSplit(Int32Array.of(4, 9), { fraction: 0.99, key });
    expect([train.length, heldOut.length]).toEqual([1, 1]);
  });

  it('is a pure function of the key', () => {
    const options = { fraction: 0.1, key };
    expect(holdOutSplit(indices, options)).toEqual(holdOutSplit(indices, options));
    const other = holdOutSplit(indices, { fraction: 0.1, key: createKey(5) });
    expect(other.heldOut).not.toEqual(holdOutSplit(indices, options).heldOut);
  });

  it('refuses bad options, naming them', () => {
    for (const fraction of [0, 1, -0.1, Number.NaN]) {
      expect(() => holdOutSplit(indices, { fraction, key })).toThrow(
        `holdOutSplit: fraction must be a number in (0, 1), got ${fraction}`,
      );
    }
    expect(() => holdOutSplit(Int32Array.of(1), { fraction: 0.5, key })).toThrow(
      'holdOutSplit: indices must hold at least 2 entries (one held out, one kept), got 1',
    );
  });
});
