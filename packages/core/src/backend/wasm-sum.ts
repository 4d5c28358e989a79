import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { SUM_WASM_PLAIN, SUM_WASM_SHARED } from './sum-wasm.generated.js';
import type { WasmKernelModule } from './wasm-heap.js';
import { isWasmHeapBackend, wasmHeapOffset } from './wasm-heap.js';
import { runHeapKernelParts } from './wasm-heap-run.js';
import {
  callOriginalWasmKernel,
  replaceWasmKernel,
  restoreWasmKernel,
} from './wasm-kernel-replacement.js';
import { asWasmBackend } from './wasm-kernel-utils.js';
import { heapKernelThreads, splitRange } from './wasm-parts.js';

/** `wasm/sum.c`: SIMD sums over the rows or the columns of a row-major matrix. */
export const SUM_MODULE: WasmKernelModule = Object.freeze({
  plain: SUM_WASM_PLAIN,
  shared: SUM_WASM_SHARED,
});

/**
 * A float32 sum seen as `outer` row-major `[rows, columns]` matrices one after another: over
 * its trailing axes it sums each row (`'rows'`, outer 1), over its leading axes each column
 * (`'columns'`, outer 1), over a run of middle axes each column of each matrix (`'columns'`:
 * the gradient of a bias broadcast along a middle axis, `[4, 400, 200]` summed over axis 1).
 */
export interface SumPlan {
  readonly reduce: 'rows' | 'columns';
  readonly outer: number;
  readonly rows: number;
  readonly columns: number;
  /** The output's shape, with `keepDims`' ones where asked. */
  readonly outShape: number[];
}

/**
 * How {@link wasmSum} sums `axis` of `shape`: `undefined` when the reduced axes are not one run
 * of neighbours (or none, or the input is empty), which tfjs's own kernel keeps.
 */
export function sumPlan(
  shape: readonly number[],
  axis: number | number[] | null | undefined,
  keepDims: boolean,
): SumPlan | undefined {
  const axes = [...new Set(tf.util.parseAxisParam(axis ?? [...shape.keys()], [...shape]))].sort(
    (a, b) => a - b,
  );
  const rank = shape.length;
  const size = tf.util.sizeFromShape([...shape]);
  if (axes.length === 0 || size === 0) return undefined;
  const first = axes[0] ?? 0;
  if (!axes.every((a, i) => a === first + i)) return undefined;
  const outShape = keepDims
    ? shape.map((d, i) => (axes.includes(i) ? 1 : d))
    : shape.filter((_, i) => !axes.includes(i));
  const end = first + axes.length;
  // A sum over trailing axes (every axis included: one row of everything) goes by rows.
  if (end === rank) {
    const rows = tf.util.sizeFromShape(shape.slice(0, first));
    return { reduce: 'rows', outer: 1, rows, columns: size / rows, outShape };
  }
  const outer = tf.util.sizeFromShape(shape.slice(0, first));
  const rows = tf.util.sizeFromShape(shape.slice(first, end));
  return { reduce: 'columns', outer, rows, columns: size / (outer * rows), outShape };
}

/**
 * `Sum` on wasm by `wasm/sum.c` for float32 sums over trailing, leading or a run of middle axes
 * (every sum a training step takes: softmax denominators, bias gradients, squared norms), split
 * over the heap's helper threads when large; tfjs's own kernel for everything else.
 */
const wasmSum: KernelFunc = (args) => {
  const x = args.inputs.x as TensorInfo;
  const attrs = args.attrs as { axis?: number | number[]; keepDims?: boolean } | undefined;
  const plan =
    x.dtype === 'float32' ? sumPlan(x.shape, attrs?.axis, attrs?.keepDims === true) : undefined;
  if (plan === undefined) return callOriginalWasmKernel(tf.Sum, args);
  const where = 'Sum';
  const wasm = asWasmBackend(args.backend, where);
  const out = wasm.makeOutput(plan.outShape, 'float32');
  const xAt = wasmHeapOffset(wasm, x.dataId, where);
  const outAt = wasmHeapOffset(wasm, out.dataId, where);
  const { outer, rows, columns } = plan;
  const threads = heapKernelThreads(wasm, outer * rows * columns, where);
  if (plan.reduce === 'columns') {
    // Parts are column ranges; each sums its columns of every one of the outer matrices.
    const parts = splitRange(columns, threads, 4).map(([b, e]) => [
      xAt,
      outAt,
      outer,
      rows,
      columns,
      b,
      e,
    ]);
    runHeapKernelParts(wasm, SUM_MODULE, 'sum_columns', parts, where);
  } else if (rows === 1) {
    // One sum: the parts return theirs, added here in float64.
    const parts = splitRange(columns, threads, 4).map(([b, e]) => [xAt + 4 * b, e - b]);
    const total = runHeapKernelParts(wasm, SUM_MODULE, 'sum_span', parts, where);
    wasm.typedArrayFromHeap(out).set([total]);
  } else {
    const parts = splitRange(rows, threads, 1).map(([b, e]) => [xAt, outAt, columns, b, e]);
    runHeapKernelParts(wasm, SUM_MODULE, 'sum_rows', parts, where);
  }
  return out;
};

/**
 * `Σ x²` of a float32 tensor on the wasm heap in one pass (`sum_squares` in `wasm/sum.c`; Square
 * then Sum were two passes and a tensor), split over the helper threads when large and added in
 * float64: the squared norms of gradient clipping. `undefined` on other backends or dtypes.
 */
export function wasmSumOfSquares(x: tf.Tensor): number | undefined {
  const backend = tf.backend();
  if (!isWasmHeapBackend(backend) || x.dtype !== 'float32') return undefined;
  if (x.size === 0) return 0;
  const where = 'sumOfSquares';
  const at = wasmHeapOffset(backend, x.dataId, where);
  const parts = splitRange(x.size, heapKernelThreads(backend, x.size, where), 4).map(([b, e]) => [
    at + 4 * b,
    e - b,
  ]);
  return runHeapKernelParts(backend, SUM_MODULE, 'sum_squares', parts, where);
}

/** Replaces tfjs-wasm's `Sum` with {@link wasmSum}. Idempotent. */
export function registerWasmSum(): void {
  replaceWasmKernel(tf.Sum, wasmSum);
}

/** Puts tfjs-wasm's own `Sum` back (for side-by-side comparisons). */
export function unregisterWasmSum(): void {
  restoreWasmKernel(tf.Sum);
}
