import type { TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { activeGemmModule, gemmMinWorkPerThread } from './wasm-gemm-settings.js';
import { wasmHeapOffset } from './wasm-heap.js';
import { heapKernelParallelism, runHeapKernelParts } from './wasm-heap-run.js';
import type { WasmBackend } from './wasm-kernel-utils.js';

/** Columns per panel of the kernel's register block: parts split on multiples of it. */
const PANEL = 8;

/** Sizes of a product `C[e] = op(A[e]) · B[e]` over `batch` entries. */
export interface GemmShape {
  readonly batch: number;
  readonly rows: number;
  readonly inner: number;
  readonly columns: number;
}

/**
 * `op(a) · b` by `wasm/gemm.c` (its relaxed-SIMD build when `wasmGemmSettings()` says so):
 * `a` is `[...outer, rows, inner]`, or `[...outer, inner, rows]` read transposed when
 * `transposeA`; `b` is `[...outer, inner, columns]` (untransposed). Either
 * operand's outer dimensions may be absent or all 1 (shared by every entry of the other);
 * otherwise both are the same ({@link gemmAccepts}). `bias`, a float32 `[columns]`, is added to
 * every row of the finished product (bit for bit a product then an add). Returns a new float32
 * tensor `[...outer, rows, columns]`. The columns are split over the heap's helper threads.
 */
export function wasmGemm(
  wasm: WasmBackend,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  where: string,
  bias?: TensorInfo,
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
  const biasArguments = bias === undefined ? [0, 0] : [wasmHeapOffset(wasm, bias.dataId, where), 1];
  const layout = transposeA ? [1, rows] : [inner, 1];
  const strides = [aBatch === 1 ? 0 : rows * inner, bBatch === 1 ? 0 : inner * columns];
  const parts = columnParts({ batch, rows, inner, columns }, heapKernelParallelism(wasm, where));
  runHeapKernelParts(
    wasm,
    activeGemmModule(),
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
      ...biasArguments,
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
  const count = Math.max(1, Math.min(threads, panels, Math.floor(work / gemmMinWorkPerThread())));
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
