import { checkLeaksAfterEachTest, expectClose, expectNoLeaks } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { handSetPosterior } from './__fixtures__/hand-set-posterior.js';
import { pruneBySignalToNoise, signalToNoise } from './signal-to-noise.js';

checkLeaksAfterEachTest();

describe('signal-to-noise pruning', () => {
  it('computes |μ|/σ per element', () => {
    const posterior = handSetPosterior();
    const ratios = signalToNoise(posterior);
    // a: 1/0.5, 1/0.5, 0.05/0.5, 3/1; b: 0.5/0.1, 0.4/2.
    expectClose(ratios.a?.dataSync() ?? [], [2, 2, 0.1, 3], { rtol: 1e-5, atol: 1e-6 });
    expectClose(ratios.b?.dataSync() ?? [], [5, 0.2], { rtol: 1e-5, atol: 1e-6 });
    tf.dispose(Object.values(ratios) as tf.Tensor[]);
    tf.dispose(Object.values(posterior.variables));
  });

  it('zeroes the lowest fraction globally, in the mean, and never point weights', async () => {
    const posterior = handSetPosterior();
    // SNRs sorted: 0.1 (a[2]), 0.2 (b[1]), 2, 2, 3, 5. Half of 6 = 3 elements: 0.1, 0.2 and
    // one of the tied 2s would be cut; ties are kept, so only 2 go.
    const half = await pruneBySignalToNoise(posterior, 0.5);
    expect(half.total).toBe(6);
    expect(half.pruned).toBe(2);
    expectClose(half.weights.a.dataSync(), [1, -1, 0, 3], { rtol: 1e-6, atol: 0 });
    expectClose(half.weights.b.dataSync(), [-0.5, 0], { rtol: 1e-6, atol: 0 });
    expect(Array.from(half.weights.c.dataSync())).toEqual([0, 0]);
    tf.dispose(Object.values(half.weights));
    const none = await pruneBySignalToNoise(posterior, 0);
    expect(none.pruned).toBe(0);
    const all = await pruneBySignalToNoise(posterior, 1);
    expect(all.pruned).toBe(6);
    expectClose(all.weights.a.dataSync(), [0, 0, 0, 0], { rtol: 0, atol: 0 });
    tf.dispose([...Object.values(none.weights), ...Object.values(all.weights)]);
    tf.dispose(Object.values(posterior.variables));
  });

  it('rejects a fraction outside [0, 1] and leaks nothing', async () => {
    const posterior = handSetPosterior();
    await expect(pruneBySignalToNoise(posterior, 1.5)).rejects.toThrow(/fraction/);
    await expectNoLeaks(async () => {
      const { weights } = await pruneBySignalToNoise(posterior, 0.3);
      tf.dispose(Object.values(weights));
    });
    tf.dispose(Object.values(posterior.variables));
  });
});
