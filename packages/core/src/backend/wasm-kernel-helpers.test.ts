import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from './select-backend.js';
import {
  kernelFunction,
  wasmHeapFloat32,
  wasmHeapMemory,
  wasmHeapOffset,
  wasmKernelExports,
} from './wasm-heap.js';
import { heapHelpersFor } from './wasm-heap-run.js';
import { startKernelHelpers } from './wasm-kernel-helpers.js';
import { SIMD_SOFTPLUS } from './wasm-unary-simd.js';

const CORES = Math.min(availableParallelism(), 8);

describe('helper threads for our kernels on the wasm backend', () => {
  beforeAll(async () => {
    await selectBackend({ name: 'wasm', log: () => {} });
  });
  afterAll(async () => {
    await selectBackend({ name: 'cpu', log: () => {} });
  });

  it.runIf(CORES > 1)('gives the heap one helper fewer than tfjs has threads', () => {
    const pool = heapHelpersFor(wasmHeapMemory(tf.backend(), 'test'));
    expect(pool?.parallelism).toBe(CORES);
  });

  it('splits a registered kernel and writes what one thread writes', () => {
    const before = tf.memory().numTensors;
    const size = 250_001;
    const x = tf.tensor1d(Float32Array.from({ length: size }, (_, i) => Math.cos(i) * 40));
    const split = tf.softplus(x);
    const backend = tf.backend();
    const xAt = wasmHeapOffset(backend, x.dataId, 'test');
    const alone = tf.zerosLike(x);
    const aloneAt = wasmHeapOffset(backend, alone.dataId, 'test');
    kernelFunction<(x: number, y: number, n: number) => void>(
      wasmKernelExports(backend, SIMD_SOFTPLUS.module, 'test'),
      SIMD_SOFTPLUS.exportName,
    )(xAt, aloneAt, size);
    const expected = wasmHeapFloat32(backend, aloneAt, size, 'test');
    const got = split.dataSync();
    expect(got.every((v, i) => Object.is(v, expected[i]))).toBe(true);
    tf.dispose([x, split, alone]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('starts none when switched off, single-threaded, or already there', async () => {
    expect(await startKernelHelpers(2, { BAYESRNN_WASM_HELPERS: 'off' })).toEqual({
      threads: 1,
      reason: 'BAYESRNN_WASM_HELPERS=off',
    });
    expect(await startKernelHelpers(1, {})).toEqual({ threads: 1, reason: 'no pool' });
    if (CORES > 1) {
      const pool = heapHelpersFor(wasmHeapMemory(tf.backend(), 'test'));
      expect(await startKernelHelpers(CORES, {})).toEqual({ threads: CORES, reason: 'as before' });
      expect(heapHelpersFor(wasmHeapMemory(tf.backend(), 'test'))).toBe(pool);
    }
  });
});
