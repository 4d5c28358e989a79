import { createKey, initWeights } from '@bayesrnn/core';
import * as testing from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { describeRecurrentCell } from './__fixtures__/cell-suite.js';
import fixture from './__fixtures__/gru.json' with { type: 'json' };
import { loadCellFixture, releaseCell } from './__fixtures__/harness.js';
import { NO_MASKS } from './__fixtures__/named-loss.js';
import { type GruReferenceWeights, referenceGruStep } from './__fixtures__/reference-cells.js';
import { createGruCell, type GruWeightName } from './gru-cell.js';

const { batchSize, inputSize, hiddenSize } = fixture.sizes;
const plain = createGruCell({ inputSize, hiddenSize });
const NAMES = Object.keys(fixture.weights) as GruWeightName[];

describeRecurrentCell({
  cellName: 'GRU cell',
  referenceName: 'torch.nn.GRUCell',
  fixture,
  create: (dropout) => createGruCell({ inputSize, hiddenSize, ...(dropout ? { dropout } : {}) }),
  gates: 3,
  referenceStep: (weights, zx, zh) => {
    const arrays = Object.fromEntries(NAMES.map((name) => [name, weights[name].arraySync()]));
    const reference = arrays as unknown as GruReferenceWeights;
    return (x, { h = [] }) => ({ h: referenceGruStep(x, h, reference, zx, zh) });
  },
  keys: { gradients: 6, saturated: 8, masks: 22 },
  kit: testing,
});

describe('GRU cell contract', () => {
  it('declares its six weights with PyTorch-mappable shapes', () => {
    const cell = createGruCell({ inputSize: 3, hiddenSize: 4 });
    const shapes = Object.fromEntries(NAMES.map((name) => [name, cell.weightSpecs[name].shape]));
    expect(shapes).toEqual({
      gateKernel: [7, 8],
      gateBias: [8],
      candidateInputKernel: [3, 4],
      candidateRecurrentKernel: [4, 4],
      candidateInputBias: [4],
      candidateRecurrentBias: [4],
    });
    const weights = initWeights(cell.weightSpecs, createKey(4));
    expect(Math.max(...Array.from(weights.gateKernel.dataSync(), Math.abs))).toBeLessThanOrEqual(
      0.1,
    );
    tf.dispose(Object.values(weights));
  });

  it('refuses bad configs and shapes, naming the option or the cell', () => {
    expect(() => createGruCell({ inputSize: 0, hiddenSize: 3 })).toThrow(
      'GruConfig.inputSize must be a positive integer, got 0',
    );
    expect(() =>
      createGruCell({
        inputSize: 2,
        hiddenSize: 3,
        dropout: { input: 0.1, recurrent: 1.5, tied: false },
      }),
    ).toThrow('GruConfig.dropout.recurrent must be a dropout rate in [0, 1), got 1.5');
    const f = loadCellFixture(fixture);
    tf.tidy(() => {
      const x = tf.zeros([batchSize, 2]) as tf.Tensor2D;
      expect(() => plain.step(f.weights, x, f.state, NO_MASKS)).toThrow(
        'GRU cell: input must have shape [3, 4], got [3, 2]',
      );
      const good = tf.zeros([batchSize, inputSize]) as tf.Tensor2D;
      const swapped = { ...f.weights, candidateInputKernel: f.weights.candidateRecurrentKernel };
      expect(() => plain.step(swapped, good, f.state, NO_MASKS)).toThrow(
        'GRU cell: weights.candidateInputKernel must have shape [4, 5], got [5, 5]',
      );
    });
    releaseCell(f);
  });
});
