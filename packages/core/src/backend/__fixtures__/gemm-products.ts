import * as tf from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { activeGemmModule } from '../wasm-gemm-settings.js';
import { wasmHeapOffset } from '../wasm-heap.js';
import { runHeapKernelParts } from '../wasm-heap-run.js';
import type { MatMulProduct } from './matmul-product.js';

/**
 * Test-only: the products that check wasm/gemm.c against float64, registered by
 * wasm-gemm.test.ts for the build the engine picks by default and by wasm-gemm-fma.test.ts for
 * the relaxed-SIMD (fused multiply-add) build.
 */

/** float32 unit roundoff. */
const EPSILON = 2 ** -24;

type Case = MatMulProduct;

/**
 * Every branch of wasm/gemm.c: row blocks of 4 with 1–3 left over, panels of 8 columns with a
 * scalar tail, the inner dimension over several blocks of 256 (C accumulated across them),
 * products split over threads, batches with either operand shared.
 */
export const GEMM_CASES: Case[] = [
  { name: '1×1×1', aOuter: [], bOuter: [], m: 1, k: 1, n: 1 },
  {
    name: '5×3×4 (a tail of 1 row, only scalar columns)',
    aOuter: [],
    bOuter: [],
    m: 5,
    k: 3,
    n: 4,
  },
  {
    name: '7×300×19 (two inner blocks, 3 tail rows/cols)',
    aOuter: [],
    bOuter: [],
    m: 7,
    k: 300,
    n: 19,
  },
  { name: '33×513×70 (three inner blocks)', aOuter: [], bOuter: [], m: 33, k: 513, n: 70 },
  { name: '64×300×203 (split over threads)', aOuter: [], bOuter: [], m: 64, k: 300, n: 203 },
  { name: '[3]: 6×20×17 batched', aOuter: [3], bOuter: [3], m: 6, k: 20, n: 17 },
  { name: '[2,2]: 5×9×16 (rank 4)', aOuter: [2, 2], bOuter: [2, 2], m: 5, k: 9, n: 16 },
  { name: 'shared a: [1] × [4]', aOuter: [1], bOuter: [4], m: 10, k: 12, n: 24 },
  {
    name: 'shared b: [4] × [] (split over threads)',
    aOuter: [4],
    bOuter: [],
    m: 40,
    k: 200,
    n: 160,
  },
];

/** Deterministic values in [−1, 1) (a small LCG: no tfjs op involved). */
export function values(size: number, seed: number): Float32Array {
  let state = seed >>> 0;
  return Float32Array.from({ length: size }, () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 31 - 1;
  });
}

/** op(A)·B per batch entry in float64, and Σ|terms| per element for the error bound. */
function reference(c: Case, a: Float32Array, b: Float32Array, transposeA: boolean) {
  const batch = Math.max(sizeOf(c.aOuter), sizeOf(c.bOuter));
  const { m, k, n } = c;
  const exact = new Float64Array(batch * m * n);
  const magnitude = new Float64Array(batch * m * n);
  const aStride = sizeOf(c.aOuter) === 1 ? 0 : m * k;
  const bStride = sizeOf(c.bOuter) === 1 ? 0 : k * n;
  for (let e = 0; e < batch; e++)
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let sum = 0;
        let size = 0;
        for (let p = 0; p < k; p++) {
          const aip = a[e * aStride + (transposeA ? p * m + i : i * k + p)] ?? 0;
          const term = aip * (b[e * bStride + p * n + j] ?? 0);
          sum += term;
          size += Math.abs(term);
        }
        exact[(e * m + i) * n + j] = sum;
        magnitude[(e * m + i) * n + j] = size;
      }
  return { exact, magnitude };
}

function sizeOf(shape: number[]): number {
  return shape.reduce((product, d) => product * d, 1);
}

/** For every case, A as stored and transposed: `tf.matMul` within float32's summation bound. */
export function itMultipliesWithinFloat32Bound(): void {
  for (const c of GEMM_CASES) {
    for (const transposeA of [false, true]) {
      it(`${c.name}${transposeA ? ', A transposed' : ''}: within float32's summation bound of float64`, () => {
        const before = tf.memory().numTensors;
        const aShape = [...c.aOuter, ...(transposeA ? [c.k, c.m] : [c.m, c.k])];
        const bShape = [...c.bOuter, c.k, c.n];
        const aValues = values(sizeOf(aShape), 7);
        const bValues = values(sizeOf(bShape), 11);
        const { exact, magnitude } = reference(c, aValues, bValues, transposeA);
        const product = tf.tidy(() =>
          tf.matMul(tf.tensor(aValues, aShape), tf.tensor(bValues, bShape), transposeA, false),
        );
        const outer = sizeOf(c.aOuter) >= sizeOf(c.bOuter) ? c.aOuter : c.bOuter;
        expect(product.shape).toEqual([...outer, c.m, c.n]);
        const got = product.dataSync();
        product.dispose();
        got.forEach((value, index) => {
          // Any order of k float32 additions: |error| ≤ k·ε·Σ|terms| (+ the products' rounding).
          const bound = (c.k + 1) * EPSILON * (magnitude[index] ?? 0) + 1e-30;
          expect(Math.abs(value - (exact[index] ?? 0))).toBeLessThanOrEqual(bound);
        });
        expect(tf.memory().numTensors).toBe(before);
      });
    }
  }
}

/** The active gemm build gives the same bits whichever panel-aligned column ranges run it. */
export function itGivesTheSameBitsOverColumnSplits(): void {
  it('gives the same bits over any panel-aligned column split as in one call', () => {
    const before = tf.memory().numTensors;
    const gemmModule = activeGemmModule();
    const [m, k, n] = [64, 300, 203];
    const a = tf.tensor2d(values(m * k, 3), [m, k]);
    const b = tf.tensor2d(values(k * n, 5), [k, n]);
    const whole = tf.zeros([m, n]);
    const split = tf.zeros([m, n]);
    const backend = tf.backend();
    const offset = (t: tf.Tensor) => wasmHeapOffset(backend, t.dataId, 'test');
    const args = (out: tf.Tensor, [begin, end]: [number, number]) => [
      offset(a),
      offset(b),
      offset(out),
      m,
      k,
      n,
      begin,
      end,
      k,
      1,
      0,
      0,
      1,
    ];
    runHeapKernelParts(backend, gemmModule, 'gemm', [args(whole, [0, n])], 'test');
    // Uneven parts, on the helper threads when there are any: the panel grid stays the same.
    const parts: [number, number][] = [
      [0, 8],
      [8, 104],
      [104, 203],
    ];
    runHeapKernelParts(
      backend,
      gemmModule,
      'gemm',
      parts.map((p) => args(split, p)),
      'test',
    );
    expect(Array.from(split.dataSync())).toEqual(Array.from(whole.dataSync()));
    // And tf.matMul, split by columnParts, gives the same bits.
    const product = tf.matMul(a, b);
    expect(Array.from(product.dataSync())).toEqual(Array.from(whole.dataSync()));
    tf.dispose([a, b, whole, split, product]);
    expect(tf.memory().numTensors).toBe(before);
  });
}

/**
 * For every case, A as stored and transposed: `tf.fused.matMul` with a `[n]` bias gives the
 * bits of `tf.add(tf.matMul(a, b), bias)` (the gemm adds the bias to the finished sum).
 */
export function itAddsABiasAsAProductThenAnAdd(): void {
  const cases = GEMM_CASES.flatMap((c) => [false, true].map((t) => [c.name, c, t] as const));
  it.each(cases)(
    '%s, A transposed %s: a fused bias, bit for bit a product then an add',
    (_, c, transposeA) => {
      const before = tf.memory().numTensors;
      const aShape = [...c.aOuter, ...(transposeA ? [c.k, c.m] : [c.m, c.k])];
      const a = tf.tensor(values(sizeOf(aShape), 7), aShape);
      const b = tf.tensor(values(sizeOf([...c.bOuter, c.k, c.n]), 11), [...c.bOuter, c.k, c.n]);
      const bias = tf.tensor1d(values(c.n, 13));
      const fused = tf.fused.matMul({ a, b, bias, transposeA });
      const unfused = tf.tidy(() => tf.add(tf.matMul(a, b, transposeA), bias));
      expect(fused.shape).toEqual(unfused.shape);
      const expected = unfused.dataSync();
      expect(fused.dataSync().findIndex((v, i) => !Object.is(v, expected[i]))).toBe(-1);
      tf.dispose([a, b, bias, fused, unfused]);
      expect(tf.memory().numTensors).toBe(before);
    },
  );
}
