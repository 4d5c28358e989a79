import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import * as tf from '@tensorflow/tfjs-core';
import { TRANSPOSE_WASM_PLAIN, TRANSPOSE_WASM_SHARED } from './transpose-wasm.generated.js';
import type { WasmKernelModule } from './wasm-heap.js';
import { wasmHeapOffset } from './wasm-heap.js';
import { runHeapKernelParts } from './wasm-heap-run.js';
import {
  callOriginalWasmKernel,
  replaceWasmKernel,
  restoreWasmKernel,
} from './wasm-kernel-replacement.js';
import { asWasmBackend } from './wasm-kernel-utils.js';
import { heapKernelThreads, splitRange } from './wasm-parts.js';

/** `wasm/transpose.c`: tiled SIMD transposes of 4-byte elements. */
export const TRANSPOSE_MODULE: WasmKernelModule = Object.freeze({
  plain: TRANSPOSE_WASM_PLAIN,
  shared: TRANSPOSE_WASM_SHARED,
});

/**
 * What a transpose moves once the axes of length one are dropped and the axes that stay
 * next to each other, in order, are merged: nothing (`'identity'`: the same elements in the
 * same order), or each of `batch` row-major `[rows, columns]` matrices (`'swap'`).
 */
export type TransposePlan =
  | { readonly kind: 'identity' }
  | {
      readonly kind: 'swap';
      readonly batch: number;
      readonly rows: number;
      readonly columns: number;
    };

/**
 * How {@link wasmTranspose} moves `shape` under `perm`: `undefined` when the merged
 * permutation is neither the identity nor a swap of the last two merged axes (three or more
 * groups reordered, which tfjs's own kernel keeps). `perm[i]` is the input axis of output axis i.
 */
export function transposePlan(
  shape: readonly number[],
  perm: readonly number[],
): TransposePlan | undefined {
  const kept = perm.filter((axis) => (shape[axis] ?? 0) !== 1);
  // Runs of input axes that stay adjacent and in order move as one axis of their product.
  const groups: number[][] = [];
  for (const axis of kept) {
    const last = groups.at(-1);
    if (last !== undefined && last.at(-1) === axis - 1) last.push(axis);
    else groups.push([axis]);
  }
  const sizes = groups.map((group) => group.reduce((size, axis) => size * (shape[axis] ?? 1), 1));
  const firsts = groups.map((group) => group[0] ?? 0);
  const inOrder = firsts.every((axis, i) => i === 0 || axis > (firsts[i - 1] ?? 0));
  if (inOrder) return { kind: 'identity' };
  const [outer, second, third] = [...firsts].sort((a, b) => a - b);
  if (groups.length === 2 && firsts[0] === second && firsts[1] === outer) {
    return { kind: 'swap', batch: 1, rows: sizes[1] ?? 1, columns: sizes[0] ?? 1 };
  }
  if (groups.length === 3 && firsts[0] === outer && firsts[1] === third && firsts[2] === second) {
    return { kind: 'swap', batch: sizes[0] ?? 1, rows: sizes[2] ?? 1, columns: sizes[1] ?? 1 };
  }
  return undefined;
}

/** Dtypes whose elements are 4 bytes on the wasm heap, which `wasm/transpose.c` moves. */
const FOUR_BYTE_DTYPES: ReadonlySet<string> = new Set(['float32', 'int32']);

/**
 * `Transpose` on wasm: a permutation that leaves the elements in place (the gradient of a
 * gather over axis 0 transposes by `[0, 1]`, copying the embedding's whole gradient) shares
 * its input's data, as `Reshape` does; a swap of two axis groups (every transpose a matmul
 * gradient needs) runs `wasm/transpose.c`, split by output rows over the heap's helper threads.
 * Other permutations, other dtypes and empty tensors keep tfjs's kernel. The values are the input's, moved.
 */
const wasmTranspose: KernelFunc = (args) => {
  const x = args.inputs.x as TensorInfo;
  const perm = (args.attrs as { perm: number[] }).perm;
  const movable = FOUR_BYTE_DTYPES.has(x.dtype) && tf.util.sizeFromShape(x.shape) > 0;
  const plan = movable ? transposePlan(x.shape, perm) : undefined;
  if (plan === undefined) return callOriginalWasmKernel(tf.Transpose, args);
  const where = 'Transpose';
  const wasm = asWasmBackend(args.backend, where);
  const outShape = perm.map((axis) => x.shape[axis] ?? 1);
  if (plan.kind === 'identity') {
    (wasm as unknown as { incRef(dataId: object): void }).incRef(x.dataId);
    return { dataId: x.dataId, shape: outShape, dtype: x.dtype };
  }
  const out = wasm.makeOutput(outShape, x.dtype);
  const xAt = wasmHeapOffset(wasm, x.dataId, where);
  const outAt = wasmHeapOffset(wasm, out.dataId, where);
  const { batch, rows, columns } = plan;
  const threads = heapKernelThreads(wasm, batch * rows * columns, where);
  const parts = splitRange(batch * columns, threads, 16).map(([begin, end]) => [
    xAt,
    outAt,
    rows,
    columns,
    begin,
    end,
  ]);
  runHeapKernelParts(wasm, TRANSPOSE_MODULE, 'transpose_rows', parts, where);
  return out;
};

/** Replaces tfjs-wasm's `Transpose` with {@link wasmTranspose}. Idempotent. */
export function registerWasmTranspose(): void {
  replaceWasmKernel(tf.Transpose, wasmTranspose);
}

/** Puts tfjs-wasm's own `Transpose` back (for side-by-side comparisons). */
export function unregisterWasmTranspose(): void {
  restoreWasmKernel(tf.Transpose);
}
