import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from './select-backend.js';
import { registerWasmSharedIdentity, unregisterWasmSharedIdentity } from './wasm-identity.js';

describe('Identity on wasm shares data', () => {
  beforeAll(async () => {
    await selectBackend({ name: 'wasm', log: () => {} });
  });
  afterAll(async () => {
    await selectBackend({ name: 'cpu', log: () => {} });
  });

  it('clones without copying, and a clone outlives its source', () => {
    const before = tf.memory();
    const x = tf.tensor1d([1, -2, 3.5]);
    const buffersWithX = tf.memory().numDataBuffers;
    const y = tf.clone(x);
    expect(tf.memory().numDataBuffers).toBe(buffersWithX); // one buffer, two tensors
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual([1, -2, 3.5]);
    y.dispose();
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers);
  });

  it('keeps a clone of a variable when the variable is assigned', () => {
    const before = tf.memory().numTensors;
    const initial = tf.tensor1d([4, 5]);
    const zeros = tf.tensor1d([0, 0]);
    const v = tf.variable(initial);
    const c = tf.clone(v);
    v.assign(zeros);
    expect(Array.from(c.dataSync())).toEqual([4, 5]);
    expect(Array.from(v.dataSync())).toEqual([0, 0]);
    tf.dispose([initial, zeros, v, c]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives the gradients the copying kernel gives, and clones strings', () => {
    const before = tf.memory().numTensors;
    const f = (a: tf.Tensor) => tf.sum(tf.mul(tf.sigmoid(a), tf.tanh(tf.mul(a, a))));
    const x = tf.tensor2d([-1.5, 0.25, 2, 3, -0.5, 1], [2, 3]);
    const shared = tf.grad(f)(x);
    unregisterWasmSharedIdentity();
    let copied: tf.Tensor;
    try {
      copied = tf.grad(f)(x);
      // The copying kernel is really back: a clone adds a buffer.
      const buffers = tf.memory().numDataBuffers;
      const extra = tf.clone(x);
      expect(tf.memory().numDataBuffers).toBe(buffers + 1);
      extra.dispose();
    } finally {
      registerWasmSharedIdentity();
    }
    expect(Array.from(shared.dataSync())).toEqual(Array.from(copied.dataSync()));
    const words = tf.tensor1d(['a', 'bc'], 'string');
    const wordsClone = tf.clone(words);
    words.dispose();
    expect(wordsClone.dataSync()).toEqual(['a', 'bc']);
    tf.dispose([x, shared, copied, wordsClone]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
