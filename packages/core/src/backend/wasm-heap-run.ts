import {
  kernelFunction,
  type LinearMemory,
  type WasmKernelModule,
  wasmHeapMemory,
  wasmKernelExports,
} from './wasm-heap.js';
import type { HeapHelperPool } from './wasm-heap-helpers.js';

const pools = new WeakMap<LinearMemory, HeapHelperPool>();

/** Makes `pool` the one kernels on its memory use (replacing any earlier one). */
export function attachHeapHelpers(pool: HeapHelperPool): void {
  pools.set(pool.sharedMemory, pool);
}

/** The helper pool attached to `memory`, if any. */
export function heapHelpersFor(memory: LinearMemory): HeapHelperPool | undefined {
  return pools.get(memory);
}

/** One element-wise call on the backend's heap: see {@link runHeapKernel}. */
export interface HeapKernelArguments {
  /** Byte offsets of float32 arrays of `size` elements each, in the function's order. */
  readonly pointers: readonly number[];
  /** Elements per array. */
  readonly size: number;
  /** The arguments after `size`. */
  readonly scalars?: readonly number[];
}

/**
 * Calls `module`'s `exportName` as `f(...pointers, size, ...scalars)` on the wasm backend's
 * heap, split over the helper threads attached to that heap when there are any (Node with
 * tfjs's threaded build: see `wasm-heap-helpers.ts`), else on this thread alone. The function
 * must be element-wise over its float32 arrays (element i reads and writes only index i of
 * each), as every kernel of ours except the random-number generator is. Returns the function's
 * return value, summed over the chunks (0 when it returns nothing).
 */
export function runHeapKernel(
  backend: object,
  module: WasmKernelModule,
  exportName: string,
  args: HeapKernelArguments,
  where: string,
): number {
  const local = kernelFunction<(...values: number[]) => unknown>(
    wasmKernelExports(backend, module, where),
    exportName,
  );
  const { pointers, size, scalars = [] } = args;
  const pool = heapHelpersFor(wasmHeapMemory(backend, where));
  if (pool === undefined) {
    const result = local(...pointers, size, ...scalars);
    return typeof result === 'number' ? result : 0;
  }
  return pool.run({ module, exportName, local, pointers, size, scalars, where });
}
