import { kernelSourceSha256, wasmTestMemory } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ACTIVATIONS_SOURCE_SHA256 } from './activations-wasm.generated.js';
import { EXP_SOURCE_SHA256 } from './exp-wasm.generated.js';
import { selectBackend } from './select-backend.js';
import { SOFTPLUS_SOURCE_SHA256 } from './softplus-wasm.generated.js';
import { instantiateOnMemory, kernelFunction, type LinearMemory } from './wasm-heap.js';
import {
  registerWasmUnarySimd,
  SIMD_EXP,
  SIMD_SOFTPLUS,
  SIMD_TANH,
  type UnaryExport,
  type UnarySimdKernel,
  unregisterWasmUnarySimd,
} from './wasm-unary-simd.js';

/** float32's smallest normal number; below it float32 keeps no relative precision. */
const FLOAT32_MIN_NORMAL = 2 ** -126;
const FLOAT32_MAX = 3.4028234663852886e38;

/** One kernel under test: its float64 reference, written independently, and probe inputs. */
interface Case {
  readonly kernel: UnarySimdKernel;
  readonly source: string;
  readonly sha256: string;
  readonly reference: (x: number) => number;
  /** Its derivative, for the gradient tfjs computes. */
  readonly derivative: (x: number) => number;
  readonly inputs: Float32Array;
  /** Tolerance on the error relative to the float64 value (≈ 2.5 float32 ulp). */
  readonly tolerance: number;
}

const logistic = (x: number) => 1 / (1 + Math.exp(-x));

const sweep = (from: number, to: number, step: number) =>
  Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) => from + i * step);

const CASES: readonly Case[] = [
  {
    kernel: SIMD_SOFTPLUS,
    source: 'softplus.c',
    sha256: SOFTPLUS_SOURCE_SHA256,
    reference: (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
    derivative: logistic,
    inputs: Float32Array.from([
      ...[0, -0, 1e-30, -1e-30, 1e-5, -1e-5, 0.5, -0.5, 1, -1, 4, -4, 9, -9, 15, -15],
      ...[17, -17, 30, -30, 80, -80, 87, -87, 87.5, -87.5, 88.7, -88.7, 100, -100, 1e30, -1e30],
      ...sweep(-40, 40, 0.02),
    ]),
    tolerance: 3e-7,
  },
  {
    kernel: SIMD_EXP,
    source: 'exp.c',
    sha256: EXP_SOURCE_SHA256,
    reference: Math.exp,
    derivative: Math.exp,
    inputs: Float32Array.from([
      ...[0, -0, 1e-30, -1e-30, 1e-7, -1e-7, 0.3465, -0.3466, 1, -1, 20, -20],
      ...[88.7, 88.72, 88.7228, 88.73, 89, 1e30, Infinity, -87.33, -87.34, -90, -103, -1e30],
      ...[-Infinity, Number.NaN],
      ...sweep(-87, 88.5, 0.0173),
    ]),
    tolerance: 3e-7,
  },
  {
    kernel: SIMD_TANH,
    source: 'activations.c',
    sha256: ACTIVATIONS_SOURCE_SHA256,
    reference: Math.tanh,
    derivative: (x) => 1 - Math.tanh(x) ** 2,
    inputs: Float32Array.from([
      ...[0, -0, 1e-30, -1e-30, 1e-7, -1e-7, 1e-3, -1e-3, 0.3, -0.3, 0.6249, -0.6249],
      ...[0.625, -0.625, 0.7, -0.7, 1, -1, 5, -5, 9, -9, 44, -44, 45, -45, 1e30, -1e30],
      ...[Infinity, -Infinity, Number.NaN],
      ...sweep(-12, 12, 0.0017),
    ]),
    tolerance: 3e-7,
  },
];

/**
 * Largest error relative to the float64 value. Where that value is below float32's normal
 * range an absolute error under {@link FLOAT32_MIN_NORMAL} counts as exact, where it is above
 * float32's range only the infinity of its sign does, and NaN must give NaN.
 */
function worstError(reference: (x: number) => number, x: Float32Array, y: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < x.length; i++) {
    const exact = reference(x[i] ?? Number.NaN);
    const got = y[i] ?? Number.NaN;
    let error: number;
    if (Number.isNaN(exact)) error = Number.isNaN(got) ? 0 : 1;
    else if (Math.abs(exact) > FLOAT32_MAX) error = got === Math.sign(exact) * Infinity ? 0 : 1;
    else if (Math.abs(exact) < FLOAT32_MIN_NORMAL)
      error = Math.abs(got - exact) < FLOAT32_MIN_NORMAL ? 0 : 1;
    else error = Math.abs(got - exact) / Math.abs(exact);
    worst = Math.max(worst, Number.isNaN(error) ? 1 : error);
  }
  return worst;
}

/** Runs the raw module in `memory` and checks it wrote only its output. */
function runInMemory(kernel: UnarySimdKernel, memory: LinearMemory, x: Float32Array) {
  const heap = new Float32Array(memory.buffer);
  const inputAt = 1024; // floats
  const outputAt = inputAt + x.length + 64;
  heap.fill(-7.25);
  heap.set(x, inputAt);
  const run = kernelFunction<UnaryExport>(
    instantiateOnMemory(kernel.module, memory),
    kernel.exportName,
  );
  run(inputAt * 4, outputAt * 4, x.length);
  const untouched = (from: number, to: number) => heap.subarray(from, to).every((v) => v === -7.25);
  expect(untouched(0, inputAt)).toBe(true);
  expect(untouched(inputAt + x.length, outputAt)).toBe(true);
  expect(untouched(outputAt + x.length, heap.length)).toBe(true);
  return heap.slice(outputAt, outputAt + x.length);
}

describe.each(CASES)('SIMD $kernel.kernelName module', (c) => {
  it('was compiled from the committed source (rerun scripts/build-wasm-kernel.sh)', () => {
    expect(kernelSourceSha256(new URL(`../../wasm/${c.source}`, import.meta.url))).toBe(c.sha256);
  });

  it('matches the float64 reference to float32 precision, in plain and in shared memory', () => {
    const plain = runInMemory(c.kernel, wasmTestMemory(4), c.inputs);
    const shared = runInMemory(c.kernel, wasmTestMemory(4, 'shared'), c.inputs);
    expect(worstError(c.reference, c.inputs, plain)).toBeLessThan(c.tolerance);
    expect(Array.from(shared)).toEqual(Array.from(plain));
  });

  it('handles every length: groups of sixteen, then of four, then the last 1-3 elements', () => {
    const memory = wasmTestMemory(4);
    for (let length = 0; length <= 40; length++) {
      const x = Float32Array.from({ length }, (_, i) => i - 4.5);
      expect(worstError(c.reference, x, runInMemory(c.kernel, memory, x))).toBeLessThan(
        c.tolerance,
      );
    }
  });
});

describe.each(CASES)('$kernel.kernelName kernel on the wasm backend', (c) => {
  beforeAll(async () => {
    await selectBackend({ name: 'wasm', log: () => {} });
  });

  const run = (x: Float32Array) =>
    tf.tidy(() => {
      const input = tf.tensor1d(x);
      const y = tf.engine().runKernel(c.kernel.kernelName, { x: input }) as tf.Tensor;
      return Float32Array.from(y.dataSync());
    });

  it('is registered by the wasm fixes, and agrees with tfjs own kernel', () => {
    const before = tf.memory().numTensors;
    const ours = run(c.inputs);
    unregisterWasmUnarySimd([c.kernel]);
    let theirs: Float32Array;
    try {
      theirs = run(c.inputs);
    } finally {
      registerWasmUnarySimd([c.kernel]);
    }
    expect(worstError(c.reference, c.inputs, ours)).toBeLessThan(c.tolerance);
    // Both are float32-accurate: where tfjs's is within a few ulp, so is ours.
    expect(worstError(c.reference, c.inputs, theirs)).toBeLessThan(1e-6);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps tfjs gradient, frees what it makes, and rejects int32', () => {
    const before = tf.memory().numTensors;
    const x = tf.tensor2d([-6, -1, 0, 2.5, 30, -3], [2, 3]);
    const dx = tf.grad((v: tf.Tensor) =>
      tf.sum(tf.mul(tf.engine().runKernel(c.kernel.kernelName, { x: v }) as tf.Tensor, 2)),
    )(x);
    const slope = c.derivative;
    const got = Array.from(dx.dataSync());
    Array.from(x.dataSync()).forEach((v, i) => {
      expect(got[i] ?? 0).toBeCloseTo(2 * slope(v), v > 20 ? -7 : 5);
    });
    expect(
      tf.tidy(
        () =>
          (tf.engine().runKernel(c.kernel.kernelName, { x: tf.zeros([0, 3]) }) as tf.Tensor).shape,
      ),
    ).toEqual([0, 3]);
    tf.dispose([x, dx]);
    const ints = tf.scalar(1, 'int32');
    expect(() => tf.engine().runKernel(c.kernel.kernelName, { x: ints })).toThrow(
      `bayesrnn: ${c.kernel.kernelName} on wasm supports float32, not int32`,
    );
    ints.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
