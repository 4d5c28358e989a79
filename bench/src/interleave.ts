import { seededUniforms } from './seeded-uniform.js';

/** One slot of the schedule: contender `index` runs its step in round `round`. */
export interface Slot {
  readonly round: number;
  readonly index: number;
}

/**
 * Every contender once per round, so that slow drift (thermal, other load on a shared machine)
 * hits every contender alike: the given order in round 0, then a fixed pseudo-random order per
 * round (the same schedule on every run). Why not the same order every round: a contender then
 * always follows the same one, and PyTorch's OpenBLAS threads keep spinning for a while after
 * its step; our plain step, always next, measured 0.156 s against RMSprop's 0.140 s, though
 * RMSprop does more.
 */
export function roundRobin(count: number, rounds: number): Slot[] {
  const slots: Slot[] = [];
  for (let round = 0; round < rounds; round += 1) {
    for (const index of roundOrder(count, round)) slots.push({ round, index });
  }
  return slots;
}

/** `0 … count − 1` for round 0; a Fisher–Yates shuffle seeded by the round after that. */
function roundOrder(count: number, round: number): number[] {
  const order = Array.from({ length: count }, (_, index) => index);
  const uniform = seededUniforms(round * 2_654_435_761);
  for (let i = count - 1; round > 0 && i > 0; i -= 1) {
    const j = Math.floor(uniform() * (i + 1));
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  return order;
}
