import { createKey, initWeights } from '@bayesrnn/core';
import type { Weights } from '@bayesrnn/spec';
import { checkLeaksAfterEachTest, expectClose, expectGradientsMatch } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type AnySabCell, type UnrollOptions, unroll } from './__fixtures__/sab-harness.js';
import { testLstmCell } from './__fixtures__/test-cells.js';
import { ATTENTION_KERNEL, ATTENTION_QUERY } from './attention-scores.js';
import { sab } from './sab-cell.js';
import type { SabConfig } from './sab-config.js';

checkLeaksAfterEachTest();

const [batchSize, inputSize, hiddenSize, steps] = [2, 3, 4, 8];
const lstm = testLstmCell(inputSize, hiddenSize);

/**
 * A SAB LSTM with an attention kernel (w or v) from N(0, attentionStddev²) and the LSTM kernel
 * scaled by `kernelScale`, so that h, the memories and their scores are well apart.
 */
function setup(config: Partial<SabConfig>, seed: number, kernelScale = 1, attentionStddev = 1) {
  const cell = sab(lstm, config) as unknown as AnySabCell;
  const base = initWeights(cell.weightSpecs, createKey(seed));
  const kernel = base[ATTENTION_KERNEL] as tf.Tensor;
  const weights: Weights = {
    ...base,
    'cell/kernel': tf.mul(base['cell/kernel'] as tf.Tensor, kernelScale),
    [ATTENTION_KERNEL]: tf.randomNormal(kernel.shape, 0, attentionStddev, 'float32', seed),
  };
  tf.dispose([base['cell/kernel'] as tf.Tensor, kernel]);
  return { cell, weights };
}

/**
 * |d (Σ output_{T−1} ⊙ R) / d x_j| summed over x_j's entries, for every step j.
 */
function lastOutputSensitivity(config: Partial<SabConfig>, options: UnrollOptions): number[] {
  return tf.tidy(() => {
    const { cell, weights } = setup(config, 1);
    const inputs = tf.randomNormal([steps, batchSize, inputSize], 0, 1, 'float32', 2);
    const lossWeights = tf.randomNormal([batchSize, 2 * hiddenSize], 0, 1, 'float32', 3);
    const gradient = tf.grad((x: tf.Tensor) => {
      const { outputs } = unroll(cell, weights, x as tf.Tensor3D, options);
      const last = tf.squeeze(tf.slice(outputs, [steps - 1, 0, 0], [1, -1, -1]), [0]);
      return tf.sum(tf.mul(last, lossWeights));
    })(inputs);
    return Array.from(tf.sum(tf.abs(gradient), [1, 2]).dataSync());
  });
}

describe('sab gradients', () => {
  // k_trunc = 3 cuts the recurrent chain before steps 2 and 5; every step is stored (k_att = 1).
  const config = { topK: 2, attendEvery: 1, truncation: 3 };

  it('stops the recurrent gradient at the last truncation point (memories detached)', () => {
    const sensitivity = lastOutputSensitivity(config, { detachMemories: true });
    // Output 7 reaches back along the chain to step 5 only: x_0 … x_4 get exactly nothing.
    expect(sensitivity.slice(0, 5)).toEqual([0, 0, 0, 0, 0]);
    for (const value of sensitivity.slice(5)) expect(value).toBeGreaterThan(1e-4);
  });

  it('would reach further back without truncation (the test above can fail)', () => {
    const sensitivity = lastOutputSensitivity(
      { ...config, truncation: 100 },
      { detachMemories: true },
    );
    for (const value of sensitivity) expect(value).toBeGreaterThan(1e-6);
  });

  it('reaches behind the truncation point through the attended memories', () => {
    const sensitivity = lastOutputSensitivity(config, {});
    // Stored states h_j carry gradient to x_j and, inside their own segment, to earlier inputs.
    expect(sensitivity.slice(0, 5).filter((value) => value > 1e-4).length).toBeGreaterThan(0);
  });

  // Around the threshold, scores at least 0.08 (linear, seed 5) and 0.2 (mlp, seed 7) apart in
  // every row at every step, far more than the step 1e-3: near a tie, ã_i = (a_i − δ) / Σ bends
  // sharply and central differences are off.
  it.each([
    ['linear', 5],
    ['mlp', 7],
  ] as const)(
    'has the gradient of finite differences without truncation in the unroll (%s)',
    (scoring, seed) => {
      const { cell, weights } = setup(
        { topK: 2, attendEvery: 1, truncation: 100, scoring },
        seed,
        8,
        2,
      );
      const inputs = tf.randomNormal([5, batchSize, inputSize], 0, 1, 'float32', 6) as tf.Tensor3D;
      const lossWeights = tf.randomNormal([5, batchSize, 2 * hiddenSize], 0, 1, 'float32', 7);
      expectGradientsMatch(
        ({ inputs: x, ...named }) =>
          tf.sum(tf.mul(unroll(cell, named, x as tf.Tensor3D).outputs, lossWeights)),
        { ...weights, inputs },
        { maxElementsPerInput: 16 },
      );
      tf.dispose([...Object.values(weights), inputs, lossWeights]);
    },
  );

  it('gives no gradient to the ĥ half of the attention kernel: ã ignores a shift of all scores', () => {
    tf.tidy(() => {
      const { cell, weights } = setup({ ...config, scoring: 'linear' }, 7);
      const inputs = tf.randomNormal(
        [steps, batchSize, inputSize],
        0,
        1,
        'float32',
        8,
      ) as tf.Tensor3D;
      const gradient = tf.grad((w: tf.Tensor) =>
        tf.sum(tf.square(unroll(cell, { ...weights, [ATTENTION_KERNEL]: w }, inputs).outputs)),
      )(weights[ATTENTION_KERNEL] as tf.Tensor);
      const [queryHalf, memoryHalf] = tf.split(gradient, 2);
      expectClose(queryHalf as tf.Tensor, [0, 0, 0, 0], { rtol: 0, atol: 1e-5 }, 'w_ĥ');
      expect(
        tf
          .abs(memoryHalf as tf.Tensor)
          .sum()
          .dataSync()[0],
      ).toBeGreaterThan(1e-2);
    });
  });

  it('gives gradient to W_q of the MLP score: its ã depends on ĥ', () => {
    tf.tidy(() => {
      // The LSTM kernel scaled by 4, so that ĥ and the memories are not all near zero.
      const { cell, weights } = setup(config, 7, 4);
      const inputs = tf.randomNormal([steps, batchSize, inputSize], 0, 1, 'float32', 8);
      const gradient = tf.grad((w: tf.Tensor) =>
        tf.sum(
          tf.square(
            unroll(cell, { ...weights, [ATTENTION_QUERY]: w }, inputs as tf.Tensor3D).outputs,
          ),
        ),
      )(weights[ATTENTION_QUERY] as tf.Tensor);
      expect(gradient.shape).toEqual([hiddenSize, hiddenSize]);
      // (The linear score's w_ĥ gets exactly nothing, the test above.)
      expect(tf.abs(gradient).sum().dataSync()[0]).toBeGreaterThan(1e-3);
    });
  });
});
