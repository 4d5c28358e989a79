import { kernelSourceSha256 } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUniform } from '../random/random-ops.js';
import { createKey } from '../random/rng-key.js';
import { selectBackend } from './select-backend.js';
import { TRANSPOSE_SOURCE_SHA256 } from './transpose-wasm.generated.js';
import { registerWasmTranspose, transposePlan, unregisterWasmTranspose } from './wasm-transpose.js';

describe('transposePlan', () => {
  it('merges the axes that move together into one swap of two groups', () => {
    expect(transposePlan([200, 10_000], [1, 0])).toEqual({
      kind: 'swap',
      batch: 1,
      rows: 200,
      columns: 10_000,
    });
    expect(transposePlan([2, 3, 4, 5], [2, 3, 0, 1])).toEqual({
      kind: 'swap',
      batch: 1,
      rows: 6,
      columns: 20,
    });
    expect(transposePlan([7, 3, 4, 5], [0, 3, 1, 2])).toEqual({
      kind: 'swap',
      batch: 7,
      rows: 12,
      columns: 5,
    });
  });

  it('sees through axes of length one, and calls an order that moves nothing the identity', () => {
    expect(transposePlan([10_000, 200], [0, 1])).toEqual({ kind: 'identity' });
    expect(transposePlan([1, 5, 6], [1, 0, 2])).toEqual({ kind: 'identity' });
    expect(transposePlan([5, 1, 6], [2, 1, 0])).toEqual({
      kind: 'swap',
      batch: 1,
      rows: 5,
      columns: 6,
    });
  });

  it('leaves three or more groups out of order to tfjs', () => {
    expect(transposePlan([2, 3, 4], [2, 1, 0])).toBeUndefined();
    expect(transposePlan([2, 3, 4], [1, 0, 2])).toBeUndefined();
    expect(transposePlan([2, 3, 4, 5], [3, 1, 2, 0])).toBeUndefined();
  });
});

describe('Transpose on wasm (wasm/transpose.c)', () => {
  beforeAll(async () => {
    await selectBackend({ name: 'wasm', log: () => {} });
  });
  afterAll(async () => {
    await selectBackend({ name: 'cpu', log: () => {} });
  });

  // Tails of rows and columns (not multiples of 4 or of the 16-element tiles), a batch, a part
  // boundary inside a matrix (the softmax weight's size splits over both threads), and what the
  // kernel leaves to tfjs: three groups reordered, a dtype it does not move, an empty tensor.
  const CASES: [string, number[], number[], tf.DataType][] = [
    ['the softmax weight, split over threads', [200, 10_000], [1, 0], 'float32'],
    ['odd rows and columns', [37, 53], [1, 0], 'float32'],
    ['fewer than four rows', [3, 70], [1, 0], 'float32'],
    ['a column vector', [9, 1], [1, 0], 'float32'],
    ['a batch of matrices', [5, 21, 18], [0, 2, 1], 'float32'],
    ['a batch split inside a matrix', [3, 300, 1_000], [0, 2, 1], 'float32'],
    ['merged groups', [4, 6, 5, 7], [2, 3, 0, 1], 'float32'],
    ['int32', [33, 19], [1, 0], 'int32'],
    ['identity order', [40, 30], [0, 1], 'float32'],
    ['two groups swapped', [4, 5, 6], [2, 0, 1], 'float32'],
    ['three groups reordered (tfjs)', [4, 5, 6], [2, 1, 0], 'float32'],
    ['bool (tfjs)', [6, 7], [1, 0], 'bool'],
    ['empty (tfjs)', [0, 5], [1, 0], 'float32'],
  ];

  it.each(CASES)('%s: the elements of tfjs-wasm own transpose', (_, shape, perm, dtype) => {
    const before = tf.memory().numTensors;
    const values = randomUniform(createKey(shape.reduce((a, b) => a * b, 1)), shape, -50, 50);
    const x = tf.tidy(() =>
      dtype === 'float32'
        ? values
        : tf.cast(dtype === 'bool' ? tf.greater(values, 0) : values, dtype),
    );
    const ours = tf.transpose(x, perm);
    unregisterWasmTranspose();
    const theirs = tf.transpose(x, perm);
    registerWasmTranspose();
    expect(ours.shape).toEqual(theirs.shape);
    expect(ours.dtype).toBe(theirs.dtype);
    // The first element that differs, or -1: a diff of two 2M-element arrays would not print.
    const expected = theirs.dataSync();
    const mismatch = ours.dataSync().findIndex((v, i) => !Object.is(v, expected[i]));
    expect(mismatch).toBe(-1);
    tf.dispose([values, x, ours, theirs]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('shares the data of an order that moves nothing, and frees it with the last owner', () => {
    const x = randomUniform(createKey(3), [50, 40]);
    const buffers = tf.memory().numDataBuffers;
    const same = tf.transpose(x, [0, 1]);
    expect(tf.memory().numDataBuffers).toBe(buffers);
    x.dispose();
    expect(same.dataSync()).toHaveLength(2_000);
    const left = tf.memory().numTensors;
    same.dispose();
    expect(tf.memory().numTensors).toBe(left - 1);
  });

  it('gives the gradient of a transposed product', () => {
    const before = tf.memory().numTensors;
    const a = randomUniform(createKey(4), [13, 22]);
    const b = randomUniform(createKey(5), [9, 22]);
    const loss = (u: tf.Tensor, v: tf.Tensor) => tf.sum(tf.matMul(u, v, false, true));
    const [da, db] = tf.grads(loss)([a, b]) as [tf.Tensor, tf.Tensor];
    // d/da Σ_ij (a bᵀ)_ij: every row of da is Σ_j b[j], and every row of db is Σ_i a[i].
    const columnSums = (m: tf.Tensor) => tf.tidy(() => tf.sum(m, 0).dataSync());
    const expectRows = (grad: tf.Tensor, sums: Float32Array | Int32Array | Uint8Array) => {
      const rows = grad.arraySync() as number[][];
      for (const row of rows) {
        for (const [k, v] of row.entries()) expect(v).toBeCloseTo(sums[k] ?? 0, 3);
      }
    };
    expectRows(da, columnSums(b));
    expectRows(db, columnSums(a));
    tf.dispose([a, b, da, db]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('was built from the committed wasm/transpose.c', () => {
    expect(kernelSourceSha256(new URL('../../wasm/transpose.c', import.meta.url))).toBe(
      TRANSPOSE_SOURCE_SHA256,
    );
  });
});
