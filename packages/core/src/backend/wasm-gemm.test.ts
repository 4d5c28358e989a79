import { kernelSourceSha256 } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  itAddsABiasAsAProductThenAnAdd,
  itGivesTheSameBitsOverColumnSplits,
  itMultipliesWithinFloat32Bound,
} from './__fixtures__/gemm-products.js';
import { GEMM_SOURCE_SHA256 } from './gemm-wasm.generated.js';
import { selectBackend } from './select-backend.js';
import { columnParts } from './wasm-gemm.js';
import { configureWasmGemm, relaxedSimdAvailable, wasmGemmSettings } from './wasm-gemm-settings.js';

describe('wasm/gemm.c as the wasm BatchMatMul', () => {
  beforeAll(async () => {
    await selectBackend({ name: 'wasm', log: () => {} });
  });
  afterAll(async () => {
    await selectBackend({ name: 'cpu', log: () => {} });
  });

  it('was built from the committed source', () => {
    expect(kernelSourceSha256(new URL('../../wasm/gemm.c', import.meta.url))).toBe(
      GEMM_SOURCE_SHA256,
    );
  });

  itMultipliesWithinFloat32Bound();

  it('splits columns on panel boundaries, each part with enough work', () => {
    expect(columnParts({ batch: 1, rows: 20, inner: 200, columns: 800 }, 2)).toEqual([
      [0, 400],
      [400, 800],
    ]);
    expect(columnParts({ batch: 1, rows: 64, inner: 300, columns: 203 }, 2)).toEqual([
      [0, 104],
      [104, 203],
    ]);
    // Too little work for a second thread; a single panel cannot be split.
    expect(columnParts({ batch: 1, rows: 5, inner: 3, columns: 4 }, 2)).toEqual([[0, 4]]);
    expect(columnParts({ batch: 1, rows: 4096, inner: 4096, columns: 8 }, 2)).toEqual([[0, 8]]);
  });

  it('keeps a product on one thread below configureWasmGemm’s work per thread, and restores', () => {
    const step = { batch: 1, rows: 20, inner: 200, columns: 800 }; // 3.2M multiply-adds
    const relaxed = relaxedSimdAvailable();
    const previous = configureWasmGemm({ minWorkPerThread: 1 << 23 });
    try {
      expect(previous).toEqual({ minWorkPerThread: 1 << 20, fusedMultiplyAdd: relaxed });
      expect(columnParts(step, 2)).toEqual([[0, 800]]);
      expect(columnParts({ ...step, rows: 400 }, 2)).toHaveLength(2);
      expect(configureWasmGemm({})).toEqual({
        minWorkPerThread: 1 << 23,
        fusedMultiplyAdd: relaxed,
      });
    } finally {
      configureWasmGemm(previous);
    }
    expect(columnParts(step, 2)).toHaveLength(2);
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(() => configureWasmGemm({ minWorkPerThread: bad })).toThrow(
        new RegExp(`minWorkPerThread must be a positive integer, got ${bad}`),
      );
    }
  });

  it('fuses multiply-adds by default exactly where the engine runs relaxed SIMD', () => {
    // Node 20 without --experimental-wasm-relaxed-simd lacks it (wasm-gemm-fma.test.ts turns
    // it on); Node 22 has it, and there the first branch runs.
    const relaxed = relaxedSimdAvailable();
    expect(wasmGemmSettings().fusedMultiplyAdd).toBe(relaxed);
    if (relaxed) {
      const previous = configureWasmGemm({ fusedMultiplyAdd: false });
      expect(configureWasmGemm(previous)).toEqual({ ...previous, fusedMultiplyAdd: false });
    } else {
      expect(() => configureWasmGemm({ fusedMultiplyAdd: true })).toThrow(
        /fusedMultiplyAdd needs WebAssembly relaxed SIMD.*--experimental-wasm-relaxed-simd/,
      );
      expect(wasmGemmSettings().fusedMultiplyAdd).toBe(false);
    }
    expect(() => configureWasmGemm({ fusedMultiplyAdd: 'yes' as unknown as boolean })).toThrow(
      /fusedMultiplyAdd must be true or false, got yes/,
    );
  });

  itGivesTheSameBitsOverColumnSplits();
  itAddsABiasAsAProductThenAnAdd();

  it('adds a [n] bias inside the product: no Add kernel, and the bias alone for an empty inner dimension', () => {
    const before = tf.memory().numTensors;
    const addSpy = vi.spyOn(tf.getKernel(tf.Add, 'wasm') as tf.KernelConfig, 'kernelFunc');
    const bias = tf.tensor1d([1, -2, 0.5, 3, -0]);
    const product = tf.tidy(() =>
      tf.fused.matMul({ a: tf.zeros([3, 0]), b: tf.zeros([0, 5]), bias }),
    );
    const withInner = tf.tidy(() =>
      tf.fused.matMul({ a: tf.ones([2, 3]), b: tf.ones([3, 5]), bias }),
    );
    expect(addSpy).not.toHaveBeenCalled();
    addSpy.mockRestore();
    expect(Array.from(product.dataSync())).toEqual([0, 1, 2].flatMap(() => [1, -2, 0.5, 3, 0]));
    expect(Array.from(withInner.dataSync())).toEqual([0, 1].flatMap(() => [4, 1, 3.5, 6, 3]));
    tf.dispose([bias, product, withInner]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('multiplies an empty inner dimension to zeros', () => {
    const before = tf.memory().numTensors;
    const product = tf.tidy(() => tf.matMul(tf.zeros([3, 0]), tf.zeros([0, 5])));
    expect(Array.from(product.dataSync())).toEqual(new Array(15).fill(0));
    product.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
