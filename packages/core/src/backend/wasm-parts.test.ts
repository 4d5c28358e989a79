import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from './select-backend.js';
import { heapKernelParallelism } from './wasm-heap-run.js';
import { heapKernelThreads, splitRange } from './wasm-parts.js';

describe('splitRange', () => {
  it.each([
    [10, 3, 1],
    [10_003, 2, 4],
    [7, 4, 4],
    [1, 8, 1],
    [400, 2, 1],
  ])('covers [0, %i) in order with at most %i parts on multiples of %i', (n, count, step) => {
    const parts = splitRange(n, count, step);
    expect(parts.length).toBeLessThanOrEqual(count);
    expect(parts[0]?.[0]).toBe(0);
    expect(parts.at(-1)?.[1]).toBe(n);
    parts.forEach(([begin, end], index) => {
      expect(end).toBeGreaterThan(begin);
      expect(begin % step).toBe(0);
      if (index > 0) expect(begin).toBe(parts[index - 1]?.[1]);
    });
  });

  it('gives no part for an empty range', () => {
    expect(splitRange(0, 2)).toEqual([]);
  });
});

describe('heapKernelThreads on wasm', () => {
  beforeAll(async () => {
    await selectBackend({ name: 'wasm', log: () => {} });
  });
  afterAll(async () => {
    await tf.setBackend('cpu');
  });

  it('uses one thread per minPerThread elements, at least one, at most the heap has', () => {
    const before = tf.memory().numTensors;
    const backend = tf.backend();
    const most = heapKernelParallelism(backend, 'test');
    expect(heapKernelThreads(backend, 0, 'test')).toBe(1);
    expect(heapKernelThreads(backend, (1 << 18) - 1, 'test')).toBe(1);
    expect(heapKernelThreads(backend, 1 << 30, 'test')).toBe(most);
    expect(heapKernelThreads(backend, 2 * 1000, 'test', 1000)).toBe(Math.min(2, most));
    expect(tf.memory().numTensors).toBe(before);
  });
});
