import {
  instantiateOnMemory,
  kernelFunction,
  type WasmKernelModule,
} from '../backend/wasm-heap.js';
import { NORMAL_WASM_PLAIN, NORMAL_WASM_SHARED } from './normal-wasm.generated.js';

/**
 * `wasm/normal.c` (with `normal.h`): eight xoshiro128** lanes and the Box–Muller transform in
 * WebAssembly SIMD, drawing bit for bit the numbers of `normal-blocks.ts`, split by blocks over
 * the wasm backend's helper threads. Kernels of other modules include `normal.h` to draw their
 * noise where they use it.
 */
export const NORMAL_MODULE: WasmKernelModule = {
  plain: NORMAL_WASM_PLAIN,
  shared: NORMAL_WASM_SHARED,
};

/**
 * Both exports' signature: a float32 array's offset and length, the key's two words, and the
 * blocks `[first, end)` to draw. `fill_standard_normal_blocks` writes element i at `out + 4i`;
 * `fill_standard_normal_range` writes block `first` at `out`.
 */
export type FillStandardNormalBlocksExport = (
  out: number,
  count: number,
  w0: number,
  w1: number,
  first: number,
  end: number,
) => void;

/**
 * Elements per block stream. A random array longer than this is drawn in blocks, each from its
 * own key (`blockKey`): block 0 from the array's key, so short arrays hold the key's own
 * stream. Independent blocks let several threads draw one array at once, and let a kernel
 * that uses the noise draw it block by block where it uses it (the fused posterior draw),
 * with the same numbers on every backend and thread count. 2^14 floats (64 KiB): a thread's
 * share of a weight is whole blocks, and blocks this small split a 400 × 800 LSTM kernel
 * (20 blocks) nearly evenly over two threads, where blocks of 2^16 gave them 2 and 3 (its draw
 * took 30% longer per element than the embedding's); seeding a block's eight lanes takes 96
 * fmix32 hashes, little beside drawing its 16,384 numbers. `wasm/normal.h` defines the same.
 */
export const NORMAL_BLOCK = 16_384;

/** Blocks drawn per call into the module's own memory: 4 MiB of it. */
const BLOCKS_PER_CALL = 64;

/** The module on a memory of its own: its heap and its range export. */
interface OwnInstance {
  readonly memory: { readonly buffer: ArrayBuffer };
  readonly fill: FillStandardNormalBlocksExport;
}

/** Made on first use; null where WebAssembly SIMD is missing. */
let ownInstance: OwnInstance | null | undefined;

function makeOwnInstance(): OwnInstance | null {
  type MemoryConstructor = new (descriptor: { initial: number }) => { buffer: ArrayBuffer };
  const api = (globalThis as { WebAssembly?: { Memory: MemoryConstructor } }).WebAssembly;
  if (api === undefined) return null;
  try {
    const memory = new api.Memory({ initial: (BLOCKS_PER_CALL * NORMAL_BLOCK * 4) / 65_536 + 2 });
    const exports = instantiateOnMemory(NORMAL_MODULE, memory);
    const fill = kernelFunction<FillStandardNormalBlocksExport>(
      exports,
      'fill_standard_normal_range',
    );
    return { memory, fill };
  } catch {
    return null; // an engine without SIMD rejects the module: the caller draws in JavaScript
  }
}

/**
 * Fills `out` (any array, not in a wasm heap) with the N(0, 1) draws of the key `(w0, w1)` by
 * the C kernel on a memory of its own, 64 blocks a call, and copies them out: 4.6M numbers in
 * about 10 ms on one thread, against about 200 ms for the JavaScript reference
 * (`random-normal.bench.ts`). Returns false, writing nothing, where WebAssembly SIMD is missing.
 */
export function fillStandardNormalOwnMemory(w0: number, w1: number, out: Float32Array): boolean {
  if (ownInstance === undefined) ownInstance = makeOwnInstance();
  const own = ownInstance;
  if (own === null) return false;
  const blocks = Math.ceil(out.length / NORMAL_BLOCK);
  // 64 KiB past the module's own first pages, which hold nothing it uses.
  const at = 65_536;
  for (let first = 0; first < blocks; first += BLOCKS_PER_CALL) {
    const end = Math.min(blocks, first + BLOCKS_PER_CALL);
    own.fill(at, out.length, w0, w1, first, end);
    const count = Math.min(out.length, end * NORMAL_BLOCK) - first * NORMAL_BLOCK;
    out.set(new Float32Array(own.memory.buffer, at, count), first * NORMAL_BLOCK);
  }
  return true;
}
