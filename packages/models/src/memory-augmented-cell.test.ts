import { createLstmCell, createVanillaRnnCell } from '@bayesrnn/cells';
import { createKey, initWeights, zeros } from '@bayesrnn/core';
import { createIntrospectiveMemory } from '@bayesrnn/memory';
import type { Weights } from '@bayesrnn/spec';
import { expectClose, expectGradientsMatch, expectNoLeaks, TOLERANCES } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import {
  createMemoryAugmentedCell,
  INTERFACE_BIAS,
  INTERFACE_KERNEL,
  type MemoryAugmentedState,
} from './memory-augmented-cell.js';

const [batchSize, inputSize, hiddenSize] = [2, 3, 4];
const memory = createIntrospectiveMemory({ memorySize: 3, wordSize: 2, numReads: 1 });
const lstmCell = () =>
  createMemoryAugmentedCell({
    inputSize,
    memory,
    controller: createLstmCell({ inputSize: inputSize + memory.readSize, hiddenSize }),
  });

function unroll(
  cell: ReturnType<typeof lstmCell>,
  weights: Weights,
  inputs: tf.Tensor3D,
): { outputs: tf.Tensor3D; state: MemoryAugmentedState } {
  let state = cell.initialState(inputs.shape[1]);
  const window = cell.startWindow({ key: createKey(0), batchSize, training: false });
  const outputs = (tf.unstack(inputs) as tf.Tensor2D[]).map((x) => {
    const result = cell.step(weights, x, state, window);
    state = result.state;
    return result.output;
  });
  return { outputs: tf.stack(outputs) as tf.Tensor3D, state };
}

describe('memory-augmented cell', () => {
  it('declares the controller weights, the interface projection and [h; r] outputs', () => {
    const cell = lstmCell();
    expect(cell.outputSize).toBe(hiddenSize + memory.readSize);
    expect(Object.keys(cell.weightSpecs).sort()).toEqual(
      ['controller/bias', 'controller/kernel', INTERFACE_BIAS, INTERFACE_KERNEL].sort(),
    );
    expect(cell.weightSpecs[INTERFACE_KERNEL]?.shape).toEqual([hiddenSize, memory.controlSize]);
    expect(cell.weightSpecs['controller/kernel']?.shape).toEqual([
      inputSize + memory.readSize + hiddenSize,
      4 * hiddenSize,
    ]);
  });

  it('feeds the last read back to the controller and drives the memory with h·W + b', () => {
    // A controller that outputs h = tanh(0) = 0, so the control vector is the interface bias:
    // write [1, 2]; head attention saturated on slot 1 (one write back); gate open.
    const cell = createMemoryAugmentedCell({
      inputSize: 1,
      memory,
      controller: createVanillaRnnCell({
        inputSize: 1 + memory.readSize,
        hiddenSize: 2,
        init: zeros(),
      }),
    });
    tf.tidy(() => {
      const weights = initWeights(cell.weightSpecs, createKey(1));
      const bias = tf.tensor1d([1, 2, -30, 30, -30, 30]);
      const controlled = { ...weights, [INTERFACE_BIAS]: bias };
      const inputs = tf.zeros([3, 1, 1]) as tf.Tensor3D;
      const { outputs, state } = unroll(cell as ReturnType<typeof lstmCell>, controlled, inputs);
      // Step 1 reads slot 1 of [w, 0, 0] = 0; steps 2 and 3 read the word one write back.
      expectClose(outputs, [0, 0, 0, 0, 0, 0, 1, 2, 0, 0, 1, 2], TOLERANCES.reference, 'outputs');
      expectClose(state.readVector, [1, 2], TOLERANCES.reference, 'readVector');
    });
  });

  it('has the gradient of finite differences through controller, interface and memory', () => {
    const cell = lstmCell();
    const weights = initWeights(cell.weightSpecs, createKey(2));
    const inputs = tf.randomNormal([3, batchSize, inputSize], 0, 1, 'float32', 3) as tf.Tensor3D;
    const lossWeights = tf.randomNormal([3, batchSize, cell.outputSize], 0, 1, 'float32', 4);
    expectGradientsMatch(
      (named) => tf.sum(tf.mul(unroll(cell, named, inputs).outputs, lossWeights)),
      weights,
      { maxElementsPerInput: 12 },
    );
    tf.dispose([...Object.values(weights), inputs, lossWeights]);
  });

  it('names what is wrong', () => {
    expect(() =>
      createMemoryAugmentedCell({
        inputSize,
        memory,
        controller: createLstmCell({ inputSize, hiddenSize }),
      }),
    ).toThrow(
      'MemoryAugmentedCellConfig.controller: inputSize must be inputSize + memory.readSize = 3 + 2 = 5, got 3',
    );
    const cell = lstmCell();
    tf.tidy(() => {
      const state = cell.initialState(batchSize);
      expect(() => cell.step({}, tf.zeros([batchSize, inputSize]), state, undefined)).toThrow(
        "memory-augmented cell: missing weight 'controller/kernel'",
      );
      expect(() => cell.step({}, tf.zeros([batchSize, 2]), state, undefined)).toThrow(
        'memory-augmented cell: input must have shape [2, 3], got [2, 2]',
      );
    });
  });

  it('leaves no tensors behind', async () => {
    const cell = lstmCell();
    const weights = initWeights(cell.weightSpecs, createKey(5));
    const inputs = tf.ones([2, batchSize, inputSize]) as tf.Tensor3D;
    await expectNoLeaks(() => {
      const grads = tf.grads((kernel: tf.Tensor) =>
        tf.sum(unroll(cell, { ...weights, [INTERFACE_KERNEL]: kernel }, inputs).outputs),
      )([weights[INTERFACE_KERNEL] as tf.Tensor]);
      tf.dispose(grads);
    }, 'an unroll and its gradient');
    tf.dispose([...Object.values(weights), inputs]);
  });
});
