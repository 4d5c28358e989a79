import { expectNoLeaks, TOLERANCES } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNear } from './__fixtures__/memory-harness.js';
import { allocationWeighting } from './dnc-allocation.js';
import { retentionVector, updateUsage } from './dnc-usage.js';

describe('DNC usage', () => {
  // Head 0 read slot 1 fully; head 1 read half of slot 2.
  const readWeights = () =>
    tf.tensor3d([
      [
        [0, 1, 0],
        [0, 0, 0.5],
      ],
    ]);

  it('retention: a free gate of 1 frees the slot its head read', () => {
    tf.tidy(() => {
      const retention = (gates: number[]) => retentionVector(tf.tensor2d([gates]), readWeights());
      // ψ[j] = Π_i (1 − f^i w^{r,i}[j]).
      expectNear(retention([1, 0]), [[1, 0, 1]], TOLERANCES.float32, 'f = [1, 0]');
      expectNear(retention([1, 1]), [[1, 0, 0.5]], TOLERANCES.float32, 'f = [1, 1]');
      expectNear(retention([0.5, 1]), [[1, 0.5, 0.5]], TOLERANCES.float32, 'f = [0.5, 1]');
      expectNear(retention([0, 0]), [[1, 1, 1]], TOLERANCES.float32, 'f = 0');
    });
  });

  it('usage: the last write raises it, retention lowers it, and the freed slot is allocated', () => {
    tf.tidy(() => {
      const usage = tf.tensor2d([[0.5, 0.2, 0.9]]);
      const written = tf.tensor2d([[0.5, 0, 1]]);
      // u + w − u w = [0.75, 0.2, 1], times ψ = [1, 1, 0.5].
      const next = updateUsage(usage, written, tf.tensor2d([[1, 1, 0.5]]));
      expectNear(next, [[0.75, 0.2, 0.5]], TOLERANCES.float32, 'u');
      // Freeing slot 1 of u = [0.9, 0.8, 0.7] (ψ = [1, 0, 1]) makes it the next allocation.
      const retention = retentionVector(tf.tensor2d([[1, 0]]), readWeights());
      const freed = updateUsage(tf.tensor2d([[0.9, 0.8, 0.7]]), tf.zeros([1, 3]), retention);
      expectNear(freed, [[0.9, 0, 0.7]], TOLERANCES.float32, 'freed');
      expectNear(allocationWeighting(freed), [[0, 1, 0]], TOLERANCES.reference, 'a');
    });
  });

  it('has finite gradients when a factor of ψ is exactly 0, and leaks nothing', async () => {
    await expectNoLeaks(() => {
      tf.tidy(() => {
        // dψ[1]/df^0 = −w^{r,0}[1]·(1 − f^1 w^{r,1}[1]) = −1; dψ[2]/df^1 = −0.5.
        const gradient = tf.grad((gates: tf.Tensor) =>
          tf.sum(retentionVector(gates as tf.Tensor2D, readWeights())),
        )(tf.tensor2d([[1, 1]]));
        expectNear(gradient, [[-1, -0.5]], TOLERANCES.float32, 'dψ/df');
        expect(gradient.dataSync().every(Number.isFinite)).toBe(true);
      });
    }, 'retention with gradient');
  });
});
