import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { SEGMENT_SUM_WASM_PLAIN, SEGMENT_SUM_WASM_SHARED } from './segment-sum-wasm.generated.js';
import { type WasmKernelModule, wasmHeapOffset } from './wasm-heap.js';
import { runHeapKernelParts } from './wasm-heap-run.js';
import { asWasmBackend, requireInput, type WasmBackend } from './wasm-kernel-utils.js';
import { heapKernelThreads, splitRange } from './wasm-parts.js';

/** `wasm/segment-sum.c`, both memory flavours. */
const SEGMENT_SUM_MODULE: WasmKernelModule = {
  plain: SEGMENT_SUM_WASM_PLAIN,
  shared: SEGMENT_SUM_WASM_SHARED,
};

/**
 * Registers an `UnsortedSegmentSum` kernel for the `wasm` backend, which has none.
 *
 * The gradient of `gather` (every embedding lookup) is an unsorted segment sum, so without
 * this kernel training any model with an embedding fails on wasm. Idempotent, and a no-op if
 * a future tfjs-backend-wasm ships its own kernel.
 */
export function registerWasmUnsortedSegmentSum(): void {
  if (tf.getKernel(tf.UnsortedSegmentSum, 'wasm') !== undefined) return;
  tf.registerKernel({
    kernelName: tf.UnsortedSegmentSum,
    backendName: 'wasm',
    kernelFunc: unsortedSegmentSumWasm,
  });
}

/**
 * `out[s, ...] = Σ_{r : segmentIds[r] = s} x[r, ...]` for `x: [numRows, ...rowShape]`,
 * `segmentIds: [numRows]` int32, giving `[numSegments, ...rowShape]` of x's dtype (as in TF
 * and the webgl kernel; tfjs's cpu kernel alone returns float32 for int32 x, with equal
 * values). Ids outside `[0, numSegments)` are dropped, as on cpu. float32 (every embedding's
 * gradient) runs `wasm/segment-sum.c` in the output's heap memory, its segments split over the
 * helper threads: 0.12 ms a call for PTB-small's embedding. The JavaScript scatter-add it
 * replaces filled an array the size of the output (8 MB) and copied it in: 1.37 ms, and up to
 * 8.8 ms when the garbage collector ran (docs/results.md). int32 keeps a JavaScript
 * scatter-add over the heap views.
 */
const unsortedSegmentSumWasm: KernelFunc = ({ inputs, backend, attrs }) => {
  const kernelName = tf.UnsortedSegmentSum;
  const wasm = asWasmBackend(backend, kernelName);
  const x = requireInput(inputs, 'x', kernelName);
  const segmentIds = requireInput(inputs, 'segmentIds', kernelName);
  const numSegments = attrs?.numSegments;
  if (typeof numSegments !== 'number' || !Number.isInteger(numSegments) || numSegments < 0) {
    throw new Error(`bayesrnn: ${kernelName} needs a non-negative integer numSegments`);
  }
  assertSegmentShapes(x, segmentIds);
  const rowShape = x.shape.slice(1);
  const rowSize = tf.util.sizeFromShape(rowShape);
  const out = wasm.makeOutput([numSegments, ...rowShape], x.dtype, undefined);
  if (numSegments === 0 || rowSize === 0) return out;
  if (x.dtype === 'float32') {
    segmentSumInHeap(wasm, x, segmentIds, out, rowSize, numSegments);
  } else {
    const sums = wasm.typedArrayFromHeap(out);
    sums.fill(0);
    if (x.shape[0] !== 0) {
      const ids = wasm.typedArrayFromHeap(segmentIds);
      scatterAddRows(wasm.typedArrayFromHeap(x), ids, sums, rowSize);
    }
  }
  return out;
};

/** The float32 sum by `segment_sum_rows`, the output's segments split over the threads. */
function segmentSumInHeap(
  wasm: WasmBackend,
  x: TensorInfo,
  segmentIds: TensorInfo,
  out: TensorInfo,
  rowSize: number,
  numSegments: number,
): void {
  const where = tf.UnsortedSegmentSum;
  const rows = x.shape[0] ?? 0;
  const at = (info: TensorInfo) => (rows === 0 ? 0 : wasmHeapOffset(wasm, info.dataId, where));
  const [xAt, idsAt, outAt] = [at(x), at(segmentIds), wasmHeapOffset(wasm, out.dataId, where)];
  const threads = heapKernelThreads(wasm, numSegments * rowSize, where);
  const parts = splitRange(numSegments, threads, 1).map(([first, end]) => [
    xAt,
    idsAt,
    outAt,
    rows,
    rowSize,
    first,
    end,
  ]);
  runHeapKernelParts(wasm, SEGMENT_SUM_MODULE, 'segment_sum_rows', parts, where);
}

function assertSegmentShapes(x: TensorInfo, segmentIds: TensorInfo): void {
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new Error(
      `bayesrnn: UnsortedSegmentSum on wasm supports float32 and int32, not ${x.dtype}`,
    );
  }
  if (segmentIds.dtype !== 'int32') {
    throw new Error('bayesrnn: UnsortedSegmentSum on wasm needs int32 segmentIds');
  }
  if (segmentIds.shape.length !== 1 || segmentIds.shape[0] !== x.shape[0]) {
    throw new Error(
      `bayesrnn: UnsortedSegmentSum on wasm needs segmentIds of shape [${x.shape[0]}] ` +
        `(x's first dimension), got [${segmentIds.shape.join(', ')}]`,
    );
  }
}

/** Adds each row of `values` (row-major, `rowSize` per row) into row `ids[row]` of `sums`. */
function scatterAddRows(
  values: ArrayLike<number>,
  ids: ArrayLike<number>,
  sums: { [index: number]: number; length: number },
  rowSize: number,
): void {
  const numSegments = sums.length / rowSize;
  for (let row = 0; row < ids.length; row++) {
    const segment = ids[row] ?? -1;
    if (!(segment >= 0 && segment < numSegments)) continue;
    const from = row * rowSize;
    const to = segment * rowSize;
    for (let column = 0; column < rowSize; column++) {
      sums[to + column] = (sums[to + column] ?? 0) + (values[from + column] ?? 0);
    }
  }
}
