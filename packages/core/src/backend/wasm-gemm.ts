import type { TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { GEMM_WASM_PLAIN, GEMM_WASM_SHARED } from './gemm-wasm.generated.js';
import type { WasmKernelModule } from './wasm-heap.js';
import { wasmHeapOffset } from './wasm-heap.js';
import { heapKernelParallelism, runHeapKernelParts } from './wasm-heap-run.js';
import type { WasmBackend } from './wasm-kernel-utils.js';

/** `wasm/gemm.c`: a SIMD matrix product that reads its operands in place (no packing). */
export const GEMM_MODULE: WasmKernelModule = Object.freeze({
  plain: GEMM_WASM_PLAIN,
  shared: GEMM_WASM_SHARED,
});

/** Columns per panel of the kernel's register block: parts split on multiples of it. */
const PANEL = 8;

/**
 * Multiply-adds per thread below which a product stays on one thread, by default: waking a
 * helper cost about 50 µs on the machine that set it (an AMD EPYC), the time of roughly 700k
 * multiply-adds there.
 */
const DEFAULT_MIN_WORK_PER_THREAD = 1 << 20;

/** How {@link wasmGemm} splits a product over threads (see {@link configureWasmGemm}). */
export interface WasmGemmOptions {
  /**
   * Multiply-adds each thread must get before a product is split over the heap's helper
   * threads (default 2^20 = 1,048,576). Machine-dependent: 2^23 keeps the LSTM's per-step
   * products ([20, 200] × [200, 800]: 3.2M) on one thread, which made those products alone
   * 10–30% faster on a 2-core Intel VM but left the training step as it was (docs/results.md).
   * `node bench/dist/experiments/gemm-split.js` measures both on your machine.
   */
  readonly minWorkPerThread?: number;
}

let minWorkPerThread = DEFAULT_MIN_WORK_PER_THREAD;

/**
 * Sets how the wasm backend's matrix product splits work over threads, for every later
 * product; an option left out keeps its current value. Returns the settings that applied
 * before, so a caller can restore them.
 *
 * @throws RangeError naming the option when `minWorkPerThread` is not a positive integer.
 */
export function configureWasmGemm(options: WasmGemmOptions): Required<WasmGemmOptions> {
  const previous = { minWorkPerThread };
  const next = options.minWorkPerThread ?? minWorkPerThread;
  if (!Number.isSafeInteger(next) || next < 1) {
    throw new RangeError(
      `configureWasmGemm: minWorkPerThread must be a positive integer, got ${options.minWorkPerThread}`,
    );
  }
  minWorkPerThread = next;
  return previous;
}

/** Sizes of a product `C[e] = op(A[e]) · B[e]` over `batch` entries. */
export interface GemmShape {
  readonly batch: number;
  readonly rows: number;
  readonly inner: number;
  readonly columns: number;
}

/**
 * `op(a) · b` by `wasm/gemm.c`: `a` is `[...outer, rows, inner]`, or `[...outer, inner, rows]`
 * read transposed when `transposeA`; `b` is `[...outer, inner, columns]` (untransposed). Either
 * operand's outer dimensions may be absent or all 1 (shared by every entry of the other);
 * otherwise both are the same ({@link gemmAccepts}). Returns a new float32 tensor
 * `[...outer, rows, columns]`. The columns are split over the heap's helper threads.
 */
export function wasmGemm(
  wasm: WasmBackend,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  where: string,
): TensorInfo {
  const [aFirst = 1, aSecond = 1] = a.shape.slice(-2);
  const [inner = 1, columns = 1] = b.shape.slice(-2);
  const aBatch = tf.util.sizeFromShape(a.shape.slice(0, -2));
  const bBatch = tf.util.sizeFromShape(b.shape.slice(0, -2));
  const rows = transposeA ? aSecond : aFirst;
  const batch = Math.max(aBatch, bBatch);
  const outer = (aBatch >= bBatch ? a : b).shape.slice(0, -2);
  const out = wasm.makeOutput([...outer, rows, columns], 'float32');
  if (batch * rows * columns === 0) return out;
  const pointers = [a, b, out].map((x) => wasmHeapOffset(wasm, x.dataId, where));
  const layout = transposeA ? [1, rows] : [inner, 1];
  const strides = [aBatch === 1 ? 0 : rows * inner, bBatch === 1 ? 0 : inner * columns];
  const parts = columnParts({ batch, rows, inner, columns }, heapKernelParallelism(wasm, where));
  runHeapKernelParts(
    wasm,
    GEMM_MODULE,
    'gemm',
    parts.map(([begin, end]) => [
      ...pointers,
      rows,
      inner,
      columns,
      begin,
      end,
      ...layout,
      ...strides,
      batch,
    ]),
    where,
  );
  return out;
}

/**
 * Column ranges `[begin, end)` for up to `threads` threads, split on panel boundaries, each with
 * at least `minWorkPerThread` multiply-adds ({@link configureWasmGemm}; one range for a small
 * product).
 */
export function columnParts(shape: GemmShape, threads: number): [number, number][] {
  const { batch, rows, inner, columns } = shape;
  const work = batch * rows * inner * columns;
  const panels = Math.ceil(columns / PANEL);
  const count = Math.max(1, Math.min(threads, panels, Math.floor(work / minWorkPerThread)));
  const perPart = Math.ceil(panels / count) * PANEL;
  const parts: [number, number][] = [];
  for (let begin = 0; begin < columns; begin += perPart) {
    parts.push([begin, Math.min(columns, begin + perPart)]);
  }
  return parts;
}

/**
 * Whether {@link wasmGemm} takes `a · b`: float32 operands of rank 2 or more whose outer
 * dimensions are equal, or all 1 on one side.
 */
export function gemmAccepts(a: TensorInfo, b: TensorInfo): boolean {
  if (a.dtype !== 'float32' || b.dtype !== 'float32') return false;
  if (a.shape.length < 2 || b.shape.length < 2) return false;
  const aOuter = a.shape.slice(0, -2);
  const bOuter = b.shape.slice(0, -2);
  const shared = (outer: number[]) => tf.util.sizeFromShape(outer) === 1;
  return shared(aOuter) || shared(bOuter) || tf.util.arraysEqual(aOuter, bOuter);
}
