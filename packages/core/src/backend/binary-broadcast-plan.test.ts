import { describe, expect, it } from 'vitest';
import { repeatPlan, rowsPlan } from './binary-broadcast-plan.js';

describe('repeatPlan', () => {
  it('repeats the operand whose shape, leading ones dropped, ends the other', () => {
    expect(repeatPlan([20, 200], [4, 20, 200])).toEqual({ repeated: 'a', period: 4000 });
    expect(repeatPlan([400, 800], [800])).toEqual({ repeated: 'b', period: 800 });
    expect(repeatPlan([3, 5], [1, 1, 3, 5])).toEqual({ repeated: 'b', period: 15 });
    expect(repeatPlan([6, 7], [])).toEqual({ repeated: 'b', period: 1 });
    expect(repeatPlan([1], [6, 7])).toEqual({ repeated: 'a', period: 1 });
  });

  it('leaves a broadcast inside the shape, and empty shapes, to rowsPlan', () => {
    expect(repeatPlan([20, 20, 200], [20, 1, 200])).toBeUndefined();
    expect(repeatPlan([20, 20, 200], [20, 20, 1])).toBeUndefined();
    expect(repeatPlan([0, 5], [5])).toBeUndefined();
  });
});

describe('rowsPlan', () => {
  it('merges the axes both operands have or broadcast alike, and strides each operand', () => {
    expect(rowsPlan([1, 20, 20, 200], [4, 20, 1, 200])).toEqual({
      last: 200,
      aFull: true,
      bFull: true,
      outer: [4, 20, 20],
      aStrides: [0, 4000, 200],
      bStrides: [4000, 200, 0],
    });
    expect(rowsPlan([20, 20, 200], [20, 20, 1])).toEqual({
      last: 200,
      aFull: true,
      bFull: false,
      outer: [1, 1, 400],
      aStrides: [0, 0, 200],
      bStrides: [0, 0, 1],
    });
  });

  it('takes no more than three outer groups, and no scalar output', () => {
    expect(rowsPlan([2, 1, 2, 1, 2, 3], [1, 2, 1, 2, 1, 3])).toBeUndefined();
    expect(rowsPlan([1], [1, 1])).toBeUndefined();
  });
});
