import { describe, expect, it } from 'vitest';
import { roundRobin } from './interleave.js';

describe('roundRobin', () => {
  it('visits every contender once per round, in the given order first', () => {
    const slots = roundRobin(3, 4);
    expect(slots.slice(0, 3).map((slot) => slot.index)).toEqual([0, 1, 2]);
    for (let round = 0; round < 4; round += 1) {
      const indices = slots.filter((slot) => slot.round === round).map((slot) => slot.index);
      expect([...indices].sort()).toEqual([0, 1, 2]);
    }
    expect(roundRobin(3, 4)).toEqual(slots); // the same schedule every run
  });

  it('does not let one contender always follow another (8 contenders, 30 rounds)', () => {
    const order = roundRobin(8, 30).map((slot) => slot.index);
    const followersOfLast = new Set<number>();
    for (let i = 1; i < order.length; i += 1) {
      if (order[i - 1] === 7) followersOfLast.add(order[i] as number);
    }
    expect(followersOfLast.size).toBeGreaterThanOrEqual(5);
  });

  it('is empty with no rounds or no contenders', () => {
    expect(roundRobin(3, 0)).toEqual([]);
    expect(roundRobin(0, 3)).toEqual([]);
  });
});
