import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { mcPoints, runMcEvaluation } from './mc-evaluation.js';
import { TINY_SHAPE } from './tiny-shape.js';

describe('mcPoints', () => {
  it('calls a cost proportional to the samples linear', () => {
    const timings = new Map([
      [1, [0.6, 0.7]],
      [2, [2.0]],
      [4, [4.2]],
      [8, [8.0]],
    ]);
    const result = mcPoints(timings, 100);
    expect(result.linear).toBe(true);
    expect(result.points[0]?.tokensPerSecond).toBeCloseTo(100 / 0.65);
    expect(result.points[2]?.tokenPassesPerSecond).toBeCloseTo(400 / 4.2);
    // Across the MC counts only; the cheaper deterministic pass is reported apart.
    expect(result.perPassSpread).toBeCloseTo(1.05);
    expect(result.stochasticOverDeterministic).toBeCloseTo(1 / 0.65);
  });

  it('calls a cost that grows faster than the samples not linear', () => {
    const timings = new Map([
      [1, [1]],
      [2, [2]],
      [8, [16]],
    ]);
    expect(mcPoints(timings, 100).linear).toBe(false);
  });
});

describe('runMcEvaluation', () => {
  it('scores every sample count on a tiny shape without leaking', async () => {
    const before = tf.memory().numTensors;
    const result = await runMcEvaluation(TINY_SHAPE, {
      sampleCounts: [1, 2],
      windows: 2,
      repetitions: 1,
      log: () => {},
    });
    expect(result.points.map((point) => point.samples)).toEqual([1, 2]);
    expect(result.tokens).toBe(2 * TINY_SHAPE.batchSize * TINY_SHAPE.steps);
    expect(tf.memory().numTensors).toBe(before);
  });
});
