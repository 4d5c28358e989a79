import { checkLeaksAfterEachTest } from '@bayesrnn/testing';
import type { TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { addNInGroups, groupAddN } from './grouped-add-n.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});
checkLeaksAfterEachTest();

/** Integers, so that every grouping sums to the same float32 bits. */
function terms(count: number): tf.Tensor[] {
  return Array.from({ length: count }, (_, i) => tf.tensor2d([i, -2 * i, i * i, 1], [2, 2]));
}

describe('addNInGroups', () => {
  it('never sums more than width at once, frees every partial sum and no input', () => {
    const inputs = terms(17);
    const backend = tf.backend();
    const widths: number[] = [];
    const freed: TensorInfo[] = [];
    const kernel = tf.getKernel(tf.AddN, 'cpu');
    if (kernel === undefined) throw new Error('cpu has no AddN');
    const before = backend.numDataIds();
    const sum = addNInGroups(
      inputs,
      7,
      (group) => {
        widths.push(group.length);
        return kernel.kernelFunc({ inputs: group as never, backend }) as TensorInfo;
      },
      (info) => {
        freed.push(info);
        backend.disposeData(info.dataId);
      },
    );
    // 17 inputs in groups of 7: sums of 7, 7 and 3, then one sum of those 3.
    expect(widths).toEqual([7, 7, 3, 3]);
    expect(freed).toHaveLength(3);
    expect(freed.some((info) => inputs.some((input) => input.dataId === info.dataId))).toBe(false);
    expect(backend.numDataIds()).toBe(before + 1);
    const result = tf.engine().makeTensorFromTensorInfo(sum);
    const expected = tf.tidy(() => Array.from(tf.addN(inputs).dataSync()));
    expect(Array.from(result.dataSync())).toEqual(expected);
    tf.dispose([...inputs, result]);
  });

  it('carries a lone input to the next level without freeing it', () => {
    const inputs = terms(5);
    const backend = tf.backend();
    const kernel = tf.getKernel(tf.AddN, 'cpu');
    if (kernel === undefined) throw new Error('cpu has no AddN');
    const freed: TensorInfo[] = [];
    const sum = addNInGroups(
      inputs,
      2,
      (group) => kernel.kernelFunc({ inputs: group as never, backend }) as TensorInfo,
      (info) => {
        freed.push(info);
        backend.disposeData(info.dataId);
      },
    );
    expect(freed.some((info) => info.dataId === inputs[4]?.dataId)).toBe(false);
    const result = tf.engine().makeTensorFromTensorInfo(sum);
    expect(Array.from(result.dataSync())).toEqual([10, -20, 30, 5]);
    tf.dispose([...inputs, result]);
  });

  it('rejects a width below 2, naming it', () => {
    expect(() =>
      addNInGroups(
        [],
        1,
        () => ({}) as TensorInfo,
        () => {},
      ),
    ).toThrow('addNInGroups: width must be an integer ≥ 2, got 1');
  });
});

describe('groupAddN', () => {
  it("keeps tf.addN's value and gradient, and puts the original kernel back", () => {
    const original = tf.getKernel(tf.AddN, 'cpu');
    const restore = groupAddN('cpu', 3);
    try {
      expect(tf.getKernel(tf.AddN, 'cpu')?.kernelFunc).not.toBe(original?.kernelFunc);
      const inputs = terms(10);
      const sum = tf.addN(inputs);
      expect(Array.from(sum.dataSync())).toEqual([45, -90, 285, 10]);
      // A weight used at ten places: its gradient is the sum of ten, through the grouped AddN.
      const x = tf.scalar(2);
      const dx = tf.grad((v: tf.Tensor) => tf.addN(Array.from({ length: 10 }, () => tf.mul(v, v))))(
        x,
      );
      expect(dx.dataSync()[0]).toBe(40);
      tf.dispose([...inputs, sum, x, dx]);
    } finally {
      restore();
    }
    expect(tf.getKernel(tf.AddN, 'cpu')?.kernelFunc).toBe(original?.kernelFunc);
  });
});
