import { kernelSourceSha256 } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SEGMENT_SUM_SOURCE_SHA256 } from './segment-sum-wasm.generated.js';
import { selectBackend } from './select-backend.js';

/** Runs `compute` on `backend` and returns its values and shape, checking it left no tensor. */
async function runOn(backend: string, compute: () => tf.Tensor) {
  await tf.setBackend(backend);
  const before = tf.memory().numTensors;
  const result = tf.tidy(compute);
  const out = { values: Array.from(result.dataSync()), shape: result.shape, dtype: result.dtype };
  result.dispose();
  expect(tf.memory().numTensors).toBe(before);
  return out;
}

/** unsortedSegmentSum of fixed arrays, on one backend. */
function segmentSum(
  x: { values: number[]; shape: number[]; dtype: 'float32' | 'int32' },
  ids: number[],
  numSegments: number,
) {
  return () =>
    tf.unsortedSegmentSum(
      tf.tensor(x.values, x.shape, x.dtype),
      tf.tensor1d(ids, 'int32'),
      numSegments,
    );
}

function seededNormal(shape: number[], seed: number): number[] {
  return tf.tidy(() => Array.from(tf.randomNormal(shape, 0, 1, 'float32', seed).dataSync()));
}

describe('UnsortedSegmentSum on wasm', () => {
  beforeAll(async () => {
    await selectBackend({ name: 'wasm', log: () => {} });
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('is registered by selectBackend', () => {
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeDefined();
  });

  const cases = [
    // random rows with repeated ids and more segments than ids use (empty segments)
    {
      name: 'random [12, 5]',
      shape: [12, 5],
      ids: [3, 0, 3, 7, 1, 1, 3, 0, 6, 6, 2, 3],
      segments: 9,
    },
    // all rows into one segment
    { name: 'all repeated', shape: [6, 4], ids: [2, 2, 2, 2, 2, 2], segments: 4 },
    // rank 1 and rank 3 x: segments index the first dimension
    { name: 'rank 1', shape: [7], ids: [0, 1, 0, 4, 4, 4, 2], segments: 5 },
    { name: 'rank 3', shape: [5, 2, 3], ids: [1, 0, 1, 3, 0], segments: 4 },
    // ids outside [0, numSegments) are dropped, as on cpu
    { name: 'out-of-range ids', shape: [4, 3], ids: [-1, 2, 5, 0], segments: 3 },
    { name: 'zero rows', shape: [0, 3], ids: [], segments: 2 },
    // 3 × 5 rows: the C kernel's vector loop and its 1–3 float tail
    { name: 'row tails', shape: [5, 3, 5], ids: [4, 1, 4, 0, 2], segments: 6 },
    // 1,024 × 600 outputs: the segments split over two threads, ids on both sides and repeated
    {
      name: 'two threads',
      shape: [64, 600],
      ids: Array.from({ length: 64 }, (_, r) => (r * 389) % 1030) /* some ≥ 1,024: dropped */,
      segments: 1024,
    },
  ];

  for (const { name, shape, ids, segments } of cases) {
    it(`equals cpu: ${name} (float32)`, async () => {
      const x = { values: seededNormal(shape, 7), shape, dtype: 'float32' as const };
      const cpu = await runOn('cpu', segmentSum(x, ids, segments));
      const wasm = await runOn('wasm', segmentSum(x, ids, segments));
      expect(wasm.shape).toEqual(cpu.shape);
      expect(wasm.dtype).toBe('float32');
      // toBeCloseTo(·, 5) per element, as one expect: 614,400 expects took 12 s alone and over
      // a minute when the packages' tests share the cores.
      const far = wasm.values.findIndex(
        (value, index) => !(Math.abs(value - (cpu.values[index] ?? Number.NaN)) < 5e-6),
      );
      expect(far, `first element off: ${far} (${wasm.values[far]} vs ${cpu.values[far]})`).toBe(-1);
    });
  }

  it('equals cpu on int32 data, and keeps int32 (cpu alone returns float32)', async () => {
    const x = { values: [5, -3, 2, 9, 1, 0, -7, 4, 8, 6], shape: [5, 2], dtype: 'int32' as const };
    const ids = [1, 1, 0, 3, 1];
    const cpu = await runOn('cpu', segmentSum(x, ids, 4));
    const wasm = await runOn('wasm', segmentSum(x, ids, 4));
    // By hand: segment 0 = row 2; segment 1 = rows 0, 1, 4; segment 2 empty; segment 3 = row 3.
    expect(wasm.values).toEqual([1, 0, 15, 12, 0, 0, -7, 4]);
    expect(wasm.values).toEqual(cpu.values);
    expect(wasm.shape).toEqual(cpu.shape);
    // TF and the webgl kernel keep x's dtype; the cpu kernel casts its mask to float32.
    expect(wasm.dtype).toBe('int32');
  });

  it('zeroes the segments no id names, even in heap memory a freed tensor left dirty', async () => {
    await tf.setBackend('wasm');
    const before = tf.memory().numTensors;
    // The output takes heap memory just freed by a tensor of sevens.
    tf.fill([4096], 7).dispose();
    const sums = tf.tidy(() =>
      tf.unsortedSegmentSum(tf.ones([2, 4]), tf.tensor1d([1, 1], 'int32'), 1024),
    );
    const values = sums.dataSync();
    sums.dispose();
    expect(Array.from(values.subarray(4, 8))).toEqual([2, 2, 2, 2]);
    expect(values.every((value, index) => value === (index >= 4 && index < 8 ? 2 : 0))).toBe(true);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('handles zero segments (where the cpu kernel throws)', async () => {
    const x = { values: [1, 2, 3, 4, 5, 6], shape: [3, 2], dtype: 'float32' as const };
    const wasm = await runOn('wasm', segmentSum(x, [0, 1, 2], 0));
    expect(wasm).toEqual({ values: [], shape: [0, 2], dtype: 'float32' });
  });

  it('makes the gradient of gather (an embedding lookup) equal cpu', async () => {
    const table = { values: seededNormal([6, 3], 11), shape: [6, 3], dtype: 'float32' as const };
    const gradient = () => {
      const lookup = (t: tf.Tensor) =>
        tf.sum(tf.square(tf.gather(t, tf.tensor1d([4, 0, 4, 2], 'int32'))));
      return tf.grad(lookup)(tf.tensor(table.values, table.shape));
    };
    const cpu = await runOn('cpu', gradient);
    const wasm = await runOn('wasm', gradient);
    expect(wasm.shape).toEqual([6, 3]);
    wasm.values.forEach((value, index) => {
      expect(value).toBeCloseTo(cpu.values[index] ?? Number.NaN, 5);
    });
  });

  it('rejects segmentIds that do not match the first dimension', async () => {
    await tf.setBackend('wasm');
    const x = tf.ones([3, 2]);
    const ids = tf.tensor1d([0, 1], 'int32');
    expect(() => tf.unsortedSegmentSum(x, ids, 2)).toThrow(/segmentIds of shape \[3\]/);
    tf.dispose([x, ids]);
  });

  it('leaks no tensors or wasm buffers', async () => {
    await tf.setBackend('wasm');
    const x = tf.randomNormal([8, 4], 0, 1, 'float32', 3);
    const ids = tf.tensor1d([0, 2, 2, 1, 0, 3, 3, 3], 'int32');
    const tensorsBefore = tf.memory().numTensors;
    const buffersBefore = tf.engine().backend.numDataIds();
    tf.unsortedSegmentSum(x, ids, 4).dispose();
    tf.grad((t: tf.Tensor) => tf.sum(tf.gather(t, ids)))(x).dispose();
    expect(tf.memory().numTensors).toBe(tensorsBefore);
    expect(tf.engine().backend.numDataIds()).toBe(buffersBefore);
    tf.dispose([x, ids]);
  });

  it('was compiled from the committed source (rerun scripts/build-wasm-kernel.sh)', () => {
    expect(kernelSourceSha256(new URL('../../wasm/segment-sum.c', import.meta.url))).toBe(
      SEGMENT_SUM_SOURCE_SHA256,
    );
  });
});
