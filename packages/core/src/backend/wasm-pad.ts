import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import {
  callOriginalWasmKernel,
  replaceWasmKernel,
  restoreWasmKernel,
} from './wasm-kernel-replacement.js';
import { forEachBoxRun, type HeapArray, type WasmBackendView } from './wasm-slice.js';

/**
 * Writes the row-major array `x` into the box `begin .. begin + size` (`size` is x's shape) of
 * `out` (shape `outShape`), a contiguous run at a time: the inverse of `copyBox`. Both are views
 * of the one wasm heap, so each run is a `copyWithin` of the heap: no view made per run (a
 * window's stack writes 400 runs).
 */
export function placeBox(
  x: HeapArray,
  out: HeapArray,
  outShape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
): void {
  const heap = new (out.constructor as new (buffer: ArrayBufferLike) => HeapArray)(out.buffer);
  const [from, to] = [x, out].map((view) => view.byteOffset / view.BYTES_PER_ELEMENT) as [
    number,
    number,
  ];
  forEachBoxRun(outShape, begin, size, (inArray, inBox, run) => {
    heap.copyWithin(to + inArray, from + inBox, from + inBox + run);
  });
}

/**
 * `PadV2` on wasm: the output filled with the constant, then the input written into its box.
 * tfjs-wasm's took 1.1 ms to pad a `[20, 20, 200]` window's output gradient by one step (the
 * gradient of the slice that `lstmRecurrence` takes of its packed outputs), twice a PTB-small
 * step. Strings keep tfjs's kernel.
 */
const fastPad: KernelFunc = (args) => {
  const x = args.inputs.x as TensorInfo;
  if (x.dtype === 'string') return callOriginalWasmKernel(tf.PadV2, args);
  const { paddings, constantValue } = args.attrs as {
    paddings: [number, number][];
    constantValue: number;
  };
  const backend = args.backend as unknown as WasmBackendView;
  const outShape = x.shape.map((d, i) => (paddings[i]?.[0] ?? 0) + d + (paddings[i]?.[1] ?? 0));
  const out = backend.makeOutput(outShape, x.dtype);
  if (tf.util.sizeFromShape(outShape) === 0) return out;
  const values = backend.typedArrayFromHeap(out);
  values.fill(constantValue);
  const begin = paddings.map(([before]) => before);
  placeBox(backend.typedArrayFromHeap(x), values, outShape, begin, x.shape);
  return out;
};

/**
 * `Pack` on wasm: each input written into its slot of the output. tfjs-wasm's expands each
 * input's dimensions and concatenates them (about 0.45 ms for the 20 `[20, 200]` steps of a
 * PTB-small window inside a step). Strings keep tfjs's kernel.
 */
const fastPack: KernelFunc = (args) => {
  const inputs = args.inputs as unknown as TensorInfo[];
  const [first] = inputs;
  if (first === undefined || first.dtype === 'string') {
    return callOriginalWasmKernel(tf.Pack, args);
  }
  const rank = first.shape.length;
  const axis = ((args.attrs?.axis as number) + rank + 1) % (rank + 1);
  const size = [...first.shape];
  size.splice(axis, 0, 1);
  const outShape = [...first.shape];
  outShape.splice(axis, 0, inputs.length);
  if (!inputs.every((t) => t.dtype === first.dtype && tf.util.arraysEqual(t.shape, first.shape))) {
    return callOriginalWasmKernel(tf.Pack, args);
  }
  const backend = args.backend as unknown as WasmBackendView;
  const out = backend.makeOutput(outShape, first.dtype);
  if (tf.util.sizeFromShape(outShape) === 0) return out;
  const values = backend.typedArrayFromHeap(out);
  const begin = new Array<number>(rank + 1).fill(0);
  inputs.forEach((input, i) => {
    begin[axis] = i;
    placeBox(backend.typedArrayFromHeap(input), values, outShape, begin, size);
  });
  return out;
};

const KERNELS: readonly [string, KernelFunc][] = [
  [tf.PadV2, fastPad],
  [tf.Pack, fastPack],
];

/** Replaces tfjs-wasm's `PadV2` and `Pack` with the ones above. Idempotent. */
export function registerWasmPad(): void {
  for (const [kernelName, kernelFunc] of KERNELS) replaceWasmKernel(kernelName, kernelFunc);
}

/** Puts tfjs-wasm's own kernels back (for side-by-side comparisons). */
export function unregisterWasmPad(): void {
  for (const [kernelName] of KERNELS) restoreWasmKernel(kernelName);
}
