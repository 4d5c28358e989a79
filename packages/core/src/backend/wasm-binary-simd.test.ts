import { kernelSourceSha256 } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUniform } from '../random/random-ops.js';
import { createKey } from '../random/rng-key.js';
import { BINARY_SOURCE_SHA256 } from './binary-wasm.generated.js';
import { selectBackend } from './select-backend.js';
import { registerWasmBinarySimd, unregisterWasmBinarySimd } from './wasm-binary-simd.js';

describe('Add, Sub and Multiply on wasm (wasm/binary.c)', () => {
  beforeAll(async () => {
    await selectBackend({ name: 'wasm', log: () => {} });
  });
  afterAll(async () => {
    await selectBackend({ name: 'cpu', log: () => {} });
  });

  // Same shapes; a repeated operand on either side with a period of whole vectors and with a
  // tail (7, 203); a scalar on either side; a size split over the helper threads (over 2^18 per
  // thread) with a repeat period that a part boundary cuts; and what stays with tfjs.
  const SHAPES: [string, number[], number[]][] = [
    ['one shape', [20, 200], [20, 200]],
    ['h against untied masks', [20, 200], [4, 20, 200]],
    ['a bias row', [37, 203], [203]],
    ['a bias row of 7, on the left', [7], [13, 7]],
    ['a scalar', [33, 9], []],
    ['a scalar on the left', [1, 1], [5, 11]],
    ['split over threads', [3, 700, 501], [700, 501]],
    ['a middle broadcast', [5, 6, 7], [5, 1, 7]],
    ['one value per row', [20, 20, 199], [20, 20, 1]],
    ['one value per row, on the left', [6, 5, 1], [6, 5, 9]],
    ['masks over the steps', [1, 20, 20, 200], [4, 20, 1, 200]],
    ['a bias per gate', [4, 400, 201], [4, 1, 201]],
    ['both broadcast', [7, 1, 5], [1, 6, 1]],
    ['rows split over threads', [300, 2, 1000], [300, 1, 1000]],
    ['five outer groups (tfjs)', [2, 1, 2, 1, 2, 3], [1, 2, 1, 2, 1, 3]],
    ['int32 (tfjs)', [4, 3], [3]],
  ];
  const OPS: [string, (a: tf.Tensor, b: tf.Tensor) => tf.Tensor][] = [
    ['add', tf.add],
    ['sub', tf.sub],
    ['mul', tf.mul],
  ];
  const CASES = SHAPES.flatMap(([name, a, b]) =>
    OPS.map(([op, f]) => [`${op}, ${name}`, a, b, f] as const),
  );

  it.each(CASES)('%s: the bits of tfjs-wasm own kernel', (name, aShape, bShape, f) => {
    const before = tf.memory().numTensors;
    const dtype = name.includes('int32') ? 'int32' : 'float32';
    const [a, b] = tf.tidy(() =>
      [aShape, bShape].map((shape, i) =>
        tf.cast(randomUniform(createKey(i + shape.length), shape, -20, 20), dtype),
      ),
    ) as [tf.Tensor, tf.Tensor];
    const ours = f(a, b);
    unregisterWasmBinarySimd();
    const theirs = f(a, b);
    registerWasmBinarySimd();
    expect(ours.shape).toEqual(theirs.shape);
    expect(ours.dtype).toBe(theirs.dtype);
    // The first element that differs, or -1: a diff of two 1M-element arrays would not print.
    const expected = theirs.dataSync();
    expect(ours.dataSync().findIndex((v, i) => !Object.is(v, expected[i]))).toBe(-1);
    tf.dispose([a, b, ours, theirs]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps NaN, infinities and signed zeros as IEEE arithmetic does', () => {
    const before = tf.memory().numTensors;
    const a = tf.tensor1d([Number.NaN, Infinity, -Infinity, 0, -0, 1, -0, 3]);
    const b = tf.tensor1d([1, -Infinity, -Infinity, -0, -0, Number.NaN, 0, 0]);
    const [sum, difference, product] = [tf.add(a, b), tf.sub(a, b), tf.mul(a, b)];
    const values = (t: tf.Tensor) => Array.from(t.dataSync());
    expect(values(sum)).toEqual([Number.NaN, Number.NaN, -Infinity, 0, -0, Number.NaN, 0, 3]);
    expect(values(difference)).toEqual([Number.NaN, Infinity, Number.NaN, 0, 0, Number.NaN, -0, 3]);
    expect(values(product)).toEqual([Number.NaN, -Infinity, Infinity, -0, 0, Number.NaN, -0, 0]);
    tf.dispose([a, b, sum, difference, product]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('was built from the committed wasm/binary.c', () => {
    expect(kernelSourceSha256(new URL('../../wasm/binary.c', import.meta.url))).toBe(
      BINARY_SOURCE_SHA256,
    );
  });
});
