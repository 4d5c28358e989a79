import { createKey, disposeTree, initWeights, uniform } from '@bayesrnn/core';
import {
  checkLeaksAfterEachTest,
  expectClose,
  expectGradientsMatch,
  TOLERANCES,
} from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { createMguCell, type MguWeightName } from './mgu-cell.js';

checkLeaksAfterEachTest();

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

/** Every step of `inputs` `[batchSize, steps, inputSize]` by `step`, stacked like `runWindow`. */
function stepByStep(
  cell: ReturnType<typeof createMguCell>,
  weights: Parameters<typeof cell.step>[0],
  inputs: tf.Tensor3D,
) {
  return tf.tidy(() => {
    let state = cell.initialState(inputs.shape[0]);
    const outputs = (tf.unstack(inputs, 1) as tf.Tensor2D[]).map((x) => {
      const result = cell.step(weights, x, state, undefined);
      state = result.state;
      return result.output;
    });
    return tf.stack(outputs, 1);
  });
}

describe('a user-written cell: the minimal gated unit', () => {
  it('steps as the equations say, computed by hand', () => {
    // One unit, one input: W = [0.3 (f), −0.7 (h̃)], U_f 0.8, U_h 1.2, b = [0.1, −0.2].
    const cell = createMguCell({ inputSize: 1, hiddenSize: 1 });
    const weights = {
      inputKernel: tf.tensor2d([[0.3, -0.7]]),
      forgetKernel: tf.tensor2d([[0.8]]),
      candidateKernel: tf.tensor2d([[1.2]]),
      bias: tf.tensor1d([0.1, -0.2]),
    };
    const [x, h] = [2, 0.5];
    const f = sigmoid(0.3 * x + 0.8 * h + 0.1);
    const candidate = Math.tanh(-0.7 * x + 1.2 * f * h - 0.2);
    const expected = (1 - f) * h + f * candidate;
    const [input, state] = [tf.tensor2d([[x]]), { h: tf.tensor2d([[h]]) }];
    const result = cell.step(weights, input, state, undefined);
    expectClose(result.output.dataSync(), [expected], TOLERANCES.float32);
    disposeTree([result.output, result.state.h, input, state.h, Object.values(weights)]);
  });

  it('runWindow equals stepping, with one input projection for the window', () => {
    const cell = createMguCell({ inputSize: 3, hiddenSize: 4, init: uniform(0.8) });
    const weights = initWeights(cell.weightSpecs, createKey(1));
    const inputs = tf.randomNormal([2, 5, 3], 0, 1, 'float32', 7) as tf.Tensor3D;
    const initial = cell.initialState(2);
    const fast = cell.runWindow?.(weights, inputs, initial, undefined);
    const slow = stepByStep(cell, weights, inputs);
    expect(fast?.outputs.shape).toEqual([2, 5, 4]);
    expectClose(fast?.outputs.dataSync() ?? [], slow.dataSync(), TOLERANCES.float32);
    disposeTree([fast?.outputs ?? [], fast?.state.h ?? [], slow, initial.h, inputs]);
    disposeTree(Object.values(weights));
  });

  it('finite differences match the gradient through a window, for every weight and the input', () => {
    const cell = createMguCell({ inputSize: 2, hiddenSize: 3, init: uniform(0.8) });
    const weights = initWeights(cell.weightSpecs, createKey(2));
    const inputs = tf.randomNormal([2, 4, 2], 0, 1, 'float32', 3) as tf.Tensor3D;
    const loss = (named: Readonly<Record<string, tf.Tensor>>) =>
      tf.tidy(() => {
        const run = cell.runWindow?.(
          named as Record<MguWeightName, tf.Tensor>,
          named.inputs as tf.Tensor3D,
          cell.initialState(2),
          undefined,
        );
        // A loss that weighs steps differently, so a wrong time order shows.
        const weightsInTime = tf.reshape(tf.range(1, 5), [1, 4, 1]);
        return tf.sum(tf.mul(tf.sin(run?.outputs ?? tf.zeros([1])), weightsInTime)) as tf.Scalar;
      });
    expectGradientsMatch(loss, { ...weights, inputs }, { step: 1e-2 });
    disposeTree([inputs, Object.values(weights)]);
  });

  it('names a bad option', () => {
    expect(() => createMguCell({ inputSize: 2, hiddenSize: 0 })).toThrow(
      'MguConfig.hiddenSize must be a positive integer, got 0',
    );
  });
});
