import { describe, expect, it } from 'vitest';
import { roundRobin } from './interleave.js';

describe('roundRobin', () => {
  it('visits every contender once per round, in order: A, B, C, A, B, C', () => {
    expect(roundRobin(3, 2)).toEqual([
      { round: 0, index: 0 },
      { round: 0, index: 1 },
      { round: 0, index: 2 },
      { round: 1, index: 0 },
      { round: 1, index: 1 },
      { round: 1, index: 2 },
    ]);
  });
  it('is empty with no rounds or no contenders', () => {
    expect(roundRobin(3, 0)).toEqual([]);
    expect(roundRobin(0, 3)).toEqual([]);
  });
});
