import v8 from 'node:v8';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  itAddsABiasAsAProductThenAnAdd,
  itGivesTheSameBitsOverColumnSplits,
  itMultipliesWithinFloat32Bound,
  values,
} from './__fixtures__/gemm-products.js';
import { selectBackend } from './select-backend.js';
import {
  configureWasmGemm,
  GEMM_MODULE,
  GEMM_MODULE_FMA,
  relaxedSimdAvailable,
  wasmGemmSettings,
} from './wasm-gemm-settings.js';
import { wasmHeapOffset } from './wasm-heap.js';
import { runHeapKernelParts } from './wasm-heap-run.js';

// Node 20 compiles WebAssembly relaxed SIMD only behind this flag (Node 22 has it on). It is
// set before any module compiles, and vitest runs each test file in a process of its own
// (pool 'forks'), so no other file sees it. On Node 22 it changes nothing.
v8.setFlagsFromString('--experimental-wasm-relaxed-simd');

/** `[m, k] × [k, n]` by one gemm build, on the calling thread, as a plain array. */
function productBy(
  module: typeof GEMM_MODULE,
  a: tf.Tensor2D,
  b: tf.Tensor2D,
  [m, k, n]: [number, number, number],
): number[] {
  const backend = tf.backend();
  const out = tf.zeros([m, n]);
  const offset = (t: tf.Tensor) => wasmHeapOffset(backend, t.dataId, 'test');
  const args = [offset(a), offset(b), offset(out), m, k, n, 0, n, k, 1, 0, 0, 1];
  runHeapKernelParts(backend, module, 'gemm', [args], 'test');
  const result = Array.from(out.dataSync());
  out.dispose();
  return result;
}

describe('wasm/gemm.c built with relaxed SIMD (fused multiply-add)', () => {
  beforeAll(async () => {
    await selectBackend({ name: 'wasm', log: () => {} });
  });
  afterAll(async () => {
    await selectBackend({ name: 'cpu', log: () => {} });
  });

  // The default is decided on first use and then kept. Under BAYESRNN_BACKEND=wasm on Node 20
  // the setup file selected wasm (which reads it) before this file set the flag, so there the
  // default is off, as in any Node 20 process started without the flag.
  const decidedBeforeTheFlag =
    process.env.BAYESRNN_BACKEND === 'wasm' && Number(process.versions.node.split('.')[0]) < 22;

  it('is available once the flag is set (Node 22 and later without it)', () => {
    expect(relaxedSimdAvailable()).toBe(true);
  });

  it.skipIf(decidedBeforeTheFlag)('is what products use by default then', () => {
    expect(wasmGemmSettings().fusedMultiplyAdd).toBe(true);
  });

  it('rounds each term once: (1 + 2⁻¹²)² − (1 + 2⁻¹¹) is 2⁻²⁴ fused, 0 unfused', () => {
    // The first term leaves −(1 + 2⁻¹¹) in the accumulator; the second adds (1 + 2⁻¹²)² =
    // 1 + 2⁻¹¹ + 2⁻²⁴, whose last bit a float32 product rounds away (a tie, to even). Eight
    // columns: one register panel, the vector path. Assumes a CPU with FMA (x86-64 with FMA3,
    // every ARM64), where the engine fuses relaxed_madd.
    const before = tf.memory().numTensors;
    const a = tf.tensor2d([1, 1 + 2 ** -12], [1, 2]);
    const b = tf.tensor2d(
      [...new Array(8).fill(-(1 + 2 ** -11)), ...new Array(8).fill(1 + 2 ** -12)],
      [2, 8],
    );
    expect(productBy(GEMM_MODULE_FMA, a, b, [1, 2, 8])).toEqual(new Array(8).fill(2 ** -24));
    expect(productBy(GEMM_MODULE, a, b, [1, 2, 8])).toEqual(new Array(8).fill(0));
    tf.dispose([a, b]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('differs from the plain build only in the last bits of a large product', () => {
    const before = tf.memory().numTensors;
    const shape: [number, number, number] = [64, 300, 203];
    const a = tf.tensor2d(values(64 * 300, 3), [64, 300]);
    const b = tf.tensor2d(values(300 * 203, 5), [300, 203]);
    const fused = productBy(GEMM_MODULE_FMA, a, b, shape);
    const plain = productBy(GEMM_MODULE, a, b, shape);
    const differing = fused.filter((value, index) => value !== plain[index]).length;
    expect(differing).toBeGreaterThan(0);
    const largest = Math.max(...plain.map(Math.abs));
    const worst = Math.max(...fused.map((value, index) => Math.abs(value - (plain[index] ?? 0))));
    expect(worst / largest).toBeLessThan(1e-5);
    tf.dispose([a, b]);
    expect(tf.memory().numTensors).toBe(before);
  });

  itMultipliesWithinFloat32Bound();
  itGivesTheSameBitsOverColumnSplits();
  itAddsABiasAsAProductThenAnAdd();

  it('can be switched on, off and on again', () => {
    const original = configureWasmGemm({ fusedMultiplyAdd: true });
    const previous = configureWasmGemm({ fusedMultiplyAdd: false });
    expect(previous.fusedMultiplyAdd).toBe(true);
    expect(wasmGemmSettings().fusedMultiplyAdd).toBe(false);
    configureWasmGemm(previous);
    expect(wasmGemmSettings().fusedMultiplyAdd).toBe(true);
    configureWasmGemm(original);
  });
});
