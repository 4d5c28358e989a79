import { expectNoLeaks, TOLERANCES } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectNear } from './__fixtures__/memory-harness.js';
import { directionalWeightings, updateLinkMatrix, updatePrecedence } from './dnc-temporal-link.js';

const EXACT = { rtol: 0, atol: 1e-7 };

describe('DNC temporal link', () => {
  it('links slot 1 after slot 0 after one-hot writes to 0 then 1, and the reads follow', () => {
    tf.tidy(() => {
      let link = tf.zeros([1, 3, 3]) as tf.Tensor3D;
      let precedence = tf.zeros([1, 3]) as tf.Tensor2D;
      for (const slot of [0, 1]) {
        const write = tf.oneHot([slot], 3).toFloat() as tf.Tensor2D;
        link = updateLinkMatrix(link, precedence, write); // with the previous precedence
        precedence = updatePrecedence(precedence, write);
      }
      // Step 1: L = 0, p = e0. Step 2: L[i, j] = w[i] p[j] → L[1, 0] = 1; p = e1.
      expectNear(
        link,
        [
          [
            [0, 0, 0],
            [1, 0, 0],
            [0, 0, 0],
          ],
        ],
        EXACT,
        'L',
      );
      expectNear(precedence, [[0, 1, 0]], EXACT, 'p');
      // Heads on slots 0, 1, 2: forward f = L w, backward b = Lᵀ w.
      const { forward, backward } = directionalWeightings(link, tf.eye(3).expandDims(0));
      expectNear(
        forward,
        [
          [
            [0, 1, 0],
            [0, 0, 0],
            [0, 0, 0],
          ],
        ],
        EXACT,
        'forward: 0 → 1',
      );
      expectNear(
        backward,
        [
          [
            [0, 0, 0],
            [1, 0, 0],
            [0, 0, 0],
          ],
        ],
        EXACT,
        'backward: 1 → 0',
      );
    });
  });

  it('updates a partial write by hand, zeroing the diagonal', () => {
    tf.tidy(() => {
      const link = tf.tensor3d([
        [
          [0, 0.4, 0],
          [0.2, 0, 0],
          [0, 0, 0],
        ],
      ]);
      const precedence = tf.tensor2d([[0.1, 0.6, 0.2]]);
      const write = tf.tensor2d([[0.5, 0.25, 0]]);
      // L[0,1] = (1 − 0.5 − 0.25)·0.4 + 0.5·0.6 = 0.4;  L[0,2] = 0.5·0.2 = 0.1
      // L[1,0] = (1 − 0.25 − 0.5)·0.2 + 0.25·0.1 = 0.075;  L[1,2] = 0.25·0.2 = 0.05
      // L[0,0] would be 0.5·0.1 = 0.05 without the zeroed diagonal.
      expectNear(
        updateLinkMatrix(link, precedence, write),
        [
          [
            [0, 0.4, 0.1],
            [0.075, 0, 0.05],
            [0, 0, 0],
          ],
        ],
        TOLERANCES.float32,
        'L',
      );
      // p = (1 − 0.75)·[0.1, 0.6, 0.2] + [0.5, 0.25, 0].
      expectNear(
        updatePrecedence(precedence, write),
        [[0.525, 0.4, 0.05]],
        TOLERANCES.float32,
        'p',
      );
    });
  });

  it('mixes the directions of several heads and sequences', () => {
    tf.tidy(() => {
      // Sequence 0 wrote 0, 1, 2 (L[1,0] = L[2,1] = 1); sequence 1 wrote 2, 0.
      const link = tf.tensor3d([
        [
          [0, 0, 0],
          [1, 0, 0],
          [0, 1, 0],
        ],
        [
          [0, 0, 1],
          [0, 0, 0],
          [0, 0, 0],
        ],
      ]);
      const reads = tf.tensor3d([
        [
          [0.5, 0.5, 0],
          [0, 0, 1],
        ],
        [
          [0, 0, 1],
          [1, 0, 0],
        ],
      ]);
      const { forward, backward } = directionalWeightings(link, reads);
      expectNear(
        forward,
        [
          [
            [0, 0.5, 0.5],
            [0, 0, 0],
          ],
          [
            [1, 0, 0],
            [0, 0, 0],
          ],
        ],
        EXACT,
        'f',
      );
      expectNear(
        backward,
        [
          [
            [0.5, 0, 0],
            [0, 1, 0],
          ],
          [
            [0, 0, 0],
            [0, 0, 1],
          ],
        ],
        EXACT,
        'b',
      );
    });
  });

  it('leaks nothing', async () => {
    await expectNoLeaks(() => {
      tf.tidy(() => {
        const write = tf.tensor2d([[0.5, 0.25, 0]]);
        const link = updateLinkMatrix(tf.zeros([1, 3, 3]), tf.zeros([1, 3]), write);
        const directions = directionalWeightings(link, tf.ones([1, 2, 3]));
        expect(directions.forward.shape).toEqual([1, 2, 3]);
      });
    }, 'link update');
  });
});
