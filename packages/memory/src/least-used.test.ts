import { expectClose, expectNoLeaks } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { leastUsedWeightings } from './least-used.js';

const EXACT = { rtol: 0, atol: 0 };

/** The slot each head's one-hot points at, `[batch][head]`. */
function chosenSlots(weightings: tf.Tensor3D): number[][] {
  const slots = tf.argMax(weightings, 2);
  const rows = slots.arraySync() as number[][];
  slots.dispose();
  return rows;
}

describe('leastUsedWeightings', () => {
  it('puts head h on the h-th smallest usage, ties to the lower slot', () => {
    tf.tidy(() => {
      // Sorted by (usage, slot): 0.1@1, 0.1@3, 0.3@2, 0.5@0, 0.9@4 → heads on slots 1, 3, 2.
      const weightings = leastUsedWeightings(tf.tensor2d([[0.5, 0.1, 0.3, 0.1, 0.9]]), 3);
      expect(weightings.shape).toEqual([1, 3, 5]);
      expect(weightings.dtype).toBe('float32');
      expectClose(
        weightings,
        [0, 1, 0, 0, 0, /* head 1 */ 0, 0, 0, 1, 0, /* head 2 */ 0, 0, 1, 0, 0],
        EXACT,
        'one-hots',
      );
    });
  });

  it('takes the lowest slots when every usage is equal, per batch row', () => {
    tf.tidy(() => {
      const usage = tf.tensor2d([
        [0, 0, 0, 0],
        [2, 1, 1, 0],
      ]);
      const weightings = leastUsedWeightings(usage, 2);
      // Row 0: all tied → slots 0, 1. Row 1: 0@3, then the tie 1@1, 1@2 → slot 1.
      expect(chosenSlots(weightings)).toEqual([
        [0, 1],
        [3, 1],
      ]);
      // Each head's row is a one-hot, and their sum is MANN's w^lu with n = 2 ones.
      expectClose(tf.sum(weightings, 2), [1, 1, 1, 1], EXACT, 'one per head');
      expectClose(tf.sum(weightings, 1), [1, 1, 0, 0, 0, 1, 0, 1], EXACT, 'w^lu');
    });
  });

  it('breaks ties by slot index on this backend for many tied usages (topk contract)', () => {
    // Usages on four levels, so most entries are tied; expected order by (usage, slot).
    const memorySize = 97;
    const values = Array.from({ length: memorySize }, (_, i) => ((i * 37) % 4) * 0.25);
    const expected = values
      .map((value, slot) => ({ value, slot }))
      .sort((a, b) => a.value - b.value || a.slot - b.slot)
      .slice(0, 12)
      .map((entry) => entry.slot);
    const weightings = leastUsedWeightings(tf.tensor2d([values]), 12);
    expect(chosenSlots(weightings)).toEqual([expected]);
    tf.dispose(weightings);
  });

  it('passes no gradient to the usage, and does not break a gradient through it', () => {
    tf.tidy(() => {
      const usage = tf.tensor2d([[0.3, 0.2, 0.7]]);
      const scale = tf.tensor2d([[1, 2, 3]]);
      const [dUsage, dScale] = tf.grads((u: tf.Tensor, s: tf.Tensor) =>
        tf.sum(tf.mul(leastUsedWeightings(tf.mul(u, s) as tf.Tensor2D, 2), tf.add(u, s))),
      )([usage, scale]);
      // u·s = [0.3, 0.4, 2.1]: heads on slots 0 and 1. Only the direct term u + s carries
      // gradient, 1 for each chosen slot.
      expectClose(dUsage as tf.Tensor, [1, 1, 0], EXACT, 'd/du');
      expectClose(dScale as tf.Tensor, [1, 1, 0], EXACT, 'd/ds');
    });
  });

  it('refuses a head count outside [1, memorySize]', () => {
    tf.tidy(() => {
      const usage = tf.zeros([2, 3]) as tf.Tensor2D;
      expect(() => leastUsedWeightings(usage, 4)).toThrow(
        'leastUsedWeightings: numHeads must be an integer in [1, memorySize = 3], got 4',
      );
      expect(() => leastUsedWeightings(usage, 0)).toThrow(RangeError);
      expect(() => leastUsedWeightings(usage, 1.5)).toThrow(RangeError);
    });
  });

  it('leaves no tensors behind, also under a gradient', async () => {
    const usage = tf.tensor2d([[0.3, 0.2, 0.7]]);
    await expectNoLeaks(() => {
      leastUsedWeightings(usage, 2).dispose();
      const gradient = tf.grad((u: tf.Tensor) => tf.sum(leastUsedWeightings(u as tf.Tensor2D, 2)))(
        usage,
      );
      gradient.dispose();
    }, 'leastUsedWeightings');
    expect(usage.isDisposed).toBe(false);
    usage.dispose();
  });
});
