import { describe, expect, it } from 'vitest';
import { expectFlushedDecay } from './flush-to-zero.js';

describe('expectFlushedDecay', () => {
  const reference = [2 ** -126, 2 ** -127, 5e-4, 0, Number.NaN];

  it('accepts the reference with its subnormal flushed to +0 and NaN kept', () => {
    expect(() =>
      expectFlushedDecay([2 ** -126, 0, 5e-4, 0, Number.NaN], reference, 'v'),
    ).not.toThrow();
  });

  it('names what is wrong: a subnormal kept, a -0, a lost NaN, a changed normal number', () => {
    expect(() => expectFlushedDecay(reference, reference, 'v')).toThrow(/v: \[1\] is .*not \+0/);
    expect(() => expectFlushedDecay([2 ** -126, -0, 5e-4, 0, Number.NaN], reference, 'v')).toThrow(
      /\[1\]/,
    );
    expect(() => expectFlushedDecay([2 ** -126, 0, 5e-4, 0, 0], reference, 'v')).toThrow(
      /\[4\] is 0, not NaN/,
    );
    expect(() => expectFlushedDecay([0, 0, 5e-4, 0, Number.NaN], reference, 'v')).toThrow(/\[0\]/);
    expect(() => expectFlushedDecay([2 ** -126, 0, 6e-4, 0, Number.NaN], reference, 'v')).toThrow(
      /\[2\]/,
    );
  });

  it('refuses a reference without the subnormal, which would make the check vacuous', () => {
    const flushedReference = [2 ** -126, 0, 5e-4, 0, Number.NaN];
    expect(() => expectFlushedDecay(flushedReference, flushedReference, 'v')).toThrow(/reference/);
  });
});
