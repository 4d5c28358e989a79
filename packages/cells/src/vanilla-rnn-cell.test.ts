import { createKey, selectBackend } from '@bayesrnn/core';
import * as testing from '@bayesrnn/testing';
import { countNewTensors, expectClose, TOLERANCES } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { expectFiniteDifferenceGradients } from './__fixtures__/cell-checks.js';
import {
  expectFinite,
  type LoadedCell,
  mistyped,
  releaseCell,
  unroll,
  weightedSum,
} from './__fixtures__/harness.js';
import { NO_MASKS } from './__fixtures__/named-loss.js';
import { type Matrix, referenceVanillaRnn } from './__fixtures__/reference-cells.js';
import { expectWindowMatchesSteps } from './__fixtures__/window-checks.js';
import { disposeRecurrentDropoutWindow } from './recurrent-dropout.js';
import {
  createVanillaRnnCell,
  type VanillaRnnState,
  type VanillaRnnWeightName,
} from './vanilla-rnn-cell.js';

const batchSize = 2;
const inputSize = 3;
const hiddenSize = 4;
const steps = 3;

/** Deterministic values in [−scale, scale] with 4 decimals (a fixed LCG, no tfjs randomness). */
function values(count: number, seed: number, scale: number): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (Math.imul(state, 1_103_515_245) + 12_345) >>> 0;
    return Math.round(((state / 2 ** 32) * 2 - 1) * scale * 1e4) / 1e4;
  });
}
const chunk = (flat: readonly number[], columns: number): Matrix =>
  Array.from({ length: flat.length / columns }, (_, r) =>
    flat.slice(r * columns, (r + 1) * columns),
  );

const data = {
  kernel: values((inputSize + hiddenSize) * hiddenSize, 1, 0.6),
  bias: values(hiddenSize, 2, 0.3),
  inputs: values(steps * batchSize * inputSize, 3, 1),
  h0: values(batchSize * hiddenSize, 4, 0.5),
  lossWeights: values(steps * batchSize * hiddenSize, 5, 1),
};

function load(): LoadedCell<VanillaRnnWeightName, VanillaRnnState> {
  return {
    weights: {
      kernel: tf.tensor2d(data.kernel, [inputSize + hiddenSize, hiddenSize]),
      bias: tf.tensor1d(data.bias),
    },
    inputs: tf.tensor3d(data.inputs, [steps, batchSize, inputSize]),
    state: { h: tf.tensor2d(data.h0, [batchSize, hiddenSize]) },
    lossWeights: tf.tensor3d(data.lossWeights, [steps, batchSize, hiddenSize]),
  };
}

describe('vanilla RNN cell against a float64 JS reference (hand-written BPTT)', () => {
  const xs = Array.from({ length: steps }, (_, t) =>
    chunk(data.inputs.slice(t * batchSize * inputSize, (t + 1) * batchSize * inputSize), inputSize),
  );
  const rs = Array.from({ length: steps }, (_, t) =>
    chunk(
      data.lossWeights.slice(t * batchSize * hiddenSize, (t + 1) * batchSize * hiddenSize),
      hiddenSize,
    ),
  );
  const reference = referenceVanillaRnn(
    xs,
    chunk(data.h0, hiddenSize),
    chunk(data.kernel, hiddenSize),
    data.bias,
    rs,
  );
  const cell = createVanillaRnnCell({ inputSize, hiddenSize });

  it('matches h at every step and the loss', () => {
    const f = load();
    tf.tidy(() => {
      const { outputs } = unroll(cell, f.weights, f.inputs, f.state, NO_MASKS);
      expectClose(outputs, reference.hs.flat(2), TOLERANCES.reference, 'h');
      expectClose(
        weightedSum(outputs, f.lossWeights),
        reference.loss,
        TOLERANCES.reference,
        'loss',
      );
    });
    releaseCell(f);
  });

  it('matches the BPTT gradients w.r.t. kernel, bias and h0', () => {
    const f = load();
    tf.tidy(() => {
      const [dk, db, dh] = tf.grads((kernel: tf.Tensor, bias: tf.Tensor, h0: tf.Tensor) =>
        weightedSum(
          unroll(cell, { kernel, bias }, f.inputs, { h: h0 as tf.Tensor2D }, NO_MASKS).outputs,
          f.lossWeights,
        ),
      )([f.weights.kernel, f.weights.bias, f.state.h]);
      expectClose(dk ?? [], reference.kernelGrad.flat(), TOLERANCES.reference, 'd/d kernel');
      expectClose(db ?? [], reference.biasGrad, TOLERANCES.reference, 'd/d bias');
      expectClose(dh ?? [], reference.h0Grad.flat(), TOLERANCES.reference, 'd/d h0');
    });
    releaseCell(f);
  });
});

describe('vanilla RNN cell with dropout', () => {
  it('finite-difference gradients match with fixed masks; masks are [batchSize, size] even untied', () => {
    const cell = createVanillaRnnCell({
      inputSize,
      hiddenSize,
      dropout: { input: 0.3, recurrent: 0.3, tied: false },
    });
    const f = load();
    const window = cell.startWindow({ key: createKey(3), batchSize, training: true });
    expect(window.inputMask?.shape).toEqual([batchSize, inputSize]);
    expect(window.recurrentMask?.shape).toEqual([batchSize, hiddenSize]);
    expectFiniteDifferenceGradients(testing, cell, f, window);
    disposeRecurrentDropoutWindow(window);
    releaseCell(f);
  });

  it('equals the plain cell on masked inputs: h = tanh([x ⊙ z_x; h ⊙ z_h] W + b)', () => {
    const dropped = createVanillaRnnCell({
      inputSize,
      hiddenSize,
      dropout: { input: 0.5, recurrent: 0.5, tied: true },
    });
    const plain = createVanillaRnnCell({ inputSize, hiddenSize });
    const f = load();
    const window = dropped.startWindow({ key: createKey(4), batchSize, training: true });
    tf.tidy(() => {
      const x = tf.squeeze(tf.slice(f.inputs, [0, 0, 0], [1, -1, -1]), [0]) as tf.Tensor2D;
      const { inputMask, recurrentMask } = window;
      if (!inputMask || !recurrentMask) throw new Error('expected masks');
      const got = dropped.step(f.weights, x, f.state, window).output;
      const want = plain.step(
        f.weights,
        tf.mul(x, inputMask) as tf.Tensor2D,
        { h: tf.mul(f.state.h, recurrentMask) as tf.Tensor2D },
        NO_MASKS,
      ).output;
      expectClose(got, want, TOLERANCES.float32, 'masked step');
    });
    disposeRecurrentDropoutWindow(window);
    releaseCell(f);
  });

  it('saturates without NaN, and leaks nothing', async () => {
    const cell = createVanillaRnnCell({ inputSize, hiddenSize });
    const f = load();
    tf.tidy(() => {
      const kernel = tf.mul(f.weights.kernel, 1e4);
      const [dk, dh] = tf.grads((k: tf.Tensor, h0: tf.Tensor) =>
        weightedSum(
          unroll(
            cell,
            { kernel: k, bias: f.weights.bias },
            f.inputs,
            { h: h0 as tf.Tensor2D },
            NO_MASKS,
          ).outputs,
          f.lossWeights,
        ),
      )([kernel, f.state.h]);
      expectFinite({ dk: dk ?? tf.scalar(Number.NaN), dh: dh ?? tf.scalar(Number.NaN) });
    });
    const x = tf.ones([batchSize, inputSize]) as tf.Tensor2D;
    expect(await countNewTensors(() => void cell.step(f.weights, x, f.state, NO_MASKS))).toBe(2);
    expect(() => createVanillaRnnCell({ inputSize, hiddenSize: -1 })).toThrow(
      'VanillaRnnConfig.hiddenSize must be a positive integer, got -1',
    );
    expect(() => cell.step(f.weights, mistyped(tf.zeros([batchSize])), f.state, NO_MASKS)).toThrow(
      'vanilla RNN cell: input must have shape [2, 3], got [2]',
    );
    x.dispose();
    releaseCell(f);
  });
});

describe('vanilla RNN runWindow (vanillaRnnRecurrence) against step by step', () => {
  const cases = [
    { name: 'no dropout', dropout: undefined },
    { name: 'masks', dropout: { input: 0.3, recurrent: 0.4, tied: false } },
  ];
  for (const backend of ['cpu', 'wasm']) {
    for (const { name, dropout } of cases) {
      it(`${backend}, ${name}: same outputs, last state and gradients; leaks nothing`, async () => {
        await selectBackend({ name: backend, log: () => {} });
        try {
          const before = tf.memory().numTensors;
          const cell = createVanillaRnnCell({
            inputSize,
            hiddenSize,
            ...(dropout === undefined ? {} : { dropout }),
          });
          const f = load();
          const window = cell.startWindow({ key: createKey(6), batchSize, training: true });
          await expectWindowMatchesSteps(testing, cell, f, window);
          disposeRecurrentDropoutWindow(window);
          releaseCell(f);
          expect(tf.memory().numTensors).toBe(before);
        } finally {
          await selectBackend({ name: 'cpu', log: () => {} });
        }
      });
    }
  }
});
