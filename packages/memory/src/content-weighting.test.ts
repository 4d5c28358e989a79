import { expectClose, expectGradientsMatch, expectNoLeaks, TOLERANCES } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { contentWeighting, cosineSimilarity } from './content-weighting.js';

// One batch, three rows: e₁, e₂ and an all-zero row; keys e₁ and (1, 1).
const rows = [
  [1, 0],
  [0, 1],
  [0, 0],
];
const keyRows = [
  [1, 0],
  [1, 1],
];

describe('cosineSimilarity', () => {
  it('is k·M[i] / (‖k‖ ‖M[i]‖), and 0 against an all-zero row', () => {
    tf.tidy(() => {
      const similarity = cosineSimilarity(tf.tensor3d([rows]), tf.tensor3d([keyRows]));
      expect(similarity.shape).toEqual([1, 2, 3]);
      // Hand-computed: e₁·e₁ = 1; (1, 1)·e₁ / √2 = 1/√2; the zero row gives 0 / (ε-sized norm).
      const half = Math.SQRT1_2;
      expectClose(similarity, [1, 0, 0, half, half, 0], TOLERANCES.reference, 'cosine');
    });
  });

  it('does not depend on the scale of the key or the row (well above ε)', () => {
    tf.tidy(() => {
      const memory = tf.tensor3d([[[3, 4, 0]], [[-1, 2, 2]]]);
      const keys = tf.tensor3d([[[0.5, -1, 2]], [[2, 2, 1]]]);
      const scaled = cosineSimilarity(tf.mul(memory, 7) as tf.Tensor3D, tf.mul(keys, 0.5));
      expectClose(scaled, cosineSimilarity(memory, keys), TOLERANCES.reference, 'scaled');
      // Hand-computed for batch 1: (−2 + 4 + 2) / (3 · 3) = 4/9.
      expectClose(cosineSimilarity(memory, keys).slice([1], [1]), [4 / 9], TOLERANCES.reference);
    });
  });
});

describe('contentWeighting', () => {
  it('is softmax(β · cosine) over the rows, per head', () => {
    tf.tidy(() => {
      const weights = contentWeighting(
        tf.tensor3d([rows]),
        tf.tensor3d([keyRows]),
        tf.tensor2d([[2, 1]]),
      );
      const head0 = [Math.exp(2), 1, 1].map((v) => v / (Math.exp(2) + 2));
      const e = Math.exp(Math.SQRT1_2);
      const head1 = [e, e, 1].map((v) => v / (2 * e + 1));
      expectClose(weights, [...head0, ...head1], TOLERANCES.reference, 'weights');
    });
  });

  it('is uniform on an all-zero memory, with finite gradients', () => {
    const inputs = {
      memory: tf.zeros([2, 4, 3]),
      keys: tf.tensor3d([[[1, -2, 0.5]], [[0, 0, 0]]]),
      strengths: tf.tensor2d([[3], [30]]),
    };
    tf.tidy(() => {
      const weights = contentWeighting(inputs.memory as tf.Tensor3D, inputs.keys, inputs.strengths);
      expectClose(weights, new Array(8).fill(0.25), TOLERANCES.float32, 'uniform');
      const grads = tf.grads((memory: tf.Tensor) =>
        tf.sum(
          tf.mul(
            contentWeighting(memory as tf.Tensor3D, inputs.keys, inputs.strengths),
            tf.range(0, 8).reshape([2, 1, 4]),
          ),
        ),
      )([inputs.memory]);
      expect(Array.from(grads[0]?.dataSync() ?? []).every(Number.isFinite)).toBe(true);
    });
    tf.dispose(Object.values(inputs));
  });

  it('has the gradient of finite differences', () => {
    const inputs = {
      memory: tf.tensor3d([
        [
          [0.3, -0.2, 0.9],
          [0.1, 0.4, -0.5],
          [0.2, 0.6, 0.3],
          [-0.7, 0.2, 0.1],
        ],
      ]),
      keys: tf.tensor3d([
        [
          [0.5, 0.1, -0.3],
          [-0.2, 0.8, 0.4],
        ],
      ]),
      strengths: tf.tensor2d([[1.5, 4]]),
    };
    const lossWeights = tf.tensor3d([
      [
        [0.3, -1, 0.5, 2],
        [1, 0.2, -0.7, 0.4],
      ],
    ]);
    expectGradientsMatch(
      ({ memory, keys, strengths }) =>
        tf.sum(
          tf.mul(
            contentWeighting(memory as tf.Tensor3D, keys as tf.Tensor3D, strengths as tf.Tensor2D),
            lossWeights,
          ),
        ),
      inputs,
    );
    tf.dispose([...Object.values(inputs), lossWeights]);
  });

  it('leaves no tensors behind', async () => {
    const memory = tf.randomNormal([2, 5, 3], 0, 1, 'float32', 1) as tf.Tensor3D;
    const keys = tf.randomNormal([2, 2, 3], 0, 1, 'float32', 2) as tf.Tensor3D;
    const strengths = tf.ones([2, 2]) as tf.Tensor2D;
    await expectNoLeaks(() => {
      contentWeighting(memory, keys, strengths).dispose();
    }, 'contentWeighting');
    tf.dispose([memory, keys, strengths]);
  });
});
