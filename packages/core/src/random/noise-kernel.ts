import type { RngKey } from '@bayesrnn/spec';
import * as tf from '@tensorflow/tfjs-core';
import { isWasmHeapBackend, type WasmKernelModule, wasmHeapMemory } from '../backend/wasm-heap.js';
import { heapKernelParallelism, runHeapKernelParts } from '../backend/wasm-heap-run.js';
import { normalBlockParts } from './normal-blocks.js';
import { NORMAL_MODULE } from './normal-wasm.js';

const WHERE = 'fillStandardNormalArray';

/** One call of a kernel that draws its own N(0, 1) noise: see {@link runNoiseKernel}. */
export interface NoiseKernelArguments {
  /** Byte offsets of the float32 arrays of `size` elements the kernel reads and writes. */
  readonly pointers: readonly number[];
  /** Elements per array. */
  readonly size: number;
  /** The key of the noise: element i gets the number `randomNormal(key, [size])` holds at i. */
  readonly key: RngKey;
  /** The arguments after the block range. */
  readonly scalars?: readonly number[];
}

/**
 * Calls a kernel that includes `wasm/normal.h` and draws the noise it uses block by block
 * (`next_noise_slice`), as `f(...pointers, size, w0, w1, first, end, ...scalars)`
 * for block ranges `[first, end)` split over the heap's helper threads. The numbers do not
 * depend on the split. Returns the sum of the calls' results (0 when they return nothing).
 */
export function runNoiseKernel(
  backend: object,
  module: WasmKernelModule,
  exportName: string,
  args: NoiseKernelArguments,
  where: string,
): number {
  const { pointers, size, key, scalars = [] } = args;
  const head = [...pointers, size, key.words[0], key.words[1]];
  const parts = normalBlockParts(size, heapKernelParallelism(backend, where)).map(
    ([first, end]) => [...head, first, end, ...scalars],
  );
  return runHeapKernelParts(backend, module, exportName, parts, where);
}

/**
 * The wasm backend whose heap `out` is a view of, if the current backend is one. Reads the
 * engine's backend without starting one: a plain array must not initialise a backend.
 */
function heapBackendHolding(out: Float32Array): object | undefined {
  const backend = (tf.engine() as unknown as { backendInstance?: object | null }).backendInstance;
  if (backend == null || !isWasmHeapBackend(backend)) return undefined;
  const memory = wasmHeapMemory(backend, WHERE);
  return memory.buffer === out.buffer ? backend : undefined;
}

/** Whether {@link fillStandardNormalInHeap} would run the C kernel for `out`. */
export function isHeapView(out: Float32Array): boolean {
  return heapBackendHolding(out) !== undefined;
}

/**
 * Fills `out` with the N(0, 1) draws of `key` by the C kernel when `out` lies in the wasm
 * backend's heap (a tensor's memory, a kernel's output), its blocks split over the heap's
 * helper threads; returns false, writing nothing, otherwise. The numbers are those of
 * `fillStandardNormalBlocks` either way, whatever the number of threads.
 */
export function fillStandardNormalInHeap(key: RngKey, out: Float32Array): boolean {
  const backend = heapBackendHolding(out);
  if (backend === undefined) return false;
  const args = { pointers: [out.byteOffset], size: out.length, key };
  runNoiseKernel(backend, NORMAL_MODULE, 'fill_standard_normal_blocks', args, WHERE);
  return true;
}
