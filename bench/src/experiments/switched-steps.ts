import type { Contender } from '../contender.js';
import { PTB_SMALL_SHAPE } from '../shape.js';
import { summarise } from '../stats.js';

/**
 * Times a contender's training step under each of several settings switched in and out
 * between steps (`modes`: a name and what sets it), interleaved in one process: two untimed
 * rounds, then `rounds` timed ones, the order reversed every other round. Prints a line per
 * mode: the median step in ms and the range.
 */
export async function timeSwitchedSteps(
  contender: Contender,
  modes: Readonly<Record<string, () => void>>,
  rounds: number,
): Promise<void> {
  const prepared = await contender.setup(PTB_SMALL_SHAPE);
  const names = Object.keys(modes);
  const times = new Map(names.map((name) => [name, [] as number[]]));
  for (let round = -2; round < rounds; round += 1) {
    for (const name of round % 2 === 0 ? names : [...names].reverse()) {
      modes[name]?.();
      const started = performance.now();
      await prepared.step();
      if (round >= 0) times.get(name)?.push(performance.now() - started);
    }
  }
  await prepared.dispose();
  for (const name of names) {
    const s = summarise(times.get(name) ?? []);
    const range = `${s.min.toFixed(1)}–${s.max.toFixed(1)}`;
    console.log(`${contender.name.padEnd(5)} ${name.padEnd(14)} ${s.median.toFixed(1)} (${range})`);
  }
}
