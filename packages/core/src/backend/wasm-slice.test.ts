import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from './select-backend.js';
import { copyBox, registerWasmSlice, unregisterWasmSlice } from './wasm-slice.js';

/** The box, element by element through multi-indices: an independent reference. */
function naiveBox(x: Float32Array, shape: number[], begin: number[], size: number[]): number[] {
  const total = size.reduce((a, b) => a * b, 1);
  const result: number[] = [];
  for (let flat = 0; flat < total; flat++) {
    let rest = flat;
    let source = 0;
    let stride = 1;
    for (let axis = shape.length - 1; axis >= 0; axis--) {
      const extent = size[axis] as number;
      const i = rest % extent;
      rest = Math.floor(rest / extent);
      source += ((begin[axis] as number) + i) * stride;
      stride *= shape[axis] as number;
    }
    result.push(x[source] as number);
  }
  return result;
}

/** A deterministic stream of integers in [0, n). */
function counter(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state % n;
  };
}

describe('copyBox', () => {
  it('copies every box of random shapes of rank 0 to 5 as the naive reference does', () => {
    const next = counter(7);
    for (let trial = 0; trial < 400; trial++) {
      const rank = trial % 6;
      const shape = Array.from({ length: rank }, () => 1 + next(5));
      const begin = shape.map((extent) => next(extent));
      // Some axes whole (runs merge), some partial, some empty.
      const size = shape.map((extent, axis) => {
        const roll = next(4);
        if (roll === 0) return extent - (begin[axis] as number);
        if (roll === 1 && begin[axis] === 0) return extent;
        return next(extent - (begin[axis] as number) + 1);
      });
      const total = size.reduce((a, b) => a * b, 1);
      const x = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i + 0.5);
      const out = new Float32Array(total + 3).fill(-1);
      copyBox(x, shape, begin, size, out);
      expect(Array.from(out.subarray(0, total))).toEqual(naiveBox(x, shape, begin, size));
      expect(Array.from(out.subarray(total))).toEqual([-1, -1, -1]);
    }
  });
});

describe('Slice, Unpack and SplitV on wasm', () => {
  beforeAll(async () => {
    await selectBackend({ name: 'wasm', log: () => {} });
  });
  afterAll(async () => {
    await selectBackend({ name: 'cpu', log: () => {} });
  });

  /** Runs `f` with ours and with tfjs-wasm's kernels; returns both results' values. */
  function both(f: () => tf.Tensor[]): [unknown[], unknown[]] {
    const read = () => tf.tidy(() => f().map((t) => t.arraySync()));
    const ours = read();
    unregisterWasmSlice();
    try {
      return [ours, read()];
    } finally {
      registerWasmSlice();
    }
  }

  it('give what tfjs-wasm gives for every dtype, negative axes and -1 sizes', () => {
    const before = tf.memory().numTensors;
    const cases: [string, () => tf.Tensor][] = [
      ['float32', () => tf.reshape(tf.range(0, 2 * 3 * 4 * 5), [2, 3, 4, 5])],
      ['int32', () => tf.reshape(tf.range(0, 60, 1, 'int32'), [3, 4, 5])],
      ['bool', () => tf.reshape(tf.greater(tf.sin(tf.range(0, 24)), 0), [4, 6])],
    ];
    for (const [, make] of cases) {
      const [ours, theirs] = both(() => {
        const x = make();
        const last = x.rank - 1;
        return [
          tf.slice(x, new Array(x.rank).fill(1), new Array(x.rank).fill(-1)),
          tf.slice(x, 0, 1),
          ...tf.unstack(x, 1),
          ...tf.unstack(x, -1),
          ...tf.split(x, [1, (x.shape[last] as number) - 1], last),
          ...tf.split(x, x.shape[0] as number, 0),
        ];
      });
      expect(ours).toEqual(theirs);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keep gradients and leave strings to tfjs', () => {
    const before = tf.memory().numTensors;
    const x = tf.tidy(() => tf.reshape(tf.range(0, 24), [2, 3, 4]));
    const [ours, theirs] = both(() => [
      tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.stack(tf.unstack(v, 1).reverse(), 1), v)))(x),
    ]);
    expect(ours).toEqual(theirs);
    const words = tf.tensor2d(
      [
        ['a', 'b'],
        ['c', 'd'],
      ],
      [2, 2],
      'string',
    );
    const strings = tf.tidy(() => [
      tf.unstack(words, 1).map((t) => t.arraySync()),
      tf.slice(words, [1, 0], [1, 2]).arraySync(),
    ]);
    expect(strings).toEqual([
      [
        ['a', 'c'],
        ['b', 'd'],
      ],
      [['c', 'd']],
    ]);
    tf.dispose([x, words]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
