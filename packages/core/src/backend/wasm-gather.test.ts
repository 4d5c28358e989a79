import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { selectBackend } from './select-backend.js';

/** `tf.gather(x, indices, axis)` on `backend`: values, shape and dtype. */
async function gatherOn(
  backend: string,
  x: { values: number[]; shape: number[]; dtype: 'float32' | 'int32' | 'bool' },
  indices: { values: number[]; shape: number[] },
  axis: number,
) {
  await selectBackend({ name: backend, log: () => {} });
  const before = tf.memory().numTensors;
  const xs = tf.tensor(x.values, x.shape, x.dtype);
  const ids = tf.tensor(indices.values, indices.shape, 'int32');
  const out = tf.gather(xs, ids, axis);
  const result = { values: Array.from(out.dataSync()), shape: out.shape, dtype: out.dtype };
  tf.dispose([xs, ids, out]);
  expect(tf.memory().numTensors).toBe(before);
  return result;
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

// An embedding lookup ([vocab, dim] by [batch, time] ids, repeated ids), a middle and a last
// axis of a 3-D tensor, negative axis, int32 and bool data, and empty indices.
const CASES = [
  [
    'embedding rows',
    { values: range(50), shape: [10, 5], dtype: 'float32' },
    { values: [3, 0, 3, 9, 1, 7], shape: [2, 3] },
    0,
  ],
  [
    'middle axis',
    { values: range(60), shape: [3, 4, 5], dtype: 'float32' },
    { values: [2, 2, 0], shape: [3] },
    1,
  ],
  [
    'last axis, negative',
    { values: range(60), shape: [3, 4, 5], dtype: 'int32' },
    { values: [4, 1], shape: [2] },
    -1,
  ],
  [
    'bool',
    { values: [1, 0, 0, 1, 1, 0], shape: [3, 2], dtype: 'bool' },
    { values: [2, 0], shape: [2] },
    0,
  ],
  [
    'no indices',
    { values: range(6), shape: [3, 2], dtype: 'float32' },
    { values: [], shape: [0] },
    0,
  ],
] as const;

describe('GatherV2 on wasm (whole-slice copies)', () => {
  afterAll(async () => {
    await selectBackend({ name: 'cpu', log: () => {} });
  });

  it.each(CASES)('%s: equals cpu', async (_, x, indices, axis) => {
    const xs = { ...x, values: [...x.values], shape: [...x.shape] };
    const ids = { values: [...indices.values], shape: [...indices.shape] };
    expect(await gatherOn('wasm', xs, ids, axis)).toEqual(await gatherOn('cpu', xs, ids, axis));
  });

  it('refuses an index outside the axis, naming it, and leaks nothing', async () => {
    await selectBackend({ name: 'wasm', log: () => {} });
    const before = tf.memory().numTensors;
    const x = tf.tensor2d(range(6), [3, 2]);
    const ids = tf.tensor1d([0, 3], 'int32');
    expect(() => tf.gather(x, ids)).toThrow(/GatherV2: index 3 is not in \[0, 2\]/);
    tf.dispose([x, ids]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
