import type { TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { heapView, releaseHeapView } from './wasm-heap-view.js';
import { disposeIntermediates, type WasmBackend } from './wasm-kernel-utils.js';

/** One untransposed product of rank-3 operands `[1, rows, inner] × [1, inner, columns]`. */
export type SingleMatMul = (a: TensorInfo, b: TensorInfo) => TensorInfo;

/**
 * Below this many multiply-adds per batch entry, a kernel call per entry costs more than
 * wasm's batched path loses (measured: 64 × [1,32]×[32,16] is faster batched; 16 ×
 * [16,32]×[32,32] is 3× faster split).
 */
const MIN_SPLIT_WORK = 4096;

interface BatchDims {
  readonly aBatch: number;
  readonly bBatch: number;
  readonly rows: number;
  readonly inner: number;
  readonly columns: number;
  readonly outShape: number[];
}

/**
 * Computes the untransposed product `a: [...aOuter, rows, inner] × b: [...bOuter, inner,
 * columns]` as batch-1 products, the only case wasm runs on its fast (XNNPACK) path; batched
 * products take a path ~10× slower ([4,100,200]×[4,200,800]: 34 ms vs 3.3 ms).
 *
 * - `b` unbatched (shared weights): `a`'s batch folds into its rows, one product.
 * - both batched alike (or `a` unbatched): one product per batch entry, copied into place,
 *   when each has at least {@link MIN_SPLIT_WORK} multiply-adds or `alwaysSplit` is set.
 *
 * Returns `undefined` when neither applies; the caller then runs the batched kernel.
 * Output shape `[...broadcast(aOuter, bOuter), rows, columns]`, float32.
 */
export function runAsBatchOneMatMuls(
  wasm: WasmBackend,
  a: TensorInfo,
  b: TensorInfo,
  single: SingleMatMul,
  alwaysSplit: boolean,
): TensorInfo | undefined {
  const dims = batchDims(a, b);
  if (dims.bBatch === 1) {
    const folded = single(
      { ...a, shape: [1, dims.aBatch * dims.rows, dims.inner] },
      { ...b, shape: [1, dims.inner, dims.columns] },
    );
    return { ...folded, shape: dims.outShape };
  }
  if (dims.aBatch !== 1 && dims.aBatch !== dims.bBatch) return undefined;
  if (!alwaysSplit && dims.rows * dims.inner * dims.columns < MIN_SPLIT_WORK) return undefined;
  return splitBatches(wasm, a, b, dims, single);
}

function batchDims(a: TensorInfo, b: TensorInfo): BatchDims {
  const aOuter = a.shape.slice(0, -2);
  const bOuter = b.shape.slice(0, -2);
  const rows = a.shape.at(-2) ?? 1;
  const columns = b.shape.at(-1) ?? 1;
  return {
    aBatch: tf.util.sizeFromShape(aOuter),
    bBatch: tf.util.sizeFromShape(bOuter),
    rows,
    inner: a.shape.at(-1) ?? 1,
    columns,
    outShape: [...tf.broadcast_util.assertAndGetBroadcastShape(aOuter, bOuter), rows, columns],
  };
}

/**
 * One product per batch entry of `b` (and of `a`, unless `a` is shared), written in place.
 * The entries are heap views of the operands, not copies: copying them out through
 * `readSync` and back cost 3× the products themselves ([4,20,200]×[4,200,200]: 1.0 ms
 * against 0.3 ms for four plain calls).
 */
function splitBatches(
  wasm: WasmBackend,
  a: TensorInfo,
  b: TensorInfo,
  dims: BatchDims,
  single: SingleMatMul,
): TensorInfo {
  const { aBatch, bBatch, rows, inner, columns } = dims;
  const out = wasm.makeOutput(dims.outShape, 'float32');
  try {
    for (let entry = 0; entry < bBatch; entry++) {
      const views: TensorInfo[] = [];
      const view = (x: TensorInfo, shape: number[]) => {
        const made = heapView(wasm, x, entry * tf.util.sizeFromShape(shape), shape);
        views.push(made);
        return made;
      };
      try {
        const aShape = [1, rows, inner];
        const aEntry = aBatch === 1 ? { ...a, shape: aShape } : view(a, aShape);
        const product = single(aEntry, view(b, [1, inner, columns]));
        // Views are taken after the kernel ran: a heap growth would detach older ones.
        wasm.typedArrayFromHeap(out).set(wasm.typedArrayFromHeap(product), entry * rows * columns);
        disposeIntermediates(wasm, [product]);
      } finally {
        for (const made of views) releaseHeapView(wasm, made);
      }
    }
    return out;
  } catch (error) {
    wasm.disposeData(out.dataId);
    throw error;
  }
}
