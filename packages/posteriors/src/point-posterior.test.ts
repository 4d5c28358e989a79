import { createKey } from '@bayesrnn/core';
import { expectNoLeaks } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { TINY_SPECS, tinyLoss } from './__fixtures__/tiny-model.js';
import { createPointPosterior } from './point-posterior.js';

describe('createPointPosterior', () => {
  it('draws the weights themselves with KL 0, and gradients reach the variables', () => {
    const posterior = createPointPosterior(TINY_SPECS, createKey(1));
    const { grads } = tf.variableGrads(() => {
      const draw = posterior.draw(createKey(2), { training: true });
      expect(draw.kl.dataSync()[0]).toBe(0);
      expect(Array.from(draw.weights['hidden/kernel'].dataSync())).toEqual(
        Array.from(posterior.variables['hidden/kernel']?.dataSync() ?? []),
      );
      return tf.add(tinyLoss(draw.weights), draw.kl) as tf.Scalar;
    }, Object.values(posterior.variables));
    expect(Object.keys(grads)).toHaveLength(3);
    tf.dispose(Object.values(grads));
  });

  it('disposing a draw or the mean keeps the variables', async () => {
    const posterior = createPointPosterior(TINY_SPECS, createKey(1));
    await expectNoLeaks(() => {
      const draw = posterior.draw(createKey(2), { training: false });
      tf.dispose([...Object.values(draw.weights), draw.kl, ...Object.values(posterior.mean())]);
    });
    expect(posterior.variables['hidden/kernel']?.isDisposed).toBe(false);
    expect(posterior.variables['hidden/kernel']?.dataSync() ?? []).toHaveLength(12);
  });
});
