import { describe, expect, it } from 'vitest';
import {
  constantSchedule,
  GAL_LARGE_SCHEDULE,
  ZAREMBA_LARGE_SCHEDULE,
  ZAREMBA_MEDIUM_SCHEDULE,
  zarembaSchedule,
} from './learning-rate-schedule.js';

const at = (epoch: number) => ({ epoch, step: epoch * 1327 + 1 });

describe('constantSchedule', () => {
  it('returns the same rate everywhere and accepts 0', () => {
    const schedule = constantSchedule(0.5);
    expect([0, 3, 100].map((epoch) => schedule(at(epoch)))).toEqual([0.5, 0.5, 0.5]);
    expect(constantSchedule(0)(at(1))).toBe(0);
    expect(() => constantSchedule(-1)).toThrow(/learningRate/);
  });
});

describe('zarembaSchedule', () => {
  it('medium: lr 1 for epochs 1–7 (zero-based 0–6), then ÷1.2 per epoch', () => {
    const schedule = zarembaSchedule(ZAREMBA_MEDIUM_SCHEDULE);
    for (let epoch = 0; epoch <= 6; epoch += 1) expect(schedule(at(epoch))).toBe(1);
    expect(schedule(at(7))).toBeCloseTo(1 / 1.2, 12);
    expect(schedule(at(8))).toBeCloseTo(1 / 1.44, 12);
    expect(schedule(at(38))).toBeCloseTo(1.2 ** -32, 12);
  });

  it('large decays after 14 epochs, Gal large after 10, both by 1.15', () => {
    const large = zarembaSchedule(ZAREMBA_LARGE_SCHEDULE);
    const gal = zarembaSchedule(GAL_LARGE_SCHEDULE);
    expect(large(at(14))).toBe(1);
    expect(large(at(15))).toBeCloseTo(1 / 1.15, 12);
    expect(gal(at(10))).toBe(1);
    expect(gal(at(11))).toBeCloseTo(1 / 1.15, 12);
    expect(gal(at(54))).toBeCloseTo(1.15 ** -44, 12);
  });

  it('depends on the epoch only, not on the step within it', () => {
    const schedule = zarembaSchedule({ learningRate: 2, decay: 2, decayStart: 0 });
    expect(schedule({ epoch: 3, step: 1 })).toBe(schedule({ epoch: 3, step: 999 }));
    expect(schedule({ epoch: 3, step: 1 })).toBe(0.25);
  });

  it('rejects nonsense', () => {
    expect(() => zarembaSchedule({ learningRate: 1, decay: 0, decayStart: 6 })).toThrow(/decay/);
    expect(() => zarembaSchedule({ learningRate: 1, decay: 1.2, decayStart: 1.5 })).toThrow(
      /decayStart/,
    );
  });
});
