import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { sumNll } from './nll.js';
import { createNllAccumulator } from './nll-accumulator.js';
import { perplexity } from './perplexity.js';

describe('createNllAccumulator', () => {
  it('gives exp(total NLL / tokens), not the mean of per-window perplexities', () => {
    const nll = createNllAccumulator();
    nll.add(10, 5); // window 1: mean 2 nats
    nll.add(3, 1); // window 2: mean 3 nats
    expect(nll.totalNll).toBe(13);
    expect(nll.count).toBe(6);
    expect(nll.meanNll()).toBeCloseTo(13 / 6, 12);
    expect(nll.perplexity()).toBeCloseTo(Math.exp(13 / 6), 10); // 8.7291
    expect(nll.bitsPerCharacter()).toBeCloseTo(13 / 6 / Math.LN2, 12);
    const meanOfPerplexities = (Math.exp(2) + Math.exp(3)) / 2; // 13.73: wrong, and different
    expect(Math.abs(nll.perplexity() - meanOfPerplexities)).toBeGreaterThan(4);
  });

  it('over windows of a batch equals the perplexity of the whole batch', () => {
    const logits = tf.randomNormal([7, 5], 0, 2, 'float32', 11);
    const targets = tf.tensor1d([0, 4, 2, 2, 1, 3, 0], 'int32');
    const nll = createNllAccumulator();
    for (const [start, size] of [
      [0, 4],
      [4, 1],
      [5, 2],
    ] as const) {
      const part = sumNll(tf.slice(logits, [start, 0], [size, 5]), tf.slice(targets, start, size));
      nll.add(part.dataSync()[0] ?? Number.NaN, size);
    }
    const whole = perplexity(logits, targets);
    expect(nll.perplexity()).toBeCloseTo(whole.dataSync()[0] ?? Number.NaN, 4);
    tf.dispose([logits, targets, whole]);
  });

  it('sums with compensation, so small windows are not lost next to large totals', () => {
    const nll = createNllAccumulator();
    nll.add(1e16, 1);
    nll.add(1, 1);
    nll.add(-1e16, 1);
    expect(nll.totalNll).toBe(1); // a plain float64 sum gives 0
  });

  it('refuses bad counts and means of nothing, and resets', () => {
    const nll = createNllAccumulator();
    expect(() => nll.perplexity()).toThrow('NllAccumulator: no tokens added yet');
    expect(() => nll.add(1, -1)).toThrow(
      'NllAccumulator.add: count must be an integer ≥ 0, got -1',
    );
    expect(() => nll.add(1, 1.5)).toThrow(RangeError);
    nll.add(4, 2);
    nll.reset();
    expect([nll.totalNll, nll.count]).toEqual([0, 0]);
    expect(() => nll.meanNll()).toThrow(RangeError);
  });

  it('lets a diverged window show (NaN propagates)', () => {
    const nll = createNllAccumulator();
    nll.add(Number.NaN, 3);
    expect(nll.perplexity()).toBeNaN();
  });
});
