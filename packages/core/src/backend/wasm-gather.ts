import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import {
  callOriginalWasmKernel,
  replaceWasmKernel,
  restoreWasmKernel,
} from './wasm-kernel-replacement.js';
import type { WasmBackendView } from './wasm-slice.js';

/**
 * `GatherV2` that copies each selected slice straight between heap views. tfjs-wasm's took
 * 2.9 ms to look up the 400 rows of a PTB-small window in its 10,000 × 200 embedding (80k
 * numbers): every step of every language model starts with it. This one takes a few
 * microseconds. An index outside `[0, x.shape[axis])` throws, as on `cpu`. Batched gathers
 * (`batchDims > 0`), strings and non-integer indices keep tfjs's kernel.
 */
const wasmGather: KernelFunc = (args) => {
  const x = args.inputs.x as TensorInfo;
  const indices = args.inputs.indices as TensorInfo;
  const attrs = args.attrs as { axis?: number; batchDims?: number } | undefined;
  if ((attrs?.batchDims ?? 0) !== 0 || x.dtype === 'string' || indices.dtype !== 'int32') {
    return callOriginalWasmKernel(tf.GatherV2, args);
  }
  const backend = args.backend as unknown as WasmBackendView;
  const [axis = 0] = tf.util.parseAxisParam(attrs?.axis ?? 0, x.shape);
  const outer = tf.util.sizeFromShape(x.shape.slice(0, axis));
  const dimension = x.shape[axis] ?? 0;
  const inner = tf.util.sizeFromShape(x.shape.slice(axis + 1));
  const outShape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
  const ids = backend.typedArrayFromHeap(indices);
  // Checked before the output is allocated, so a bad index leaves nothing behind.
  for (const id of ids) {
    if (!(id >= 0 && id < dimension)) {
      throw new Error(`bayesrnn: GatherV2: index ${id} is not in [0, ${dimension - 1}]`);
    }
  }
  const out = backend.makeOutput(outShape, x.dtype);
  if (tf.util.sizeFromShape(outShape) === 0) return out;
  const source = backend.typedArrayFromHeap(x);
  const target = backend.typedArrayFromHeap(out);
  let to = 0;
  for (let o = 0; o < outer; o++) {
    const base = o * dimension * inner;
    for (const id of ids) {
      const from = base + id * inner;
      target.set(source.subarray(from, from + inner), to);
      to += inner;
    }
  }
  return out;
};

/** Replaces tfjs-wasm's `GatherV2` with {@link wasmGather}. Idempotent. */
export function registerWasmGather(): void {
  replaceWasmKernel(tf.GatherV2, wasmGather);
}

/** Puts tfjs-wasm's own `GatherV2` back (for side-by-side comparisons). */
export function unregisterWasmGather(): void {
  restoreWasmKernel(tf.GatherV2);
}
