import { describe, expect, it } from 'vitest';
import { median, ratio, summarise } from './stats.js';

describe('median', () => {
  it('takes the middle value of an odd sample, unsorted', () => {
    expect(median([3, 1, 2])).toBe(2);
  });
  it('averages the two middle values of an even sample', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it('does not reorder its input', () => {
    const values = [3, 1, 2];
    median(values);
    expect(values).toEqual([3, 1, 2]);
  });
  it('refuses an empty sample', () => {
    expect(() => median([])).toThrow(RangeError);
  });
});

describe('summarise', () => {
  it('gives median, min and max', () => {
    expect(summarise([5, 1, 9, 3, 7])).toEqual({ median: 5, min: 1, max: 9 });
  });
});

describe('ratio', () => {
  it('divides', () => {
    expect(ratio(3, 2)).toBe(1.5);
  });
  it('is null when a side is missing, not finite or the denominator not positive', () => {
    expect(ratio(undefined, 2)).toBeNull();
    expect(ratio(1, null)).toBeNull();
    expect(ratio(Number.NaN, 2)).toBeNull();
    expect(ratio(1, 0)).toBeNull();
  });
});
