import { describe, expect, it } from 'vitest';
import { computeRatioIntervals, computeRatios, RATIOS } from './ratios.js';

describe('computeRatios', () => {
  it('has the five ratios of issue 6, with the recurrent-only sharpening and PyTorch anchors', () => {
    expect(RATIOS.map((definition) => definition.key)).toEqual([
      'oursOverPytorch',
      'oursOverTfjsLayers',
      'bbbOverPlain',
      'sharpenedOverPlain',
      'sharpenedRecurrentOverPlain',
      'psgldOverRmsprop',
      'pytorchBbbOverPlain',
    ]);
  });

  it('takes throughput ratios of tokens/s and cost ratios of step time', () => {
    const ratios = computeRatios([
      { name: 'plain', tokensPerSecond: 600, stepSeconds: 0.5 },
      { name: 'pytorch', tokensPerSecond: 2400, stepSeconds: 0.125 },
      { name: 'tfjs-layers', tokensPerSecond: 400, stepSeconds: 0.75 },
      { name: 'bbb', tokensPerSecond: 400, stepSeconds: 0.6 },
      { name: 'bbb-sharpened', tokensPerSecond: 300, stepSeconds: 0.8 },
      { name: 'bbb-sharpened-recurrent', tokensPerSecond: 350, stepSeconds: 0.7 },
      { name: 'rmsprop', tokensPerSecond: 800, stepSeconds: 0.5 },
      { name: 'psgld', tokensPerSecond: 700, stepSeconds: 0.55 },
      { name: 'pytorch-bbb', tokensPerSecond: 800, stepSeconds: 0.375 },
    ]);
    expect(ratios.oursOverPytorch).toBeCloseTo(0.25);
    expect(ratios.oursOverTfjsLayers).toBeCloseTo(1.5);
    expect(ratios.bbbOverPlain).toBeCloseTo(1.2);
    expect(ratios.sharpenedOverPlain).toBeCloseTo(1.6);
    expect(ratios.sharpenedRecurrentOverPlain).toBeCloseTo(1.4);
    expect(ratios.psgldOverRmsprop).toBeCloseTo(1.1);
    expect(ratios.pytorchBbbOverPlain).toBeCloseTo(3);
  });

  it('is null for every ratio whose contender is missing or unmeasured', () => {
    const ratios = computeRatios([
      { name: 'plain', tokensPerSecond: 600, stepSeconds: 0.5 },
      { name: 'tfjs-layers' },
    ]);
    expect(ratios).toEqual({
      oursOverPytorch: null,
      oursOverTfjsLayers: null,
      bbbOverPlain: null,
      sharpenedOverPlain: null,
      sharpenedRecurrentOverPlain: null,
      psgldOverRmsprop: null,
      pytorchBbbOverPlain: null,
    });
  });
});

describe('computeRatioIntervals', () => {
  it('brackets step-time ratios directly and tokens/s ratios through tokens per step', () => {
    const intervals = computeRatioIntervals([
      { name: 'plain', tokensPerStep: 400, stepSeconds: [0.1, 0.1, 0.1, 0.1] },
      { name: 'bbb', tokensPerStep: 400, stepSeconds: [0.12, 0.13, 0.12, 0.13] },
      // Twice the tokens per step at twice the time: the same tokens/s as plain.
      { name: 'pytorch', tokensPerStep: 800, stepSeconds: [0.2, 0.2, 0.2, 0.2] },
    ]);
    expect(intervals.bbbOverPlain?.low).toBeGreaterThanOrEqual(1.2 - 1e-12);
    expect(intervals.bbbOverPlain?.high).toBeLessThanOrEqual(1.3 + 1e-12);
    expect(intervals.bbbOverPlain?.high).toBeGreaterThan(intervals.bbbOverPlain?.low ?? 0);
    expect(intervals.oursOverPytorch?.low).toBeCloseTo(1, 12);
    expect(intervals.oursOverPytorch?.high).toBeCloseTo(1, 12);
  });

  it('is null where a contender is missing or has no samples', () => {
    const intervals = computeRatioIntervals([
      { name: 'plain', tokensPerStep: 400, stepSeconds: [0.1] },
      { name: 'bbb' },
    ]);
    expect(intervals.bbbOverPlain).toBeNull();
    expect(intervals.sharpenedOverPlain).toBeNull();
  });
});
