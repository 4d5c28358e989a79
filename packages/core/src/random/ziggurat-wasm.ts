import { type WasmKernelModule, wasmHeapBlock } from '../backend/wasm-heap.js';
import { ZIGGURAT_TABLES } from './ziggurat.js';
import { ZIGGURAT_WASM_PLAIN, ZIGGURAT_WASM_SHARED } from './ziggurat-wasm.generated.js';

/**
 * `wasm/ziggurat.c` (with `ziggurat.h`): xoshiro128** and the 128-layer ziggurat in C, drawing
 * bit for bit the numbers of `normal-blocks.ts` (its slow path calls fdlibm's exp and log,
 * which are V8's `Math.exp` and `Math.log`), split by blocks over the heap's helper threads:
 * 4.6M draws in 5.4 ms on two threads against 19.4 ms in JavaScript (`random-normal.bench.ts`).
 */
export const ZIGGURAT_MODULE: WasmKernelModule = {
  plain: ZIGGURAT_WASM_PLAIN,
  shared: ZIGGURAT_WASM_SHARED,
};

/** Bytes of the tables the kernel reads: wn (128 doubles), fn (128 doubles), kn (128 int32). */
export const ZIGGURAT_TABLE_BYTES = 2560;

/**
 * The kernel's signature: a float32 array's offset and length, the tables' offset, the key's
 * two words, and the blocks `[first, end)` to draw.
 */
export type FillStandardNormalBlocksExport = (
  out: number,
  count: number,
  tables: number,
  w0: number,
  w1: number,
  first: number,
  end: number,
) => void;

/** Writes the layer tables at `byteOffset` of `buffer` in the layout `ziggurat.c` reads. */
export function writeZigguratTables(buffer: ArrayBufferLike, byteOffset: number): void {
  new Float64Array(buffer, byteOffset, 128).set(ZIGGURAT_TABLES.wn);
  new Float64Array(buffer, byteOffset + 1024, 128).set(ZIGGURAT_TABLES.fn);
  new Int32Array(buffer, byteOffset + 2048, 128).set(ZIGGURAT_TABLES.kn);
}

/**
 * The heap offset of the ziggurat's layer tables on `backend` (written once), for kernels of
 * other modules that include `wasm/ziggurat.h` and draw their noise where they use it.
 */
export function zigguratTables(backend: object, where: string): number {
  return wasmHeapBlock(backend, ZIGGURAT_MODULE, ZIGGURAT_TABLE_BYTES, writeZigguratTables, where);
}
