import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import type { DataType, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';

/** What a view needs of the backend: registering and forgetting tensors without allocating. */
export type HeapViewBackend = Pick<BackendWasm, 'makeOutput' | 'dataIdMap' | 'wasm'>;

/** Bytes per element of the dtypes a wasm tensor stores as plain numbers. */
const BYTES: Partial<Record<DataType, number>> = { float32: 4, int32: 4, bool: 1 };

/**
 * A tensor over a contiguous part of `source`'s wasm memory: `shape`'s elements starting at
 * element `elementOffset` of `source`, in row-major order. No copy is made, so a kernel
 * handed the view reads `source`'s data in place; an entry of a batched operand, say.
 *
 * The view must never go to the engine or to `disposeData` (which would `free` a pointer
 * into the middle of `source`'s block): release it with {@link releaseHeapView}, before
 * `source` is disposed. Views are read-only by the same convention as all tensor data.
 */
export function heapView(
  wasm: HeapViewBackend,
  source: TensorInfo,
  elementOffset: number,
  shape: number[],
): TensorInfo {
  const bytes = BYTES[source.dtype];
  const data = wasm.dataIdMap.has(source.dataId) ? wasm.dataIdMap.get(source.dataId) : undefined;
  if (bytes === undefined || data === undefined) {
    throw new Error(`bayesrnn: heapView: no heap view of a ${source.dtype} tensor`);
  }
  const size = tf.util.sizeFromShape(shape);
  const sourceSize = tf.util.sizeFromShape(source.shape);
  if (elementOffset < 0 || elementOffset + size > sourceSize) {
    throw new RangeError(
      `bayesrnn: heapView: elements [${elementOffset}, ${elementOffset + size}) lie outside a tensor of ${sourceSize}`,
    );
  }
  return wasm.makeOutput(shape, source.dtype, data.memoryOffset + elementOffset * bytes);
}

/** Forgets a view from {@link heapView}; the memory it points into stays with its source. */
export function releaseHeapView(wasm: HeapViewBackend, view: TensorInfo): void {
  // `has` first: DataStorage.get of an unknown id asks the engine to move the data.
  if (!wasm.dataIdMap.has(view.dataId)) return;
  wasm.wasm.tfjs.disposeData(wasm.dataIdMap.get(view.dataId).id);
  wasm.dataIdMap.delete(view.dataId);
}
