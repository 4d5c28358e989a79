import { describe, expect, it } from 'vitest';
import {
  constantStepSize,
  cyclePhase,
  cyclicalStepSize,
  polynomialDecay,
} from './step-size-schedule.js';

describe('constantStepSize', () => {
  it('returns a at every step and refuses a ≤ 0', () => {
    const schedule = constantStepSize(0.3);
    expect([1, 2, 1000].map(schedule)).toEqual([0.3, 0.3, 0.3]);
    for (const a of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => constantStepSize(a)).toThrow(RangeError);
    }
    expect(() => constantStepSize(0)).toThrow('constantStepSize: a must be a finite number > 0');
  });
});

describe('polynomialDecay', () => {
  it('is ε_t = a (b + t)^−γ (Welling & Teh 2011)', () => {
    const schedule = polynomialDecay({ a: 0.5, b: 9, gamma: 0.55 });
    expect(schedule(1)).toBeCloseTo(0.5 * 10 ** -0.55, 14);
    expect(schedule(91)).toBeCloseTo(0.5 * 100 ** -0.55, 14);
    expect(polynomialDecay({ a: 2, b: 0, gamma: 1 })(4)).toBe(0.5);
  });

  it('refuses a bad config and steps', () => {
    expect(() => polynomialDecay({ a: 0, b: 1, gamma: 0.5 })).toThrow('PolynomialDecayConfig.a');
    expect(() => polynomialDecay({ a: 1, b: -1, gamma: 0.5 })).toThrow(
      'PolynomialDecayConfig.b must be a finite number ≥ 0, got -1',
    );
    for (const gamma of [0, 1.01, Number.NaN]) {
      expect(() => polynomialDecay({ a: 1, b: 1, gamma })).toThrow(
        new RangeError(`PolynomialDecayConfig.gamma must be in (0, 1], got ${gamma}`),
      );
    }
    const schedule = polynomialDecay({ a: 1, b: 1, gamma: 1 });
    for (const step of [0, -1, 1.5, Number.NaN]) {
      expect(() => schedule(step)).toThrow(RangeError);
    }
    expect(() => schedule(0)).toThrow('polynomialDecay: step must be a positive integer, got 0');
  });
});

describe('cyclicalStepSize', () => {
  // K = 10, M = 3 → cycles of ⌈10/3⌉ = 4 steps: r = 0, ¼, ½, ¾, 0, …
  const config = { initial: 0.2, totalSteps: 10, cycles: 3 };

  it('follows (α₀/2)(cos(π r) + 1) with r = mod(t − 1, ⌈K/M⌉)/⌈K/M⌉ (Zhang et al. 2020)', () => {
    const schedule = cyclicalStepSize(config);
    const expected = [0.2, 0.1 * (Math.SQRT1_2 + 1), 0.1, 0.1 * (1 - Math.SQRT1_2), 0.2];
    [1, 2, 3, 4, 5].forEach((t, i) => {
      expect(schedule(t)).toBeCloseTo(expected[i] ?? Number.NaN, 14);
    });
    expect(schedule(9)).toBe(0.2);
    expect(schedule(13)).toBe(0.2); // keeps cycling past K
    expect(cyclicalStepSize({ initial: 1, totalSteps: 5, cycles: 1 })(1)).toBe(1);
  });

  it('cyclePhase gives r', () => {
    expect([1, 2, 3, 4, 5, 10].map((t) => cyclePhase(config, t))).toEqual([
      0, 0.25, 0.5, 0.75, 0, 0.25,
    ]);
  });

  it('refuses a bad config and steps', () => {
    expect(() => cyclicalStepSize({ ...config, initial: 0 })).toThrow(
      'CyclicalStepSizeConfig.initial must be a finite number > 0, got 0',
    );
    expect(() => cyclicalStepSize({ ...config, totalSteps: 2.5 })).toThrow(
      'CyclicalStepSizeConfig.totalSteps must be a positive integer, got 2.5',
    );
    expect(() => cyclicalStepSize({ ...config, cycles: 0 })).toThrow(
      'CyclicalStepSizeConfig.cycles must be a positive integer, got 0',
    );
    expect(() => cyclicalStepSize({ ...config, cycles: 11 })).toThrow(
      'CyclicalStepSizeConfig.cycles must be ≤ totalSteps (10), got 11',
    );
    expect(() => cyclicalStepSize(config)(0)).toThrow(RangeError);
    expect(() => cyclePhase(config, 1.5)).toThrow(RangeError);
  });
});
