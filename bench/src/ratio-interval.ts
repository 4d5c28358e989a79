import { seededUniforms } from './seeded-uniform.js';
import { median } from './stats.js';

/** A confidence interval `[low, high]`. */
export interface Interval {
  readonly low: number;
  readonly high: number;
}

/** How {@link medianRatioInterval} resamples. */
export interface BootstrapOptions {
  /** Bootstrap resamples (default 2,000). */
  readonly resamples?: number;
  /** Coverage of the interval (default 0.95). */
  readonly level?: number;
  /** Seed of the resampling, so that the same samples give the same interval (default 1). */
  readonly seed?: number;
}

const DEFAULT_RESAMPLES = 2_000;
const DEFAULT_LEVEL = 0.95;

function usable(values: readonly number[]): boolean {
  return values.length > 0 && values.every((value) => Number.isFinite(value) && value > 0);
}

/** The `q`-quantile of sorted values, interpolated linearly between order statistics. */
function quantile(sorted: readonly number[], q: number): number {
  const position = q * (sorted.length - 1);
  const below = Math.floor(position);
  const lower = sorted[below] as number;
  const upper = sorted[Math.min(below + 1, sorted.length - 1)] as number;
  return lower + (upper - lower) * (position - below);
}

/**
 * A bootstrap percentile interval for `median(numerator) / median(denominator)`, the
 * statistic behind the bench's ratios (of step times; a ratio of tokens/s is its inverse
 * times the ratio of tokens per step).
 *
 * Samples of equal length are taken as paired by index, i.e. by round: the harness runs every
 * contender once per round, so a round slowed by other load on the machine slows both, and
 * resampling whole rounds keeps that shared part out of the interval. Samples of unequal
 * length are resampled independently. `null` when either sample is empty or holds a value
 * that is not finite and positive.
 */
export function medianRatioInterval(
  numerator: readonly number[],
  denominator: readonly number[],
  options: BootstrapOptions = {},
): Interval | null {
  if (!usable(numerator) || !usable(denominator)) return null;
  const resamples = options.resamples ?? DEFAULT_RESAMPLES;
  const level = options.level ?? DEFAULT_LEVEL;
  if (!Number.isInteger(resamples) || resamples < 1) {
    throw new RangeError(
      `medianRatioInterval: resamples must be a positive integer, got ${resamples}`,
    );
  }
  if (!(level > 0 && level < 1)) {
    throw new RangeError(`medianRatioInterval: level must lie in (0, 1), got ${level}`);
  }
  const uniform = seededUniforms(options.seed ?? 1);
  const paired = numerator.length === denominator.length;
  const draw = (values: readonly number[], picks: readonly number[]) =>
    picks.map((pick) => values[pick] as number);
  const picksOf = (length: number) => Array.from({ length }, () => Math.floor(uniform() * length));
  const ratios: number[] = [];
  for (let r = 0; r < resamples; r += 1) {
    const numeratorPicks = picksOf(numerator.length);
    const denominatorPicks = paired ? numeratorPicks : picksOf(denominator.length);
    ratios.push(
      median(draw(numerator, numeratorPicks)) / median(draw(denominator, denominatorPicks)),
    );
  }
  ratios.sort((a, b) => a - b);
  const tail = (1 - level) / 2;
  return { low: quantile(ratios, tail), high: quantile(ratios, 1 - tail) };
}
