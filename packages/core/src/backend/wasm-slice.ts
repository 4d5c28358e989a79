import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import {
  callOriginalWasmKernel,
  replaceWasmKernel,
  restoreWasmKernel,
} from './wasm-kernel-replacement.js';

/**
 * `Slice`, `Unpack` and `SplitV` for tfjs-wasm that copy only what they return. tfjs-wasm's
 * `Slice` starts by reading its whole input back (`readSync` copies the tensor out of the
 * heap), and its `Unpack` and `SplitV` call that `Slice` once per output, so unstacking a
 * `[20, 20, 800]` window of gate pre-activations along time copied the window twenty times:
 * 8.2 ms for 1.3 MB, four times per PTB-small training step (the LSTM's unstack and its
 * stack's gradient). These copy the selected rows straight between heap views. Strings keep
 * tfjs's kernels.
 */

/** A tensor's data as a view of the wasm heap, by dtype. */
export type HeapArray = Float32Array | Int32Array | Uint8Array;

/** What the copying kernels need of the wasm backend. */
export interface WasmBackendView {
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): HeapArray;
}

/**
 * Visits the box `begin .. begin + size` of a row-major array of shape `shape` a contiguous run
 * at a time (trailing axes taken whole merge into one run): `visit(inArray, inBox, run)` gets
 * the run's start in the array and in the box's own row-major order.
 */
export function forEachBoxRun(
  shape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
  visit: (inArray: number, inBox: number, run: number) => void,
): void {
  const rank = shape.length;
  const total = size.reduce((a, b) => a * b, 1);
  if (total === 0) return;
  const strides = [...tf.util.computeStrides([...shape]), 1];
  let source = 0;
  for (let axis = 0; axis < rank; axis++) {
    source += (begin[axis] as number) * (strides[axis] as number);
  }
  // A run is contiguous in the array: the last axis, widened over the axes before it while
  // the axis it has reached is taken whole.
  let runAxis = rank - 1;
  let run = rank === 0 ? 1 : (size[runAxis] as number);
  while (runAxis > 0 && size[runAxis] === shape[runAxis]) {
    runAxis--;
    run *= size[runAxis] as number;
  }
  // An odometer over the axes before the run's.
  const index = new Array<number>(Math.max(runAxis, 0)).fill(0);
  for (let written = 0; written < total; written += run) {
    visit(source, written, run);
    for (let axis = runAxis - 1; axis >= 0; axis--) {
      const next = (index[axis] as number) + 1;
      source += strides[axis] as number;
      if (next < (size[axis] as number)) {
        index[axis] = next;
        break;
      }
      source -= next * (strides[axis] as number);
      index[axis] = 0;
    }
  }
}

/** Copies the box `begin .. begin + size` of the row-major array `x` (shape `shape`) into `out`. */
export function copyBox(
  x: HeapArray,
  shape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
  out: HeapArray,
): void {
  forEachBoxRun(shape, begin, size, (inArray, inBox, run) => {
    out.set(x.subarray(inArray, inArray + run), inBox);
  });
}

const fastSlice: KernelFunc = (args) => {
  const x = args.inputs.x as TensorInfo;
  if (x.dtype === 'string') return callOriginalWasmKernel(tf.Slice, args);
  const backend = args.backend as unknown as WasmBackendView;
  const [begin, size] = tf.slice_util.parseSliceParams(
    x as tf.Tensor,
    args.attrs?.begin as number | number[],
    args.attrs?.size as number | number[],
  ) as [number[], number[]];
  const out = backend.makeOutput(size, x.dtype);
  copyBox(backend.typedArrayFromHeap(x), x.shape, begin, size, backend.typedArrayFromHeap(out));
  return out;
};

const fastUnpack: KernelFunc = (args) => {
  const value = args.inputs.value as TensorInfo;
  if (value.dtype === 'string') {
    return callOriginalWasmKernel(tf.Unpack, args);
  }
  const backend = args.backend as unknown as WasmBackendView;
  const rank = value.shape.length;
  const axis = ((args.attrs?.axis as number) + rank) % rank;
  const outShape = value.shape.filter((_, i) => i !== axis);
  const begin = new Array<number>(rank).fill(0);
  const size = [...value.shape];
  size[axis] = 1;
  const x = backend.typedArrayFromHeap(value);
  return Array.from({ length: value.shape[axis] as number }, (_, i) => {
    begin[axis] = i;
    const out = backend.makeOutput(outShape, value.dtype);
    copyBox(x, value.shape, begin, size, backend.typedArrayFromHeap(out));
    return out;
  });
};

const fastSplitV: KernelFunc = (args) => {
  const x = args.inputs.x as TensorInfo;
  if (x.dtype === 'string') return callOriginalWasmKernel(tf.SplitV, args);
  const backend = args.backend as unknown as WasmBackendView;
  const axis = tf.util.parseAxisParam(args.attrs?.axis as number, x.shape)[0] as number;
  const sizes = tf.backend_util.prepareSplitSize(
    x as tf.Tensor,
    args.attrs?.numOrSizeSplits as number | number[],
    axis,
  );
  const begin = new Array<number>(x.shape.length).fill(0);
  const source = backend.typedArrayFromHeap(x);
  return sizes.map((part) => {
    const size = [...x.shape];
    size[axis] = part;
    const out = backend.makeOutput(size, x.dtype);
    copyBox(source, x.shape, begin, size, backend.typedArrayFromHeap(out));
    begin[axis] = (begin[axis] as number) + part;
    return out;
  });
};

const KERNELS: readonly [string, KernelFunc][] = [
  [tf.Slice, fastSlice],
  [tf.Unpack, fastUnpack],
  [tf.SplitV, fastSplitV],
];

/** Replaces tfjs-wasm's `Slice`, `Unpack` and `SplitV` with the ones above. Idempotent. */
export function registerWasmSlice(): void {
  for (const [kernelName, kernelFunc] of KERNELS) replaceWasmKernel(kernelName, kernelFunc);
}

/** Puts tfjs-wasm's own kernels back (for side-by-side comparisons). */
export function unregisterWasmSlice(): void {
  for (const [kernelName] of KERNELS) restoreWasmKernel(kernelName);
}
