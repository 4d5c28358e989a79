import { describe, expect, it } from 'vitest';
import { DEFAULT_SAB_CONFIG, resolveSabConfig } from './sab-config.js';
import { detachesBefore, memoryCount, storesAfter } from './sab-schedule.js';

describe('SabConfig', () => {
  it('defaults to the official code’s k_top 10, k_att 2, k_trunc 10 with the paper’s MLP score', () => {
    expect(DEFAULT_SAB_CONFIG).toStrictEqual({
      topK: 10,
      attendEvery: 2,
      truncation: 10,
      scoring: 'mlp',
    });
    expect(resolveSabConfig()).toStrictEqual(DEFAULT_SAB_CONFIG);
    expect(resolveSabConfig({ topK: 5, truncation: 5 })).toStrictEqual({
      topK: 5,
      attendEvery: 2,
      truncation: 5,
      scoring: 'mlp',
    });
    // attentionSize stays absent until given (sab uses the wrapped cell's hidden size).
    expect('attentionSize' in resolveSabConfig()).toBe(false);
    expect(resolveSabConfig({ scoring: 'linear', attentionSize: 7 })).toStrictEqual({
      ...DEFAULT_SAB_CONFIG,
      scoring: 'linear',
      attentionSize: 7,
    });
  });

  it('names a bad option', () => {
    expect(() => resolveSabConfig({ topK: 0 })).toThrow(
      'SabConfig.topK must be a positive integer, got 0',
    );
    expect(() => resolveSabConfig({ attendEvery: 1.5 })).toThrow(
      'SabConfig.attendEvery must be a positive integer, got 1.5',
    );
    expect(() => resolveSabConfig({ truncation: Number.NaN })).toThrow(
      'SabConfig.truncation must be a positive integer, got NaN',
    );
    expect(() => resolveSabConfig({ topK: -3 })).toThrow(RangeError);
    expect(() => resolveSabConfig({ attentionSize: 0 })).toThrow(
      'SabConfig.attentionSize must be a positive integer, got 0',
    );
    expect(() => resolveSabConfig({ attentionSize: 2.5 })).toThrow(RangeError);
    expect(() => resolveSabConfig({ scoring: 'dot' as never })).toThrow(
      "SabConfig.scoring must be one of 'mlp', 'linear', got 'dot'",
    );
    expect(() => resolveSabConfig({ scoring: 3 as never })).toThrow(RangeError);
  });
});

describe('the time grid', () => {
  it('detaches before every step t with (t + 1) mod k_trunc = 0', () => {
    const steps = Array.from({ length: 10 }, (_, t) => t);
    expect(steps.filter((t) => detachesBefore(t, 3))).toEqual([2, 5, 8]);
    expect(steps.filter((t) => detachesBefore(t, 1))).toEqual(steps);
  });

  it('stores after every step t with (t + 1) mod k_att = 0, from one initial memory', () => {
    const steps = Array.from({ length: 8 }, (_, t) => t);
    expect(steps.filter((t) => storesAfter(t, 2))).toEqual([1, 3, 5, 7]);
    expect(steps.map((t) => memoryCount(t, 2))).toEqual([1, 1, 2, 2, 3, 3, 4, 4]);
    expect(steps.map((t) => memoryCount(t, 1))).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });
});
