import { describe, expect, it } from 'vitest';
import { splitSequence } from './split-sequence.js';

describe('splitSequence', () => {
  it('cuts consecutive parts by fraction, the last taking the rest', () => {
    const ids = Int32Array.from({ length: 25 }, (_, index) => index);
    const [train, valid, test] = splitSequence(ids, [0.8, 0.1, 0.1]);
    expect([train?.length, valid?.length, test?.length]).toEqual([20, 2, 3]);
    expect([...(valid ?? [])]).toEqual([20, 21]);
    expect([...(test ?? [])]).toEqual([22, 23, 24]);
    expect(train?.buffer).toBe(ids.buffer); // views, no copy
  });

  it('refuses fractions that are out of range or do not sum to 1', () => {
    const ids = new Int32Array(10);
    expect(() => splitSequence(ids, [0.5, 0.4])).toThrow(
      'splitSequence: fractions sum to 0.9, not 1',
    );
    expect(() => splitSequence(ids, [1.5, -0.5])).toThrow('fractions must be in (0, 1]');
    expect(() => splitSequence(ids, [])).toThrow(RangeError);
  });
});
