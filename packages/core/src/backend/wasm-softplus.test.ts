import { kernelSourceSha256 } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from './select-backend.js';
import { SOFTPLUS_SOURCE_SHA256 } from './softplus-wasm.generated.js';
import { instantiateOnMemory, kernelFunction, type LinearMemory } from './wasm-heap.js';
import {
  registerWasmSoftplus,
  SOFTPLUS_MODULE,
  type SoftplusExport,
  unregisterWasmSoftplus,
} from './wasm-softplus.js';

/** `WebAssembly.Memory`, reached through globalThis: this package's `lib` does not declare it. */
const Memory = (
  globalThis as unknown as {
    WebAssembly: {
      Memory: new (limits: { initial: number; maximum?: number; shared?: boolean }) => LinearMemory;
    };
  }
).WebAssembly.Memory;

/** softplus in float64, written independently of the kernel: log(1 + e^x), stably. */
function softplus64(x: number): number {
  return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
}

/** Inputs across every branch: both signs, tiny, the float range's ends, and the sizes ρ has. */
function probeInputs(): Float32Array {
  const fixed = [0, -0, 1e-30, -1e-30, 1e-5, -1e-5, 0.5, -0.5, 1, -1, 4, -4, 9, -9, 15, -15];
  const edges = [17, -17, 30, -30, 80, -80, 87, -87, 87.5, -87.5, 88.7, -88.7, 100, -100, 1e30];
  const sweep = Array.from({ length: 4001 }, (_, i) => -40 + i * 0.02);
  return Float32Array.from([...fixed, ...edges, ...sweep, -1e30]);
}

/** float32's smallest normal number; below it float32 keeps no relative precision. */
const FLOAT32_MIN_NORMAL = 2 ** -126;

/**
 * Largest error relative to the float64 value; where that value is below float32's normal
 * range, an absolute error under {@link FLOAT32_MIN_NORMAL} counts as exact.
 */
function worstError(x: Float32Array, y: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < x.length; i++) {
    const exact = softplus64(x[i] ?? Number.NaN);
    const error = Math.abs((y[i] ?? Number.NaN) - exact);
    const relative =
      Math.abs(exact) < FLOAT32_MIN_NORMAL
        ? error < FLOAT32_MIN_NORMAL
          ? 0
          : 1
        : error / Math.abs(exact);
    worst = Math.max(worst, Number.isNaN(relative) ? 1 : relative);
  }
  return worst;
}

/** Runs the raw module in `memory` and checks it wrote only its output. */
function runInMemory(memory: LinearMemory, x: Float32Array): Float32Array {
  const heap = new Float32Array(memory.buffer);
  const inputAt = 1024; // floats
  const outputAt = inputAt + x.length + 64;
  heap.fill(-7.25);
  heap.set(x, inputAt);
  const softplus = kernelFunction<SoftplusExport>(
    instantiateOnMemory(SOFTPLUS_MODULE, memory),
    'softplus',
  );
  softplus(inputAt * 4, outputAt * 4, x.length);
  const untouched = (from: number, to: number) => heap.subarray(from, to).every((v) => v === -7.25);
  expect(untouched(0, inputAt)).toBe(true);
  expect(untouched(inputAt + x.length, outputAt)).toBe(true);
  expect(untouched(outputAt + x.length, heap.length)).toBe(true);
  return heap.slice(outputAt, outputAt + x.length);
}

describe('SIMD softplus module', () => {
  it('was compiled from the committed source (rerun scripts/build-wasm-kernel.sh)', () => {
    const source = new URL('../../wasm/softplus.c', import.meta.url);
    expect(kernelSourceSha256(source)).toBe(SOFTPLUS_SOURCE_SHA256);
  });

  it('matches float64 softplus to float32 precision, in plain and in shared memory', () => {
    const x = probeInputs();
    const plain = runInMemory(new Memory({ initial: 4 }), x);
    const shared = runInMemory(new Memory({ initial: 4, maximum: 8, shared: true }), x);
    expect(worstError(x, plain)).toBeLessThan(3e-7);
    expect(Array.from(shared)).toEqual(Array.from(plain));
  });

  it('handles every length, including the 1-3 elements past the last group of four', () => {
    const memory = new Memory({ initial: 4 });
    for (let length = 0; length <= 9; length++) {
      const x = Float32Array.from({ length }, (_, i) => i - 4.5);
      expect(worstError(x, runInMemory(memory, x))).toBeLessThan(3e-7);
    }
  });
});

describe('Softplus kernel on the wasm backend', () => {
  beforeAll(async () => {
    await selectBackend({ name: 'wasm', log: () => {} });
  });

  it('is registered by the wasm fixes, and is at least as accurate as tfjs own kernel', () => {
    const x = probeInputs();
    const ours = tf.tidy(() => Float32Array.from(tf.softplus(tf.tensor1d(x)).dataSync()));
    unregisterWasmSoftplus();
    let theirs: Float32Array;
    try {
      theirs = tf.tidy(() => Float32Array.from(tf.softplus(tf.tensor1d(x)).dataSync()));
    } finally {
      registerWasmSoftplus();
    }
    const moderate = (v: number) => Math.abs(v) <= 15;
    for (let i = 0; i < x.length; i++) {
      if (!moderate(x[i] ?? 0)) continue;
      const reference = Math.abs(theirs[i] ?? 0);
      expect(Math.abs((ours[i] ?? 0) - (theirs[i] ?? 0))).toBeLessThanOrEqual(1e-6 * reference);
    }
    expect(worstError(x, ours)).toBeLessThan(3e-7);
    expect(worstError(x, ours)).toBeLessThanOrEqual(worstError(x, theirs));
  });

  it('keeps tfjs gradient dy·sigmoid(x), frees what it makes, and rejects int32', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor2d([-6, -1, 0, 2.5, 30, -3], [2, 3]);
    const dx = tf.grad((v: tf.Tensor) => tf.sum(tf.mul(tf.softplus(v), 2)))(x);
    const expected = Array.from(x.dataSync(), (v) => 2 / (1 + Math.exp(-v)));
    const got = Array.from(dx.dataSync());
    for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(expected[i] ?? 0, 6);
    expect(tf.tidy(() => tf.softplus(tf.zeros([0, 3])).shape)).toEqual([0, 3]);
    tf.dispose([x, dx]);
    const ints = tf.scalar(1, 'int32');
    expect(() => tf.engine().runKernel(tf.Softplus, { x: ints })).toThrow(
      'bayesrnn: Softplus on wasm supports float32, not int32',
    );
    ints.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
