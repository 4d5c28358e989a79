import * as tf from '@tensorflow/tfjs-core';

/**
 * Access to tfjs-backend-wasm's linear memory (its "heap") for kernels of our own: SIMD
 * modules compiled from C (`packages/<name>/wasm/*.c`, see `scripts/build-wasm-kernel.sh`)
 * that import that memory and work in place on tensors' offsets, and JavaScript that fills a
 * new tensor's memory directly instead of uploading a copy.
 */

/** A `WebAssembly.Memory`, typed here: not every consumer's `lib` declares WebAssembly. */
export interface LinearMemory {
  readonly buffer: ArrayBufferLike;
}

/** A kernel module built twice: importing a plain memory and importing a shared one. */
export interface WasmKernelModule {
  /** Base64 of the module that imports a plain memory (tfjs's single-threaded build). */
  readonly plain: string;
  /** Base64 of the module that imports a shared memory (tfjs's threaded build). */
  readonly shared: string;
}

/** The exported functions of an instantiated kernel module. */
export type WasmKernelExports = Readonly<Record<string, unknown>>;

/** The two WebAssembly constructors used here. */
interface WebAssemblyApi {
  readonly Module: new (bytes: Uint8Array) => object;
  readonly Instance: new (
    module: object,
    imports: Record<string, Record<string, unknown>>,
  ) => { readonly exports: WasmKernelExports };
}

/** What this file reads off the backend object (not in tfjs's public types). */
interface WasmBackendInternals {
  readonly dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  readonly wasm: {
    /** tfjs's own allocator (emscripten's malloc), returning a byte offset. */
    readonly _malloc?: (bytes: number) => number;
    /** The threaded build's (shared) memory. */
    readonly wasmMemory?: LinearMemory;
    /** The single-threaded build's memory, exported by its module. */
    readonly asm?: { readonly memory?: LinearMemory };
  };
}

const instances = new WeakMap<LinearMemory, Map<WasmKernelModule, WasmKernelExports>>();
const blocks = new WeakMap<LinearMemory, Map<object, number>>();

/** Whether `backend` is tfjs-backend-wasm (has a heap this file can reach). */
export function isWasmHeapBackend(backend: object): boolean {
  return (
    'dataIdMap' in backend && 'wasm' in backend && heapMemoryOrUndefined(backend) !== undefined
  );
}

/** The backend's linear memory, or a clear error naming `where`. */
export function wasmHeapMemory(backend: object, where: string): LinearMemory {
  const memory = heapMemoryOrUndefined(backend);
  if (memory === undefined) throw new Error(`bayesrnn: ${where} needs the wasm backend's memory`);
  return memory;
}

/** The backend's linear memory, or undefined where it has none (not tfjs-backend-wasm). */
export function heapMemoryOrUndefined(backend: object): LinearMemory | undefined {
  const module = (backend as Partial<WasmBackendInternals>).wasm;
  return module?.wasmMemory ?? module?.asm?.memory;
}

/** Byte offset in the heap of a tensor's data. */
export function wasmHeapOffset(backend: object, dataId: object, where: string): number {
  const data = (backend as WasmBackendInternals).dataIdMap.get(dataId);
  if (data === undefined) throw new Error(`bayesrnn: ${where}: a tensor has no wasm data`);
  return data.memoryOffset;
}

/** A fresh float32 view of `length` elements at `byteOffset` (views go stale when memory grows). */
export function wasmHeapFloat32(
  backend: object,
  byteOffset: number,
  length: number,
  where: string,
): Float32Array {
  return new Float32Array(wasmHeapMemory(backend, where).buffer, byteOffset, length);
}

/**
 * The module instantiated on the backend's memory (the shared build when that memory is
 * shared), once per memory and module. Synchronous: kernel modules are a few KB.
 */
export function wasmKernelExports(
  backend: object,
  module: WasmKernelModule,
  where: string,
): WasmKernelExports {
  const memory = wasmHeapMemory(backend, where);
  return oncePerMemory(instances, memory, module, () => instantiateOnMemory(module, memory));
}

/** `cache[memory][key]`, made by `make` the first time it is asked for. */
function oncePerMemory<K, V>(
  cache: WeakMap<LinearMemory, Map<K, V>>,
  memory: LinearMemory,
  key: K,
  make: () => V,
): V {
  let byKey = cache.get(memory);
  if (byKey === undefined) {
    byKey = new Map();
    cache.set(memory, byKey);
  }
  let value = byKey.get(key);
  if (value === undefined) {
    value = make();
    byKey.set(key, value);
  }
  return value;
}

/**
 * A block of `bytes` in the backend's heap for a kernel's constants (e.g. lookup tables),
 * allocated with tfjs's own `malloc` once per memory and `owner`, written by `init`, and
 * never freed: it lives as long as the backend. 8-byte aligned. Returns its byte offset.
 */
export function wasmHeapBlock(
  backend: object,
  owner: object,
  bytes: number,
  init: (buffer: ArrayBufferLike, byteOffset: number) => void,
  where: string,
): number {
  const memory = wasmHeapMemory(backend, where);
  return oncePerMemory(blocks, memory, owner, () => {
    const malloc = (backend as Partial<WasmBackendInternals>).wasm?._malloc;
    if (malloc === undefined) throw new Error(`bayesrnn: ${where}: the wasm backend has no malloc`);
    const offset = malloc(bytes) >>> 0;
    if (offset === 0 || offset % 8 !== 0) {
      throw new Error(`bayesrnn: ${where}: malloc(${bytes}) gave an unusable offset ${offset}`);
    }
    // The memory may have grown inside malloc: read its buffer afresh.
    init(memory.buffer, offset);
    return offset;
  });
}

/** Instantiates `module` on `memory` (any memory: tests use their own). */
export function instantiateOnMemory(
  module: WasmKernelModule,
  memory: LinearMemory,
): WasmKernelExports {
  const api = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;
  const shared =
    typeof SharedArrayBuffer !== 'undefined' && memory.buffer instanceof SharedArrayBuffer;
  return new api.Instance(new api.Module(kernelModuleBytes(module, shared)), { env: { memory } })
    .exports;
}

/** The compiled bytes of `module` for a shared or a plain memory. */
export function kernelModuleBytes(module: WasmKernelModule, shared: boolean): Uint8Array {
  return base64Bytes(shared ? module.shared : module.plain);
}

/** An exported function, or a clear error when the module lacks it. */
export function kernelFunction<F>(exports: WasmKernelExports, name: string): F {
  const fn = exports[name];
  if (typeof fn !== 'function') throw new Error(`bayesrnn: wasm kernel module has no '${name}'`);
  return fn as F;
}

/** A float32 tensor whose memory `fill` writes directly (on wasm: no upload copy). */
export function tensorFilledInPlace(
  shape: readonly number[],
  fill: (values: Float32Array) => void,
): tf.Tensor {
  const backend = tf.backend();
  if (!isWasmHeapBackend(backend)) {
    const values = new Float32Array(tf.util.sizeFromShape([...shape]));
    fill(values);
    return tf.tensor(values, [...shape], 'float32');
  }
  const wasm = backend as unknown as {
    makeOutput(shape: number[], dtype: 'float32'): tf.TensorInfo;
  };
  const info = wasm.makeOutput([...shape], 'float32');
  const size = tf.util.sizeFromShape([...shape]);
  if (size > 0) {
    const offset = wasmHeapOffset(backend, info.dataId, 'tensorFilledInPlace');
    fill(wasmHeapFloat32(backend, offset, size, 'tensorFilledInPlace'));
  }
  return tf.engine().makeTensorFromTensorInfo(info);
}

function base64Bytes(base64: string): Uint8Array {
  const text = atob(base64);
  const bytes = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
  return bytes;
}

/**
 * wasm32 addresses at most 4 GiB (tfjs-backend-wasm's memory has exactly that maximum),
 * whatever the machine's memory.
 */
export const WASM32_HEAP_BYTES = 2 ** 32;

/** `1.25 GiB`, `300.0 MiB`, `512 B`. */
export function formatBytes(bytes: number): string {
  if (bytes >= 2 ** 30) return `${(bytes / 2 ** 30).toFixed(2)} GiB`;
  if (bytes >= 2 ** 20) return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
  if (bytes >= 2 ** 10) return `${(bytes / 2 ** 10).toFixed(1)} KiB`;
  return `${bytes} B`;
}
