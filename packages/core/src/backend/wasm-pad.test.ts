import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUniform } from '../random/random-ops.js';
import { createKey } from '../random/rng-key.js';
import { selectBackend } from './select-backend.js';
import { registerWasmPad, unregisterWasmPad } from './wasm-pad.js';

/** `x` of `shape` and `dtype` from a key (bool: the positive draws). */
function input(shape: number[], dtype: tf.DataType, seed: number): tf.Tensor {
  return tf.tidy(() => {
    const values = randomUniform(createKey(seed), shape, -10, 10);
    if (dtype === 'bool') return tf.greater(values, 0);
    return dtype === 'int32' ? tf.cast(tf.round(values), 'int32') : values;
  });
}

/** `run` with the project's kernels and with tfjs-wasm's: the same shape, dtype and elements. */
function expectTfjsResult(run: () => tf.Tensor): void {
  const before = tf.memory().numTensors;
  const ours = run();
  unregisterWasmPad();
  const theirs = run();
  registerWasmPad();
  expect(ours.shape).toEqual(theirs.shape);
  expect(ours.dtype).toBe(theirs.dtype);
  const expected = theirs.dataSync();
  expect(ours.dataSync().findIndex((v, i) => !Object.is(v, expected[i]))).toBe(-1);
  tf.dispose([ours, theirs]);
  expect(tf.memory().numTensors).toBe(before);
}

describe('PadV2 and Pack on wasm', () => {
  beforeAll(async () => {
    await selectBackend({ name: 'wasm', log: () => {} });
  });
  afterAll(async () => {
    await selectBackend({ name: 'cpu', log: () => {} });
  });

  // The window's output gradient padded by a step, padding on every side of a 4-D tensor, a
  // constant, int32 and bool, and an empty input.
  const PADS: [string, number[], [number, number][], number, tf.DataType][] = [
    [
      'one step at the end',
      [20, 20, 200],
      [
        [0, 0],
        [0, 1],
        [0, 0],
      ],
      0,
      'float32',
    ],
    [
      'every side, 4-D',
      [3, 4, 5, 6],
      [
        [1, 2],
        [0, 3],
        [2, 0],
        [1, 1],
      ],
      0,
      'float32',
    ],
    [
      'a constant',
      [7, 9],
      [
        [2, 2],
        [3, 1],
      ],
      -1.5,
      'float32',
    ],
    [
      'int32',
      [5, 6],
      [
        [1, 0],
        [0, 2],
      ],
      3,
      'int32',
    ],
    [
      'bool',
      [4, 5],
      [
        [1, 1],
        [1, 1],
      ],
      0,
      'bool',
    ],
    [
      'an empty input',
      [0, 5],
      [
        [1, 1],
        [0, 0],
      ],
      0,
      'float32',
    ],
  ];

  it.each(PADS)('pads %s as tfjs-wasm does', (_, shape, paddings, value, dtype) => {
    const x = input(shape, dtype, shape.length);
    expectTfjsResult(() => tf.pad(x, paddings, value));
    x.dispose();
  });

  // Stacked on the first, a middle and the last axis, one input, int32, and empty inputs.
  const PACKS: [string, number[], number, number, tf.DataType][] = [
    ['20 steps on axis 0', [20, 200], 20, 0, 'float32'],
    ['21 steps on axis 1', [20, 200], 21, 1, 'float32'],
    ['on the last axis', [6, 7], 5, 2, 'float32'],
    ['on axis -1', [6, 7], 3, -1, 'float32'],
    ['one input', [4, 4], 1, 1, 'float32'],
    ['int32 on axis 1', [3, 4], 4, 1, 'int32'],
    ['empty inputs', [0, 3], 2, 1, 'float32'],
  ];

  it.each(PACKS)('stacks %s as tfjs-wasm does', (_, shape, count, axis, dtype) => {
    const xs = Array.from({ length: count }, (_, i) => input(shape, dtype, i + 1));
    expectTfjsResult(() => tf.stack(xs, axis));
    tf.dispose(xs);
  });

  it('gives pad and stack their gradients (a slice and an unstack)', () => {
    const before = tf.memory().numTensors;
    const x = input([4, 5], 'float32', 1);
    const y = input([4, 5], 'float32', 2);
    const weights = input([2, 6, 5], 'float32', 3);
    const loss = (a: tf.Tensor, b: tf.Tensor) =>
      tf.sum(
        tf.mul(
          tf.stack([
            tf.pad(a, [
              [1, 1],
              [0, 0],
            ]),
            tf.pad(b, [
              [2, 0],
              [0, 0],
            ]),
          ]),
          weights,
        ),
      );
    const [da, db] = tf.grads(loss)([x, y]);
    const expected = tf.tidy(() => [
      tf.slice(weights, [0, 1, 0], [1, 4, 5]).reshape([4, 5]),
      tf.slice(weights, [1, 2, 0], [1, 4, 5]).reshape([4, 5]),
    ]);
    expect(Array.from(da?.dataSync() ?? [])).toEqual(Array.from(expected[0]?.dataSync() ?? []));
    expect(Array.from(db?.dataSync() ?? [])).toEqual(Array.from(expected[1]?.dataSync() ?? []));
    tf.dispose([x, y, weights, da, db, ...expected] as tf.Tensor[]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
