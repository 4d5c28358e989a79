/** One slot of the schedule: contender `index` runs its step in round `round`. */
export interface Slot {
  readonly round: number;
  readonly index: number;
}

/**
 * The round-robin order `A, B, C, A, B, C, …` over `count` contenders for `rounds` rounds, so
 * that slow drift (thermal, other load on a shared machine) hits every contender alike.
 */
export function roundRobin(count: number, rounds: number): Slot[] {
  const slots: Slot[] = [];
  for (let round = 0; round < rounds; round += 1) {
    for (let index = 0; index < count; index += 1) slots.push({ round, index });
  }
  return slots;
}
