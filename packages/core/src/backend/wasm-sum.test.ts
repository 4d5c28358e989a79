import { kernelSourceSha256 } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUniform } from '../random/random-ops.js';
import { createKey } from '../random/rng-key.js';
import { selectBackend } from './select-backend.js';
import { SUM_SOURCE_SHA256 } from './sum-wasm.generated.js';
import { registerWasmSum, sumPlan, unregisterWasmSum } from './wasm-sum.js';

describe('sumPlan', () => {
  it('reads trailing axes as row sums and leading axes as column sums', () => {
    expect(sumPlan([4, 5, 6], [1, 2], false)).toEqual({
      reduce: 'rows',
      outer: 1,
      rows: 4,
      columns: 30,
      outShape: [4],
    });
    expect(sumPlan([4, 5, 6], -1, true)).toEqual({
      reduce: 'rows',
      outer: 1,
      rows: 20,
      columns: 6,
      outShape: [4, 5, 1],
    });
    expect(sumPlan([4, 5, 6], [1, 0], false)).toEqual({
      reduce: 'columns',
      outer: 1,
      rows: 20,
      columns: 6,
      outShape: [6],
    });
    expect(sumPlan([4, 5, 6], undefined, false)).toEqual({
      reduce: 'rows',
      outer: 1,
      rows: 1,
      columns: 120,
      outShape: [],
    });
  });

  it('reads a run of middle axes as column sums of each outer matrix', () => {
    expect(sumPlan([4, 5, 6], 1, false)).toEqual({
      reduce: 'columns',
      outer: 4,
      rows: 5,
      columns: 6,
      outShape: [4, 6],
    });
    expect(sumPlan([2, 3, 4, 5], [1, 2], true)).toEqual({
      reduce: 'columns',
      outer: 2,
      rows: 12,
      columns: 5,
      outShape: [2, 1, 1, 5],
    });
  });

  it("leaves axes that are not neighbours, no axes and empty inputs to tfjs's kernel", () => {
    expect(sumPlan([4, 5, 6], [0, 2], false)).toBeUndefined();
    expect(sumPlan([4, 5, 6], [], false)).toBeUndefined();
    expect(sumPlan([4, 0, 6], 2, false)).toBeUndefined();
  });
});

/** Σ in float64 of `values` along `plan`'s rows or columns, and Σ|value| for the error bound. */
function reference(values: Float32Array, shape: number[], axis: number | number[] | undefined) {
  const plan = sumPlan(shape, axis, false);
  if (plan === undefined) throw new Error('not a plan the kernel takes');
  const { outer, rows, columns } = plan;
  const count = plan.reduce === 'rows' ? rows : outer * columns;
  const sums = new Float64Array(count);
  const magnitudes = new Float64Array(count);
  for (let o = 0; o < outer; o++) {
    for (let r = 0; r < rows; r++) {
      for (let c = 0; c < columns; c++) {
        const v = values[(o * rows + r) * columns + c] ?? 0;
        const at = plan.reduce === 'rows' ? r : o * columns + c;
        sums[at] = (sums[at] ?? 0) + v;
        magnitudes[at] = (magnitudes[at] ?? 0) + Math.abs(v);
      }
    }
  }
  return { sums, magnitudes, terms: plan.reduce === 'rows' ? columns : rows };
}

describe('Sum on wasm (wasm/sum.c)', () => {
  beforeAll(async () => {
    await selectBackend({ name: 'wasm', log: () => {} });
  });
  afterAll(async () => {
    await selectBackend({ name: 'cpu', log: () => {} });
  });

  // Row and column counts with SIMD tails (not multiples of 16 or 4), one and several inner
  // blocks, and sizes over the threshold that splits a sum over both threads.
  const CASES: [string, number[], number | number[] | undefined][] = [
    ['rows of 10,007', [41, 10_007], 1],
    ['rows of 3 (all tail)', [50, 3], -1],
    ['one row of 1.2M, split over threads', [1_200_001], undefined],
    ['everything of a 3-D tensor', [7, 13, 9], undefined],
    ['columns of 10,003 over 400 rows, split over threads', [400, 10_003], 0],
    ['columns over two leading axes', [5, 8, 37], [0, 1]],
    ['columns of 2 (all tail)', [9, 2], 0],
    ['a middle axis (a bias per gate)', [4, 400, 203], 1],
    ['two middle axes, split over threads', [3, 20, 40, 701], [1, 2]],
  ];

  it.each(CASES)('%s: within the float32 summation bound of a float64 sum', (_, shape, axis) => {
    const before = tf.memory().numTensors;
    const x = randomUniform(createKey(shape.length + (shape[0] ?? 0)), shape, -1, 2);
    const values = x.dataSync() as Float32Array;
    const got = tf.sum(x, axis);
    const { sums, magnitudes, terms } = reference(values, shape, axis);
    expect(got.size).toBe(sums.length);
    const data = got.dataSync();
    for (let i = 0; i < sums.length; i++) {
      // n terms in float32 round off by at most n·ε·Σ|x| (ε = 2⁻²⁴), plus the final rounding.
      const bound = (terms + 1) * 2 ** -24 * (magnitudes[i] ?? 0);
      expect(Math.abs((data[i] ?? Number.NaN) - (sums[i] ?? 0))).toBeLessThanOrEqual(bound);
    }
    tf.dispose([x, got]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('gives the shape and keepDims of tfjs, and its values on what it leaves to tfjs', () => {
    const before = tf.memory().numTensors;
    const x = randomUniform(createKey(9), [3, 4, 5]);
    const ints = tf.tensor2d([1, 2, 3, 4, 5, 6], [2, 3], 'int32');
    const empty = tf.zeros([0, 3]);
    const ours = [
      tf.sum(x, [1, 2], true),
      tf.sum(x, 0, true),
      tf.sum(x, 1), // a middle axis
      tf.sum(ints, 0), // int32: tfjs's kernel
      tf.sum(empty, 1), // empty: tfjs's kernel
    ];
    unregisterWasmSum();
    const theirs = [
      tf.sum(x, [1, 2], true),
      tf.sum(x, 0, true),
      tf.sum(x, 1),
      tf.sum(ints, 0),
      tf.sum(empty, 1),
    ];
    registerWasmSum();
    ours.forEach((o, i) => {
      const t = theirs[i] as tf.Tensor;
      expect(o.shape).toEqual(t.shape);
      expect(o.dtype).toBe(t.dtype);
      const a = o.dataSync();
      const b = t.dataSync();
      for (let j = 0; j < a.length; j++) expect(a[j]).toBeCloseTo(b[j] ?? Number.NaN, 5);
    });
    tf.dispose([x, ints, empty, ...ours, ...theirs]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('sums 2²⁴ + 16 ones exactly, where one running float32 stops at 2²⁴', () => {
    const before = tf.memory().numTensors;
    const n = 2 ** 24 + 16;
    const ones = tf.ones([n]);
    const total = tf.sum(ones);
    expect(total.dataSync()[0]).toBe(n);
    tf.dispose([ones, total]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('was built from the committed wasm/sum.c', () => {
    expect(kernelSourceSha256(new URL('../../wasm/sum.c', import.meta.url))).toBe(
      SUM_SOURCE_SHA256,
    );
  });
});
