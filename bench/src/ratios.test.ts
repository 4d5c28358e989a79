import { describe, expect, it } from 'vitest';
import { computeRatios, RATIOS } from './ratios.js';

describe('computeRatios', () => {
  it('has the five ratios of issue 6, then the PyTorch anchor for BBB/plain', () => {
    expect(RATIOS.map((definition) => definition.key)).toEqual([
      'oursOverPytorch',
      'oursOverTfjsLayers',
      'bbbOverPlain',
      'sharpenedOverPlain',
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
      { name: 'rmsprop', tokensPerSecond: 800, stepSeconds: 0.5 },
      { name: 'psgld', tokensPerSecond: 700, stepSeconds: 0.55 },
      { name: 'pytorch-bbb', tokensPerSecond: 800, stepSeconds: 0.375 },
    ]);
    expect(ratios.oursOverPytorch).toBeCloseTo(0.25);
    expect(ratios.oursOverTfjsLayers).toBeCloseTo(1.5);
    expect(ratios.bbbOverPlain).toBeCloseTo(1.2);
    expect(ratios.sharpenedOverPlain).toBeCloseTo(1.6);
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
      psgldOverRmsprop: null,
      pytorchBbbOverPlain: null,
    });
  });
});
