import { expectClose, expectGradientsMatch, expectNoLeaks, TOLERANCES } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { ATTENTION_EPSILON, attentionSummary, sparseAttentionWeights } from './sparse-attention.js';

/** ã for one row of scores. */
function weightsOf(scores: number[], topK: number): Float32Array {
  return tf.tidy(
    () => sparseAttentionWeights(tf.tensor2d([scores]), topK).dataSync() as Float32Array,
  );
}

const third = 1 / (3 + ATTENTION_EPSILON);

describe('sparseAttentionWeights', () => {
  it('keeps exactly topK memories: [3, 1, 2, 0] with topK 2 → δ = 1, ã = [2, 0, 1, 0] / 3', () => {
    expectClose(weightsOf([3, 1, 2, 0], 2), [2 * third, 0, third, 0], TOLERANCES.float32);
    // topK 1 → δ = 2 (second largest): only the largest, with weight 1 (up to ε).
    expectClose(weightsOf([3, 1, 2, 0], 1), [1 / (1 + ATTENTION_EPSILON), 0, 0, 0]);
    // topK 3 → δ = 0: [3, 1, 2] / 6.
    expectClose(weightsOf([3, 1, 2, 0], 3), [0.5, 1 / 6, 1 / 3, 0], TOLERANCES.float32);
  });

  it('gives exactly topK non-zero weights for distinct scores (not the official code’s topK − 1)', () => {
    const scores = [0.3, -1.2, 2.5, 0.9, -0.1, 1.7, 0.05, -2];
    for (const topK of [1, 2, 3, 5, 7]) {
      const weights = weightsOf(scores, topK);
      expect(weights.filter((w) => w > 0).length).toBe(topK);
      expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
    }
  });

  it('drops memories tied with the threshold and never divides 0 by 0', () => {
    // Tied with the (topK + 1)-th largest: both at δ, both weight 0.
    expectClose(weightsOf([4, 2, 2, 0], 2), [1 / (1 + ATTENTION_EPSILON / 2), 0, 0, 0]);
    // Ties among the kept ones share the weight.
    expectClose(weightsOf([4, 4, 1, 0], 2), [0.5, 0.5, 0, 0], TOLERANCES.float32);
    // All equal (e.g. w = 0): nothing is kept, ã = 0, no NaN.
    expectClose(weightsOf([0.7, 0.7, 0.7], 1), [0, 0, 0], TOLERANCES.float32);
  });

  it('keeps every memory, normalised, when numMemories ≤ topK (δ = min − 1)', () => {
    // [0.5, −0.5] − (−1.5) = [2, 1] → [2/3, 1/3].
    expectClose(weightsOf([0.5, -0.5], 2), [2 * third, third], TOLERANCES.float32);
    expectClose(
      weightsOf([0.5, -0.5, 0.25], 3),
      [2, 1, 1.75].map((v) => v / 4.75),
    );
    // One memory: weight 1; equal scores: uniform.
    expectClose(weightsOf([-3], 10), [1 / (1 + ATTENTION_EPSILON)]);
    expectClose(weightsOf([0, 0, 0], 5), [1 / 3, 1 / 3, 1 / 3], TOLERANCES.float32);
  });

  it('works row by row', () => {
    const weights = tf.tidy(() =>
      sparseAttentionWeights(
        tf.tensor2d([
          [3, 1, 2, 0],
          [0, 2, 1, 3],
        ]),
        2,
      ).arraySync(),
    );
    expectClose(weights.flat(), [2 * third, 0, third, 0, 0, third, 0, 2 * third]);
  });

  it('is invariant to a shift of all scores, in value and in gradient', () => {
    tf.tidy(() => {
      const scores = tf.tensor2d([
        [0.3, -1.2, 2.5, 0.9, -0.1],
        [1.1, 0.4, -0.6, 0.2, 0.8],
      ]);
      const lossWeights = tf.tensor2d([
        [1, -2, 0.5, 3, -1],
        [-0.5, 2, 1, -3, 0.25],
      ]);
      for (const topK of [2, 5]) {
        const shifted = sparseAttentionWeights(tf.add(scores, 0.75) as tf.Tensor2D, topK);
        expectClose(shifted, sparseAttentionWeights(scores, topK), TOLERANCES.float32);
        // d/dc of the loss at a + c·1 is the row sum of the gradient: 0 (δ moves with a).
        const gradient = tf.grad((a: tf.Tensor) =>
          tf.sum(tf.mul(sparseAttentionWeights(a as tf.Tensor2D, topK), lossWeights)),
        )(scores);
        expect(tf.abs(gradient).sum().dataSync()[0]).toBeGreaterThan(0.1);
        expectClose(tf.sum(gradient, 1), [0, 0], { rtol: 0, atol: 1e-6 }, 'row sums');
      }
    });
  });

  it('has the gradient of finite differences in both regimes (δ keeps its gradient)', () => {
    const scores = tf.tensor2d([
      [0.3, -1.2, 2.5, 0.9, -0.1],
      [1.1, 0.4, -0.6, 0.2, 0.8],
    ]);
    const lossWeights = tf.tensor2d([
      [1, -2, 0.5, 3, -1],
      [-0.5, 2, 1, -3, 0.25],
    ]);
    for (const topK of [1, 3, 5]) {
      expectGradientsMatch(
        ({ a }) => tf.sum(tf.mul(sparseAttentionWeights(a as tf.Tensor2D, topK), lossWeights)),
        { a: scores },
      );
    }
    tf.dispose([scores, lossWeights]);
  });

  it('leaves no tensors behind, gradient included', async () => {
    const scores = tf.tensor2d([[0.3, -1.2, 2.5, 0.9]]);
    await expectNoLeaks(() => {
      for (const topK of [2, 4]) {
        tf.dispose(
          tf.grad((a: tf.Tensor) => tf.sum(sparseAttentionWeights(a as tf.Tensor2D, topK)))(scores),
        );
        sparseAttentionWeights(scores, topK).dispose();
      }
    }, 'sparse attention weights');
    scores.dispose();
  });
});

describe('attentionSummary', () => {
  it('sums the weighted memories s = Σ ã_i m_i', () => {
    tf.tidy(() => {
      const memories = tf.tensor3d([
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
      ]);
      const summary = attentionSummary(tf.tensor2d([[0.5, 0, 0.25]]), memories);
      expect(summary.shape).toEqual([1, 2]);
      expectClose(summary, [0.5 + 1.25, 1 + 1.5], TOLERANCES.float32);
    });
  });
});
