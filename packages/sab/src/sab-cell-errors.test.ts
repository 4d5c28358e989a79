import { createKey, initWeights } from '@bayesrnn/core';
import type { Cell } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { testLstmCell } from './__fixtures__/test-cells.js';
import { ATTENTION_BIAS, ATTENTION_KERNEL, ATTENTION_QUERY } from './attention-scores.js';
import { type SabState, sab } from './sab-cell.js';

const [batchSize, inputSize, hiddenSize] = [2, 3, 4];
const lstm = testLstmCell(inputSize, hiddenSize);

/** A cell with the given initial state of one row and `outputSize` 4. */
function fakeCell(state: (batchSize: number) => Record<string, tf.Tensor>): Cell {
  return {
    inputSize,
    outputSize: hiddenSize,
    weightSpecs: {},
    initialState: state,
    startWindow: () => undefined,
    step: () => {
      throw new Error('not used');
    },
  };
}

describe('sab cell errors', () => {
  it('names a bad option', () => {
    expect(() => sab(lstm, { topK: 0 })).toThrow(
      'SabConfig.topK must be a positive integer, got 0',
    );
    expect(() => sab(lstm, { attendEvery: -1 })).toThrow(RangeError);
    expect(() => sab(lstm, { truncation: 2.5 })).toThrow(
      'SabConfig.truncation must be a positive integer, got 2.5',
    );
    expect(() => sab(lstm, { attentionSize: -2 })).toThrow(
      'SabConfig.attentionSize must be a positive integer, got -2',
    );
    expect(() => sab(lstm, { scoring: 'linear', attentionSize: Number.NaN })).toThrow(RangeError);
    expect(() => sab(lstm, { scoring: 'bilinear' as never })).toThrow(
      "SabConfig.scoring must be one of 'mlp', 'linear', got 'bilinear'",
    );
  });

  it('refuses a wrapped cell without h of width outputSize, leaving no tensors', () => {
    const before = tf.memory().numTensors;
    const withoutH = sab(fakeCell((b) => ({ c: tf.zeros([b, hiddenSize]) })));
    expect(tf.memory().numTensors).toBe(before);
    expect(() => withoutH.initialState(2)).toThrow(
      "SAB cell: initialState: cell state has no rank-2 tensor 'h' (SAB attends over h)",
    );
    expect(() => sab(fakeCell((b) => ({ h: tf.zeros([b, 5]) }))).initialState(2)).toThrow(
      'SAB cell: initialState: cell state h must have shape [2, 4], got [2, 5]',
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it('names a missing or misshapen attention weight of the MLP score', () => {
    const cell = sab(lstm, { topK: 2, attentionSize: 5 });
    tf.tidy(() => {
      const weights = initWeights(cell.weightSpecs, createKey(0));
      const state = cell.initialState(batchSize);
      const x = tf.zeros([batchSize, inputSize]) as tf.Tensor2D;
      const step = (w: object) => cell.step(w as typeof weights, x, state, undefined);
      const { [ATTENTION_QUERY]: _, ...noQuery } = weights;
      expect(() => step(noQuery)).toThrow("SAB cell: missing weight 'attention/query'");
      expect(() => step({ ...weights, [ATTENTION_QUERY]: tf.zeros([5, 4]) })).toThrow(
        'SAB cell: weights.attention/query must have shape [4, 5], got [5, 4]',
      );
      expect(() => step({ ...weights, [ATTENTION_BIAS]: tf.zeros([4]) })).toThrow(
        'SAB cell: weights.attention/bias must have shape [5], got [4]',
      );
      // v has attentionSize entries, not the linear w's 2 · hiddenSize.
      expect(() => step({ ...weights, [ATTENTION_KERNEL]: tf.zeros([8]) })).toThrow(
        'SAB cell: weights.attention/kernel must have shape [5], got [8]',
      );
    });
  });

  it('names a missing or misshapen weight, input or state', () => {
    const cell = sab(lstm, { topK: 2, scoring: 'linear' });
    tf.tidy(() => {
      const weights = initWeights(cell.weightSpecs, createKey(0));
      const state = cell.initialState(batchSize);
      const x = tf.zeros([batchSize, inputSize]) as tf.Tensor2D;
      const window = cell.startWindow({ key: createKey(1), batchSize, training: false });
      const step = (w: object, input: tf.Tensor2D, s: object) =>
        cell.step(w as typeof weights, input, s as SabState<typeof state.cell>, window);
      expect(() => step({}, x, state)).toThrow("SAB cell: missing weight 'cell/kernel'");
      const { [ATTENTION_KERNEL]: _, ...noKernel } = weights;
      expect(() => step(noKernel, x, state)).toThrow("SAB cell: missing weight 'attention/kernel'");
      expect(() => step({ ...weights, [ATTENTION_KERNEL]: tf.zeros([4]) }, x, state)).toThrow(
        'SAB cell: weights.attention/kernel must have shape [8], got [4]',
      );
      expect(() => step(weights, tf.zeros([batchSize, 2]) as tf.Tensor2D, state)).toThrow(
        'SAB cell: input must have shape [2, 3], got [2, 2]',
      );
      expect(() => step(weights, x, { ...state, memories: tf.zeros([batchSize, 1, 5]) })).toThrow(
        'SAB cell: state.memories must have shape [2, 1, 4], got [2, 1, 5]',
      );
      expect(() => step(weights, x, { ...state, memories: tf.zeros([batchSize, 0, 4]) })).toThrow(
        'SAB cell: state.memories must have shape [2, 1, 4], got [2, 0, 4]',
      );
      expect(() => step(weights, x, { ...state, time: tf.scalar(0) })).toThrow(
        'SAB cell: state.time must be an int32 scalar, got float32',
      );
      expect(() => step(weights, x, { ...state, time: tf.tensor1d([0], 'int32') })).toThrow(
        'SAB cell: state.time must have shape [], got [1]',
      );
      expect(() => step(weights, x, { ...state, cell: { c: state.cell.c } })).toThrow(
        "SAB cell: state.cell has no rank-2 tensor 'h' (SAB attends over h)",
      );
    });
  });
});
