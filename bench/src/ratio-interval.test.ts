import { describe, expect, it } from 'vitest';
import { medianRatioInterval } from './ratio-interval.js';
import { seededUniforms } from './seeded-uniform.js';
import { median } from './stats.js';

/** Standard normals from seeded uniforms (Box–Muller), for simulated step times. */
function normals(seed: number): () => number {
  const uniform = seededUniforms(seed);
  return () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}

/**
 * `rounds` rounds of two contenders whose step-time distributions differ by exactly `trueRatio`:
 * each round shares a slowdown `drift` (other load on the machine), and each step has its own
 * noise `jitter` (log-normal).
 */
function simulatedRounds(
  seed: number,
  rounds: number,
  trueRatio: number,
  drift: number,
  jitter: number,
) {
  const normal = normals(seed);
  const numerator: number[] = [];
  const denominator: number[] = [];
  for (let round = 0; round < rounds; round += 1) {
    const shared = Math.exp(drift * normal());
    denominator.push(0.1 * shared * Math.exp(jitter * normal()));
    numerator.push(0.1 * trueRatio * shared * Math.exp(jitter * normal()));
  }
  return { numerator, denominator };
}

describe('medianRatioInterval', () => {
  it('collapses to the ratio when every round gives the same times', () => {
    const interval = medianRatioInterval([0.3, 0.3, 0.3], [0.2, 0.2, 0.2]);
    expect(interval?.low).toBeCloseTo(1.5, 12);
    expect(interval?.high).toBeCloseTo(1.5, 12);
  });

  it('holds the ratio of the medians, and is the same for the same samples and seed', () => {
    const { numerator, denominator } = simulatedRounds(7, 30, 1.25, 0.1, 0.08);
    const interval = medianRatioInterval(numerator, denominator);
    const point = median(numerator) / median(denominator);
    expect(interval).not.toBeNull();
    expect(interval?.low).toBeLessThan(point);
    expect(interval?.high).toBeGreaterThan(point);
    expect(medianRatioInterval(numerator, denominator)).toEqual(interval);
    expect(medianRatioInterval(numerator, denominator, { seed: 2 })).not.toEqual(interval);
  });

  it('covers the true ratio about 95% of the time (400 simulated runs of 30 rounds)', () => {
    let covered = 0;
    const runs = 400;
    for (let run = 0; run < runs; run += 1) {
      const { numerator, denominator } = simulatedRounds(1000 + run, 30, 1.25, 0.1, 0.08);
      const interval = medianRatioInterval(numerator, denominator, {
        resamples: 500,
        seed: run + 1,
      });
      if (interval !== null && interval.low <= 1.25 && 1.25 <= interval.high) covered += 1;
    }
    // 392 of 400 here: the percentile bootstrap of a median is a little conservative at n = 30
    // (resampled medians take few distinct values). Too narrow an interval (a 50% one covers
    // about half the time) or one that always covers fails these bounds.
    expect(covered / runs).toBeGreaterThan(0.9);
    expect(covered / runs).toBeLessThan(0.995);
  });

  it('pairs rounds: drift shared by both contenders does not widen the interval', () => {
    const { numerator, denominator } = simulatedRounds(11, 30, 1.25, 0.3, 0.05);
    const paired = medianRatioInterval(numerator, denominator) as { low: number; high: number };
    // One round fewer on one side: the same data, resampled independently.
    const unpaired = medianRatioInterval(numerator, denominator.slice(1)) as {
      low: number;
      high: number;
    };
    expect(paired.high - paired.low).toBeLessThan((unpaired.high - unpaired.low) / 2);
  });

  it('is null for a missing or unusable sample, and refuses bad options', () => {
    expect(medianRatioInterval([], [0.1])).toBeNull();
    expect(medianRatioInterval([0.1], [0])).toBeNull();
    expect(medianRatioInterval([Number.NaN], [0.1])).toBeNull();
    expect(() => medianRatioInterval([0.1], [0.1], { resamples: 0 })).toThrow(/resamples/);
    expect(() => medianRatioInterval([0.1], [0.1], { level: 1 })).toThrow(/level/);
  });
});
