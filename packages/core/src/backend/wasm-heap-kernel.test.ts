import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from './select-backend.js';
import { registerWasmHeapKernel } from './wasm-heap-kernel.js';
import { SIMD_SOFTPLUS } from './wasm-unary-simd.js';

/** A two-input spec over the softplus module: its checks run before the module is called. */
const PAIR = {
  ...SIMD_SOFTPLUS,
  kernelName: 'BayesrnnTestPair',
  inputs: ['x', 'y'],
  outputs: 2,
};

describe('registerWasmHeapKernel', () => {
  beforeAll(async () => {
    await selectBackend({ name: 'wasm', log: () => {} });
    registerWasmHeapKernel(PAIR);
    registerWasmHeapKernel(PAIR); // idempotent
  });

  it('names the missing input, and inputs of two shapes, before touching the heap', () => {
    const before = tf.memory().numTensors;
    const x = tf.ones([4]);
    const y = tf.ones([5]);
    expect(() => tf.engine().runKernel(PAIR.kernelName, { x })).toThrow(
      "bayesrnn: BayesrnnTestPair needs input 'y'",
    );
    expect(() => tf.engine().runKernel(PAIR.kernelName, { x, y })).toThrow(
      'bayesrnn: BayesrnnTestPair needs inputs of one shape [4]',
    );
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('makes one output per spec output, shaped as the inputs, empty ones included', () => {
    const before = tf.memory().numTensors;
    const shapes = tf.tidy(() => {
      const empty = tf.zeros([0, 3]);
      const outputs = tf.engine().runKernel(PAIR.kernelName, { x: empty, y: empty }) as tf.Tensor[];
      return outputs.map((output) => output.shape);
    });
    expect(shapes).toEqual([
      [0, 3],
      [0, 3],
    ]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
