import { expectClose, expectNoLeaks, TOLERANCES } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNear } from './__fixtures__/memory-harness.js';
import { ALLOCATION_EPSILON, allocationWeighting, freeListPermutation } from './dnc-allocation.js';

/** The allocation of `usage` against nested numbers. */
function expectAllocation(usage: number[][], expected: number[][], label: string) {
  tf.tidy(() =>
    expectNear(allocationWeighting(tf.tensor2d(usage)), expected, TOLERANCES.reference, label),
  );
}

/** The paper's allocation by a sort in plain JS (float64), ties to the lowest slot. */
function referenceAllocation(usage: number[]): number[] {
  const floored = usage.map((u) => ALLOCATION_EPSILON + (1 - ALLOCATION_EPSILON) * u);
  const freeList = floored
    .map((u, slot) => ({ u, slot }))
    .sort((a, b) => a.u - b.u || a.slot - b.slot);
  const allocation = new Array<number>(usage.length).fill(0);
  let product = 1;
  for (const { u, slot } of freeList) {
    allocation[slot] = (1 - u) * product;
    product *= u;
  }
  return allocation;
}

describe('DNC allocation weighting', () => {
  it('allocates u = [0.2, 0.5, 0.1] by hand: free list 2, 0, 1', () => {
    // a[2] = 1 − 0.1 = 0.9; a[0] = (1 − 0.2)·0.1 = 0.08; a[1] = (1 − 0.5)·0.1·0.2 = 0.01
    // (ε = 1e-6 moves these by about 1e-6).
    expectAllocation([[0.2, 0.5, 0.1]], [[0.08, 0.01, 0.9]], 'a');
  });

  it('breaks ties by the lowest slot index first', () => {
    // Equal usages: 0, 1, 2 in order: a = [0.7, 0.3·0.7, 0.3²·0.7].
    expectAllocation([[0.3, 0.3, 0.3]], [[0.7, 0.21, 0.063]], 'a');
    // Free list 1, 3, 0, 2: a[1] = 0.8, a[3] = 0.2·0.8, a[0] = 0.2²·0.5, a[2] = 0.2²·0.5·0.5.
    expectAllocation([[0.5, 0.2, 0.5, 0.2]], [[0.02, 0.8, 0.01, 0.16]], 'a');
    tf.tidy(() => {
      const permutation = freeListPermutation(
        tf.tensor2d([
          [0.5, 0.2, 0.5, 0.2],
          [0, 0, 0, 0],
        ]),
      );
      const order = tf.argMax(permutation, 2).arraySync();
      expect(order).toEqual([
        [1, 3, 0, 2],
        [0, 1, 2, 3],
      ]);
    });
  });

  it('gives an empty memory to slot 0 and one slot to 1 − u', () => {
    // u' = ε everywhere: a = [1 − ε, ε(1 − ε), ε²(1 − ε), …].
    expectAllocation([[0, 0, 0, 0]], [[1, 0, 0, 0]], 'empty');
    expectAllocation([[0.25]], [[0.75]], 'one slot');
    // The ε floor leaks ε(1 − ε) of the first allocation to slot 1 and ε²(1 − ε) to slot 2, so
    // a full write to an empty memory makes slot 2 the least used next (as in DeepMind's DNC).
    tf.tidy(() => {
      const first = allocationWeighting(tf.zeros([1, 3]));
      expectNear(allocationWeighting(first), [[0, 0, 1]], TOLERANCES.reference, 'second');
    });
    // A full memory allocates nothing.
    expectAllocation([[1, 1, 1]], [[0, 0, 0]], 'full');
  });

  it('matches a plain-JS sort on random usages, each sequence sorted on its own', () => {
    const usage = tf.tidy(() => tf.randomUniform([4, 7], 0, 1, 'float32', 11).arraySync());
    const allocation = tf.tidy(() =>
      allocationWeighting(tf.tensor2d(usage as number[][])).arraySync(),
    );
    (usage as number[][]).forEach((row, b) => {
      const expected = referenceAllocation(row);
      expectClose(allocation[b] ?? [], expected, TOLERANCES.reference, `sequence ${b}`);
      // Σ a = 1 − Π u'.
      const product = row.reduce(
        (p, u) => p * (ALLOCATION_EPSILON + (1 - ALLOCATION_EPSILON) * u),
        1,
      );
      const total = (allocation[b] ?? []).reduce((s, a) => s + a, 0);
      expectClose(total, 1 - product, TOLERANCES.reference, `Σ a, sequence ${b}`);
    });
  });

  it('passes the gradient through the usage values, not the order', () => {
    // L = a0 + 10 a1 + 100 a2 with a2 = 1 − u2, a0 = (1 − u0) u2, a1 = (1 − u1) u2 u0:
    // dL/du0 = −u2 + 10 (1 − u1) u2 = 0.4; dL/du1 = −10 u2 u0 = −0.2;
    // dL/du2 = (1 − u0) + 10 (1 − u1) u0 − 100 = −98.2 (each times 1 − ε).
    tf.tidy(() => {
      const weights = tf.tensor2d([[1, 10, 100]]);
      const gradient = tf.grad((usage: tf.Tensor) =>
        tf.sum(tf.mul(allocationWeighting(usage as tf.Tensor2D), weights)),
      )(tf.tensor2d([[0.2, 0.5, 0.1]]));
      expectNear(gradient, [[0.4, -0.2, -98.2]], TOLERANCES.reference, 'd L / d u');
    });
  });

  it('has finite gradients at empty and full usage, and leaks nothing', async () => {
    await expectNoLeaks(() => {
      tf.tidy(() => {
        const usage = tf.tensor2d([
          [0, 0, 0, 1],
          [1, 1, 1, 1],
        ]);
        const gradient = tf.grad((u: tf.Tensor) => tf.sum(allocationWeighting(u as tf.Tensor2D)))(
          usage,
        );
        expect(gradient.dataSync().every(Number.isFinite)).toBe(true);
      });
    }, 'allocation with gradient');
  });
});
