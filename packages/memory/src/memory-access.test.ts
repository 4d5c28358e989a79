import { expectClose, expectGradientsMatch, expectNoLeaks, TOLERANCES } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { concatenateHeads, eraseAndAdd, readWords } from './memory-access.js';

describe('readWords and concatenateHeads', () => {
  it('read Σ_i w[i] M[i] per head and lay the heads side by side', () => {
    tf.tidy(() => {
      const memory = tf.tensor3d([
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
      ]);
      const weights = tf.tensor3d([
        [
          [1, 0, 0],
          [0.5, 0, 0.5],
        ],
      ]);
      const words = readWords(weights, memory);
      expectClose(words, [1, 2, 3, 4], TOLERANCES.float32, 'words');
      const flat = concatenateHeads(words);
      expect(flat.shape).toEqual([1, 4]);
    });
  });
});

describe('eraseAndAdd', () => {
  it('changes only the rows it writes to, by M ⊙ (1 − w e) + w a', () => {
    tf.tidy(() => {
      const memory = tf.tensor3d([
        [
          [1, 2],
          [3, 4],
          [5, 6],
        ],
      ]);
      const written = eraseAndAdd(
        memory,
        tf.tensor2d([[0, 1, 0.5]]),
        tf.tensor2d([[1, 0.5]]),
        tf.tensor2d([[10, 20]]),
      );
      // Row 0 untouched; row 1: (3·0 + 10, 4·0.5 + 20); row 2: (5·0.5 + 5, 6·0.75 + 10).
      expectClose(written, [1, 2, 10, 22, 7.5, 14.5], TOLERANCES.float32, 'memory');
    });
  });

  it('has the gradient of finite differences', () => {
    const inputs = {
      memory: tf.tensor3d([
        [
          [0.3, -0.2],
          [0.1, 0.4],
          [-0.7, 0.2],
        ],
      ]),
      writeWeights: tf.tensor2d([[0.2, 0.5, 0.3]]),
      erase: tf.tensor2d([[0.9, 0.1]]),
      add: tf.tensor2d([[-0.4, 0.6]]),
    };
    const lossWeights = tf.tensor3d([
      [
        [1, -2],
        [0.5, 0.3],
        [-1, 0.7],
      ],
    ]);
    expectGradientsMatch(
      ({ memory, writeWeights, erase, add }) =>
        tf.sum(
          tf.mul(
            eraseAndAdd(
              memory as tf.Tensor3D,
              writeWeights as tf.Tensor2D,
              erase as tf.Tensor2D,
              add as tf.Tensor2D,
            ),
            lossWeights,
          ),
        ),
      inputs,
    );
    tf.dispose([...Object.values(inputs), lossWeights]);
  });

  it('leaves no tensors behind', async () => {
    const memory = tf.ones([2, 3, 2]) as tf.Tensor3D;
    const vector = tf.ones([2, 2]) as tf.Tensor2D;
    const weights = tf.ones([2, 3]) as tf.Tensor2D;
    await expectNoLeaks(() => {
      eraseAndAdd(memory, weights, vector, vector).dispose();
    }, 'eraseAndAdd');
    tf.dispose([memory, vector, weights]);
  });
});
