import * as tf from '@tensorflow/tfjs-core';
import { guardWasmAbort } from './wasm-abort-guard.js';
import { formatBytes, heapMemoryOrUndefined, WASM32_HEAP_BYTES } from './wasm-heap.js';

/** The allocator functions of tfjs-backend-wasm's Emscripten module that this file touches. */
interface EmscriptenAllocator {
  _malloc: (bytes: number) => number;
  readonly _free: (offset: number) => void;
}

/** The thrown error's `code`, for callers that want to tell it apart. */
export const WASM_HEAP_FULL = 'WASM_HEAP_FULL';

/** Thrown when a tensor does not fit in the wasm backend's heap. */
export class WasmHeapFullError extends Error {
  readonly code = WASM_HEAP_FULL;
  /** The bytes asked for. */
  readonly requestedBytes: number;

  constructor(requestedBytes: number, message: string) {
    super(message);
    this.name = 'WasmHeapFullError';
    this.requestedBytes = requestedBytes;
  }
}

const guarded = new WeakSet<object>();

/**
 * Makes tfjs-backend-wasm's allocations fail loudly. tfjs 4.22 stores whatever `_malloc`
 * returns as the tensor's offset: when the heap is full, Emscripten's malloc returns 0, and
 * tfjs writes the tensor over the start of the heap (the C runtime's data, and in the
 * threaded build the pthreads' state), which ends in "memory access out of bounds" or, with
 * threads, may never end (a bench run and a test that filled the heap spun forever); a request of 4 GiB or more wraps modulo 2^32 on its way into
 * wasm and gets a block too small. The guard wraps the module's `_malloc` so that both throw
 * a {@link WasmHeapFullError} that says how much was asked, how far the heap has grown, and
 * what to do, before anything is written. Idempotent per module; a module without `_malloc`
 * (not tfjs-backend-wasm) is left alone and false returned.
 *
 * Allocations made inside wasm (XNNPACK's packed weights) do not pass through `_malloc`'s
 * JavaScript binding: when one fails, the kernel aborts, and the guard also installs
 * {@link guardWasmAbort}, which turns that abort into a `WasmAbortedError` that says so.
 */
export function guardWasmHeap(backend: object): boolean {
  const module = (backend as { wasm?: Partial<EmscriptenAllocator> }).wasm;
  if (module === undefined || typeof module._malloc !== 'function') return false;
  guardWasmAbort(backend);
  if (guarded.has(module)) return true;
  const allocator = module as EmscriptenAllocator;
  // Emscripten binds `_malloc` lazily: its first call replaces the property with the raw
  // export, which would drop a wrapper installed over the stub. Bind it first.
  if (typeof allocator._free === 'function') allocator._free(allocator._malloc(8));
  const malloc = allocator._malloc;
  allocator._malloc = (bytes: number): number => {
    if (bytes >= WASM32_HEAP_BYTES) throw heapFullError(backend, bytes, 'it is larger than');
    const offset = malloc(bytes);
    if (offset === 0 && bytes > 0) throw heapFullError(backend, bytes, 'it does not fit in');
    return offset;
  };
  guarded.add(module);
  return true;
}

function heapFullError(backend: object, bytes: number, why: string): WasmHeapFullError {
  // The heap's own size: tf.memory().numBytes counts a tensor that shares another's data twice.
  const heap = heapMemoryOrUndefined(backend)?.buffer.byteLength;
  const grown = heap === undefined ? '' : `the heap has grown to ${formatBytes(heap)}; `;
  return new WasmHeapFullError(
    bytes,
    `bayesrnn: the wasm backend cannot allocate ${formatBytes(bytes)} for a tensor: ${why} ` +
      `WebAssembly's 4 GiB heap, whatever the machine's memory ` +
      `(${grown}${tf.memory().numTensors} tensors are alive). Dispose tensors you keep, use a ` +
      `smaller batch, width or vocabulary, or a backend without that limit ` +
      `(@tensorflow/tfjs-node, @tensorflow/tfjs-node-gpu or webgpu: the README's "Backends" section)`,
  );
}
