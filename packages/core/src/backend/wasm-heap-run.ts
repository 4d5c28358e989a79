import {
  kernelFunction,
  type LinearMemory,
  type WasmKernelModule,
  wasmHeapMemory,
  wasmKernelExports,
} from './wasm-heap.js';
import { type HeapHelperPool, type HeapKernelCall, runLocally } from './wasm-heap-helpers.js';

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
  const { pool, call } = heapCall(backend, module, exportName, args, where);
  return pool === undefined ? runLocally(call) : pool.run(call);
}

/**
 * Like {@link runHeapKernel}, but the call runs on the heap's helper threads alone while
 * `beside` runs on this thread (see `HeapHelperPool.runBeside`): for work that cannot be split,
 * such as drawing from a sequential random stream, overlapping one that can. Without helpers
 * `beside` runs first, then the call.
 */
export function runHeapKernelBeside(
  backend: object,
  module: WasmKernelModule,
  exportName: string,
  args: HeapKernelArguments,
  beside: () => void,
  where: string,
): number {
  const { pool, call } = heapCall(backend, module, exportName, args, where);
  if (pool !== undefined) return pool.runBeside(call, beside);
  beside();
  return runLocally(call);
}

/** How many threads a kernel split with {@link runHeapKernelParts} can use on `backend`'s heap. */
export function heapKernelParallelism(backend: object, where: string): number {
  return heapHelpersFor(wasmHeapMemory(backend, where))?.parallelism ?? 1;
}

/**
 * Calls `module`'s `exportName` once per entry of `parts` (each entry is that call's whole
 * argument list), split over the heap's helper threads: for kernels that are not element-wise
 * and are divided by their caller, such as a matrix product by column blocks. Plan at most
 * {@link heapKernelParallelism} parts; more run one after another. Returns the summed results.
 */
export function runHeapKernelParts(
  backend: object,
  module: WasmKernelModule,
  exportName: string,
  parts: readonly number[][],
  where: string,
): number {
  const local = kernelFunction<(...values: number[]) => unknown>(
    wasmKernelExports(backend, module, where),
    exportName,
  );
  const pool = heapHelpersFor(wasmHeapMemory(backend, where));
  if (pool !== undefined) return pool.runParts({ module, exportName, local, parts, where });
  return parts.reduce((sum, args) => {
    const value = local(...args);
    return sum + (typeof value === 'number' ? value : 0);
  }, 0);
}

function heapCall(
  backend: object,
  module: WasmKernelModule,
  exportName: string,
  args: HeapKernelArguments,
  where: string,
): { readonly pool: HeapHelperPool | undefined; readonly call: HeapKernelCall } {
  const local = kernelFunction<(...values: number[]) => unknown>(
    wasmKernelExports(backend, module, where),
    exportName,
  );
  const { pointers, size, scalars = [] } = args;
  const pool = heapHelpersFor(wasmHeapMemory(backend, where));
  return { pool, call: { module, exportName, local, pointers, size, scalars, where } };
}
