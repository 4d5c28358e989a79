import { createKey, initWeights } from '@bayesrnn/core';
import * as testing from '@bayesrnn/testing';
import { expectClose, TOLERANCES } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { describeRecurrentCell } from './__fixtures__/cell-suite.js';
import { loadCellFixture, releaseCell } from './__fixtures__/harness.js';
import fixture from './__fixtures__/lstm.json' with { type: 'json' };
import { NO_MASKS } from './__fixtures__/named-loss.js';
import { type Matrix, referenceLstmStep } from './__fixtures__/reference-cells.js';
import { createLstmCell } from './lstm-cell.js';

const { batchSize, inputSize, hiddenSize } = fixture.sizes;
const plain = createLstmCell({ inputSize, hiddenSize });

describeRecurrentCell({
  cellName: 'LSTM cell',
  referenceName: 'torch.nn.LSTMCell',
  fixture,
  create: (dropout) => createLstmCell({ inputSize, hiddenSize, ...(dropout ? { dropout } : {}) }),
  gates: 4,
  referenceStep: (weights, zx, zh) => {
    const kernel = weights.kernel.arraySync() as Matrix;
    const bias = weights.bias.arraySync() as number[];
    return (x, { h = [], c = [] }) => referenceLstmStep(x, { h, c }, kernel, bias, zx, zh);
  },
  keys: { gradients: 5, saturated: 9, masks: 21 },
  kit: testing,
});

describe('LSTM cell with dropout masks', () => {
  it('untied masks that happen to be equal across gates give the tied result', () => {
    const f = loadCellFixture(fixture);
    const x = tf.tidy(() =>
      tf.squeeze(tf.slice(f.inputs, [0, 0, 0], [1, batchSize, inputSize]), [0]),
    ) as tf.Tensor2D;
    // Masks of 0 and 2 (rate 0.5), fixed by a seed.
    const coinMask = (size: number, seed: number) =>
      tf.tidy(() =>
        tf.mul(
          tf.cast(
            tf.greater(tf.randomUniform([batchSize, size], 0, 1, 'float32', seed), 0.5),
            'float32',
          ),
          2,
        ),
      );
    const zx = coinMask(inputSize, 3);
    const zh = coinMask(hiddenSize, 4);
    tf.tidy(() => {
      const { state } = f;
      const tied = plain.step(f.weights, x, state, { inputMask: zx, recurrentMask: zh });
      const untied = plain.step(f.weights, x, state, {
        inputMask: tf.stack([zx, zx, zx, zx]),
        recurrentMask: tf.stack([zh, zh, zh, zh]),
      });
      expectClose(untied.state.h, tied.state.h, TOLERANCES.float32, 'h');
      expectClose(untied.state.c, tied.state.c, TOLERANCES.float32, 'c');
    });
    tf.dispose([x, zx, zh]);
    releaseCell(f);
  });
});

describe('LSTM cell contract', () => {
  it('declares the fused weight shapes; forgetBias offsets the f block of the initial bias', () => {
    const cell = createLstmCell({ inputSize: 3, hiddenSize: 4, forgetBias: 3 });
    expect(cell.weightSpecs.kernel.shape).toEqual([7, 16]);
    expect(cell.weightSpecs.bias.shape).toEqual([16]);
    expect(cell.outputSize).toBe(4);
    const weights = initWeights(cell.weightSpecs, createKey(1));
    const bias = Array.from(weights.bias.dataSync());
    bias.forEach((v, k) => {
      const offset = k >= 4 && k < 8 ? 3 : 0; // block f of i, f, g, o
      expect(Math.abs(v - offset)).toBeLessThanOrEqual(0.1); // default init U[−0.1, 0.1]
    });
    const kernel = Array.from(weights.kernel.dataSync());
    expect(Math.max(...kernel.map(Math.abs))).toBeLessThanOrEqual(0.1);
    const again = initWeights(cell.weightSpecs, createKey(1));
    expectClose(again.kernel, weights.kernel, { rtol: 0, atol: 0 }, 'same key, same init');
    tf.dispose([...Object.values(weights), ...Object.values(again)]);
  });

  it('starts from zeros and returns output and state the caller owns separately', () => {
    const f = loadCellFixture(fixture);
    const state = plain.initialState(batchSize);
    expect(state.h.shape).toEqual([batchSize, hiddenSize]);
    expect(Array.from(state.c.dataSync()).every((v) => v === 0)).toBe(true);
    const x = tf.ones([batchSize, inputSize]) as tf.Tensor2D;
    const result = plain.step(f.weights, x, state, NO_MASKS);
    result.state.h.dispose();
    expect(result.output.isDisposed).toBe(false);
    expect(x.isDisposed || state.h.isDisposed || state.c.isDisposed).toBe(false);
    tf.dispose([x, state.h, state.c, result.output, result.state.c]);
    releaseCell(f);
  });

  it('refuses bad configs, naming the option', () => {
    expect(() => createLstmCell({ inputSize: 4, hiddenSize: 0 })).toThrow(
      'LstmConfig.hiddenSize must be a positive integer, got 0',
    );
    expect(() => createLstmCell({ inputSize: 2.5, hiddenSize: 3 })).toThrow(
      'LstmConfig.inputSize must be a positive integer, got 2.5',
    );
    expect(() => createLstmCell({ inputSize: 2, hiddenSize: 3, forgetBias: Number.NaN })).toThrow(
      'LstmConfig.forgetBias must be a finite number, got NaN',
    );
    expect(() =>
      createLstmCell({
        inputSize: 2,
        hiddenSize: 3,
        dropout: { input: 1, recurrent: 0, tied: true },
      }),
    ).toThrow('LstmConfig.dropout.input must be a dropout rate in [0, 1), got 1');
    expect(() =>
      createLstmCell({
        inputSize: 2,
        hiddenSize: 3,
        dropout: { input: 0, recurrent: -0.1, tied: true },
      }),
    ).toThrow('LstmConfig.dropout.recurrent must be a dropout rate in [0, 1), got -0.1');
    expect(() => plain.initialState(0)).toThrow(
      'LSTM cell.initialState: batchSize must be a positive integer, got 0',
    );
  });

  it('refuses a wrong input, state, weight or window shape at step time, naming the cell', () => {
    const f = loadCellFixture(fixture);
    tf.tidy(() => {
      const { state } = f;
      const wide = tf.zeros([batchSize, inputSize + 1]) as tf.Tensor2D;
      expect(() => plain.step(f.weights, wide, state, NO_MASKS)).toThrow(
        `LSTM cell: input must have shape [3, 4], got [3, 5]`,
      );
      const x = tf.zeros([batchSize, inputSize]) as tf.Tensor2D;
      expect(() =>
        plain.step(
          f.weights,
          x,
          { ...f.state, c: tf.zeros([2, hiddenSize]) as tf.Tensor2D },
          NO_MASKS,
        ),
      ).toThrow('LSTM cell: state.c must have shape [3, 5], got [2, 5]');
      expect(() => plain.step({ ...f.weights, bias: tf.zeros([5]) }, x, state, NO_MASKS)).toThrow(
        'LSTM cell: weights.bias must have shape [20], got [5]',
      );
      expect(() => plain.step(f.weights, x, state, { inputMask: tf.ones([2, inputSize]) })).toThrow(
        'LSTM cell: window.inputMask must have shape [3, 4], got [2, 4]',
      );
      expect(() =>
        plain.step(f.weights, x, state, { recurrentMask: tf.ones([3, batchSize, hiddenSize]) }),
      ).toThrow('LSTM cell: window.recurrentMask must have shape [4, 3, 5], got [3, 3, 5]');
    });
    releaseCell(f);
  });
});
