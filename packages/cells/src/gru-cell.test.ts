import { createKey, initWeights } from '@bayesrnn/core';
import { countNewTensors, expectClose, expectGradientsMatch, TOLERANCES } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import fixture from './__fixtures__/gru.json' with { type: 'json' };
import { decode, decodeAll, expectFinite, unroll, weightedSum } from './__fixtures__/harness.js';
import {
  type GruReferenceWeights,
  type Matrix,
  referenceGruStep,
} from './__fixtures__/reference-cells.js';
import { createGruCell, type GruWeightName } from './gru-cell.js';
import { disposeRecurrentDropoutWindow, type RecurrentDropoutWindow } from './recurrent-dropout.js';

const { batchSize, inputSize, hiddenSize } = fixture.sizes;
const plain = createGruCell({ inputSize, hiddenSize });
const NO_MASKS: RecurrentDropoutWindow = {};
const NAMES = Object.keys(fixture.weights) as GruWeightName[];

function load() {
  return {
    weights: decodeAll(fixture.weights),
    inputs: decode(fixture.inputs),
    h0: decode(fixture.initialState.h) as tf.Tensor2D,
    lossWeights: decode(fixture.lossWeights),
  };
}
type Loaded = ReturnType<typeof load>;
const release = (f: Loaded) =>
  tf.dispose([...Object.values(f.weights), f.inputs, f.h0, f.lossWeights]);

describe('GRU cell against torch.nn.GRUCell (float64 fixture)', () => {
  it('matches h at every step and the loss', () => {
    const f = load();
    tf.tidy(() => {
      const { outputs } = unroll(plain, f.weights, f.inputs, { h: f.h0 }, NO_MASKS);
      expectClose(outputs, decode(fixture.outputs.h), TOLERANCES.reference, 'h');
      expectClose(weightedSum(outputs, f.lossWeights), fixture.loss, TOLERANCES.reference, 'loss');
    });
    release(f);
  });

  it('matches the gradients w.r.t. all six weights, the inputs and h0', () => {
    const f = load();
    tf.tidy(() => {
      const loss = (...xs: tf.Tensor[]) => {
        const weights = Object.fromEntries(NAMES.map((name, k) => [name, xs[k]])) as Record<
          GruWeightName,
          tf.Tensor
        >;
        const inputs = xs[NAMES.length] as tf.Tensor;
        const h0 = xs[NAMES.length + 1] as tf.Tensor2D;
        return weightedSum(
          unroll(plain, weights, inputs, { h: h0 }, NO_MASKS).outputs,
          f.lossWeights,
        );
      };
      const grads = tf.grads(loss)([...NAMES.map((name) => f.weights[name]), f.inputs, f.h0]);
      [...NAMES, 'inputs' as const, 'h0' as const].forEach((name, k) => {
        const grad = grads[k];
        if (!grad) throw new Error(`no gradient for ${name}`);
        expectClose(
          grad,
          decode(fixture.gradients[name]),
          TOLERANCES.reference,
          `d loss/d ${name}`,
        );
      });
    });
    release(f);
  });
});

describe('GRU cell gradients (finite differences)', () => {
  const cases = [
    { name: 'no dropout', dropout: undefined },
    { name: 'tied masks', dropout: { input: 0.4, recurrent: 0.3, tied: true } },
    { name: 'untied masks', dropout: { input: 0.4, recurrent: 0.3, tied: false } },
    { name: 'untied input masks only', dropout: { input: 0.4, recurrent: 0, tied: false } },
  ] as const;
  for (const { name, dropout } of cases) {
    it(`${name}: analytic gradients match`, () => {
      const cell = createGruCell({ inputSize, hiddenSize, ...(dropout ? { dropout } : {}) });
      const f = load();
      const window = cell.startWindow({ key: createKey(6), batchSize, training: true });
      expectGradientsMatch(
        (named) => {
          const weights = Object.fromEntries(NAMES.map((n) => [n, named[n]])) as Record<
            GruWeightName,
            tf.Tensor
          >;
          const h0 = named.h0 as tf.Tensor2D;
          return weightedSum(
            unroll(cell, weights, named.inputs as tf.Tensor, { h: h0 }, window).outputs,
            f.lossWeights,
          );
        },
        { ...f.weights, inputs: f.inputs, h0: f.h0 },
      );
      disposeRecurrentDropoutWindow(window);
      release(f);
    });
  }

  it('saturated gates (pre-activations ~ ±1e3): finite values and gradients', () => {
    const cell = createGruCell({
      inputSize,
      hiddenSize,
      dropout: { input: 0.2, recurrent: 0.2, tied: false },
    });
    const f = load();
    const window = cell.startWindow({ key: createKey(8), batchSize, training: true });
    tf.tidy(() => {
      const big = NAMES.map((name) => tf.mul(f.weights[name], 1e3));
      const loss = (...xs: tf.Tensor[]) => {
        const weights = Object.fromEntries(NAMES.map((n, k) => [n, xs[k]])) as Record<
          GruWeightName,
          tf.Tensor
        >;
        return weightedSum(
          unroll(cell, weights, f.inputs, { h: xs[NAMES.length] as tf.Tensor2D }, window).outputs,
          f.lossWeights,
        );
      };
      const grads = tf.grads(loss)([...big, f.h0]);
      const weights = Object.fromEntries(NAMES.map((n, k) => [n, big[k]])) as Record<
        GruWeightName,
        tf.Tensor
      >;
      const { outputs } = unroll(cell, weights, f.inputs, { h: f.h0 }, window);
      expect(tf.max(tf.abs(outputs)).dataSync()[0]).toBeLessThanOrEqual(1);
      expectFinite({ outputs, ...Object.fromEntries(grads.map((g, k) => [`grad${k}`, g])) });
    });
    disposeRecurrentDropoutWindow(window);
    release(f);
  });
});

describe('GRU cell with dropout masks (against a float64 JS reference)', () => {
  for (const tied of [true, false]) {
    it(`${tied ? 'tied' : 'untied'}: r, z and n see their own masked x and h; the carried h is not masked`, () => {
      const cell = createGruCell({
        inputSize,
        hiddenSize,
        dropout: { input: 0.5, recurrent: 0.5, tied },
      });
      const f = load();
      const window = cell.startWindow({ key: createKey(22), batchSize, training: true });
      const perGate = (mask: tf.Tensor | undefined): Matrix[] => {
        if (!mask) throw new Error('expected a mask');
        expect(mask.shape).toEqual(
          tied ? [batchSize, mask.shape[1]] : [3, batchSize, mask.shape[2]],
        );
        const values = mask.arraySync() as Matrix | Matrix[];
        return mask.rank === 3 ? (values as Matrix[]) : [0, 1, 2].map(() => values as Matrix);
      };
      const zx = perGate(window.inputMask);
      const zh = perGate(window.recurrentMask);
      const reference = Object.fromEntries(
        NAMES.map((name) => [name, f.weights[name].arraySync()]),
      ) as unknown as GruReferenceWeights;
      let expected = f.h0.arraySync();
      let h = f.h0.clone();
      for (const x of tf.unstack(f.inputs) as tf.Tensor2D[]) {
        expected = referenceGruStep(x.arraySync(), expected, reference, zx, zh);
        const next = cell.step(f.weights, x, { h }, window);
        expectClose(next.state.h, expected.flat(), TOLERANCES.reference, 'h');
        expectClose(next.output, expected.flat(), TOLERANCES.reference, 'output');
        tf.dispose([x, h, next.output]);
        h = next.state.h;
      }
      h.dispose();
      disposeRecurrentDropoutWindow(window);
      release(f);
    });
  }
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

  it('leaks nothing: a step leaves exactly output and h', async () => {
    const cell = createGruCell({
      inputSize,
      hiddenSize,
      dropout: { input: 0.3, recurrent: 0.3, tied: false },
    });
    const f = load();
    const x = tf.ones([batchSize, inputSize]) as tf.Tensor2D;
    const window = cell.startWindow({ key: createKey(2), batchSize, training: true });
    const made = await countNewTensors(() => {
      const { output, state } = cell.step(f.weights, x, { h: f.h0 }, window);
      tf.dispose([output, state.h]);
    });
    expect(made).toBe(0);
    expect(await countNewTensors(() => void cell.step(f.weights, x, { h: f.h0 }, window))).toBe(2);
    expect(
      await countNewTensors(() =>
        disposeRecurrentDropoutWindow(
          cell.startWindow({ key: createKey(1), batchSize, training: true }),
        ),
      ),
    ).toBe(0);
    disposeRecurrentDropoutWindow(window);
    x.dispose();
    release(f);
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
    const f = load();
    tf.tidy(() => {
      const x = tf.zeros([batchSize, 2]) as tf.Tensor2D;
      expect(() => plain.step(f.weights, x, { h: f.h0 }, NO_MASKS)).toThrow(
        'GRU cell: input must have shape [3, 4], got [3, 2]',
      );
      const good = tf.zeros([batchSize, inputSize]) as tf.Tensor2D;
      const swapped = { ...f.weights, candidateInputKernel: f.weights.candidateRecurrentKernel };
      expect(() => plain.step(swapped, good, { h: f.h0 }, NO_MASKS)).toThrow(
        'GRU cell: weights.candidateInputKernel must have shape [4, 5], got [5, 5]',
      );
    });
    release(f);
  });
});
