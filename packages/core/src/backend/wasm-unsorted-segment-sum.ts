import type { BackendValues, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { asWasmBackend, requireInput } from './wasm-kernel-utils.js';

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
 * values). Ids outside `[0, numSegments)` are dropped, as on cpu. A scatter-add over rows in
 * JavaScript: O(numRows · rowSize), small next to the matmuls around it.
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
  const values = wasm.readSync(x.dataId);
  const ids = wasm.readSync(segmentIds.dataId);
  const rowShape = x.shape.slice(1);
  const sums = scatterAddRows(values, ids, numSegments, tf.util.sizeFromShape(rowShape));
  return wasm.makeOutput([numSegments, ...rowShape], x.dtype, undefined, sums);
};

function assertSegmentShapes(x: TensorInfo, segmentIds: TensorInfo): void {
  if (x.dtype !== 'float32' && x.dtype !== 'int32') {
    throw new Error(
      `bayesrnn: UnsortedSegmentSum on wasm supports float32 and int32, not ${x.dtype}`,
    );
  }
  // Segments index the first dimension only; that is what gather's gradient produces.
  if (segmentIds.shape.length !== 1 || segmentIds.shape[0] !== x.shape[0]) {
    throw new Error(
      `bayesrnn: UnsortedSegmentSum on wasm needs segmentIds of shape [${x.shape[0]}] ` +
        `(x's first dimension), got [${segmentIds.shape.join(', ')}]`,
    );
  }
}

/** Sums rows of `values` (row-major, `rowSize` per row) into `numSegments` rows by id. */
function scatterAddRows(
  values: BackendValues,
  ids: BackendValues,
  numSegments: number,
  rowSize: number,
): Float32Array | Int32Array {
  if (!(values instanceof Float32Array || values instanceof Int32Array)) {
    throw new Error('bayesrnn: UnsortedSegmentSum on wasm got non-numeric data');
  }
  if (!(ids instanceof Int32Array)) {
    throw new Error('bayesrnn: UnsortedSegmentSum on wasm needs int32 segmentIds');
  }
  // The input's typed array kind, so float32 sums round as cpu's do and int32 stays int32.
  const sums =
    values instanceof Float32Array
      ? new Float32Array(numSegments * rowSize)
      : new Int32Array(numSegments * rowSize);
  for (let row = 0; row < ids.length; row++) {
    const segment = ids[row] ?? -1;
    if (!(segment >= 0 && segment < numSegments)) continue;
    const from = row * rowSize;
    const to = segment * rowSize;
    for (let column = 0; column < rowSize; column++) {
      sums[to + column] = (sums[to + column] ?? 0) + (values[from + column] ?? 0);
    }
  }
  return sums;
}
