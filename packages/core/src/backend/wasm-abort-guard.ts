import * as tf from '@tensorflow/tfjs-core';
import { formatBytes, heapMemoryOrUndefined, WASM32_HEAP_BYTES } from './wasm-heap.js';

/** The thrown error's `code`, for callers that want to tell it apart. */
export const WASM_ABORTED = 'WASM_ABORTED';

/**
 * A heap within this many bytes of wasm32's 4 GiB counts as full: the heap only grows, so
 * an allocation inside wasm fails only when growing would pass 4 GiB.
 */
const FULL_MARGIN_BYTES = 256 * 2 ** 20;

/** Thrown instead of Emscripten's bare `RuntimeError: Aborted()` when a wasm kernel aborts. */
export class WasmAbortedError extends Error {
  readonly code = WASM_ABORTED;
  /** Emscripten's reason for the abort; tfjs-backend-wasm's release build mostly gives none. */
  readonly reason: string;
  /** The heap's size when it aborted (`undefined` where it could not be read). */
  readonly heapBytes: number | undefined;

  constructor(reason: string, heapBytes: number | undefined, message: string) {
    super(message);
    this.name = 'WasmAbortedError';
    this.reason = reason;
    this.heapBytes = heapBytes;
  }
}

/** The part of an Emscripten module this file touches: the hook `abort()` calls first. */
interface EmscriptenAbortHook {
  onAbort?: (what: unknown) => void;
}

const guarded = new WeakSet<object>();

/**
 * Makes an abort inside the wasm backend say what it probably is. When a kernel's own
 * allocation fails inside wasm (XNNPACK packing a convolution's weights, say),
 * which only happens once the heap has grown to WebAssembly's 4 GiB, the C++ code calls
 * `abort()`, and tfjs-backend-wasm's release build throws `RuntimeError: Aborted(). Build with
 * -sASSERTIONS for more info.`, after printing `Aborted()`. Those allocations do not pass
 * through `_malloc`'s JavaScript binding, so `guardWasmHeap`'s wrapper cannot see them.
 * Emscripten's `abort` calls the module's `onAbort` first; this guard installs one that
 * throws a {@link WasmAbortedError} in its place, with the heap's size, the tensors alive and
 * what to do. A handler already there still runs first. Idempotent per module; a backend
 * without an Emscripten module is left alone and false returned.
 */
export function guardWasmAbort(backend: object): boolean {
  const module = (backend as { wasm?: EmscriptenAbortHook & { _malloc?: unknown } }).wasm;
  if (module === undefined || typeof module._malloc !== 'function') return false;
  if (guarded.has(module)) return true;
  const previous = module.onAbort;
  module.onAbort = (what: unknown) => {
    previous?.(what);
    throw abortedError(backend, what === undefined ? '' : String(what));
  };
  guarded.add(module);
  return true;
}

function abortedError(backend: object, reason: string): WasmAbortedError {
  const heap = heapMemoryOrUndefined(backend)?.buffer.byteLength;
  const facts = `${tf.memory().numTensors} tensors are alive; ${
    reason === '' ? 'tfjs-backend-wasm gives no reason' : `its reason: ${reason}`
  }`;
  const error = (where: string) =>
    new WasmAbortedError(
      reason,
      heap,
      `bayesrnn: the wasm backend aborted inside a kernel ${where}`,
    );
  if (heap === undefined) return error(`(${facts})`);
  if (heap < WASM32_HEAP_BYTES - FULL_MARGIN_BYTES) {
    return error(
      `(its heap at ${formatBytes(heap)} of 4 GiB, so not for want of memory; ${facts})`,
    );
  }
  return error(
    `with its heap full (${formatBytes(heap)} of WebAssembly's 4 GiB, ${facts}): most likely an ` +
      `allocation inside the kernel did not fit. Dispose tensors you keep, use a smaller batch, ` +
      `width or vocabulary, or a backend without that limit (@tensorflow/tfjs-node, ` +
      `@tensorflow/tfjs-node-gpu or webgpu: the README's "Backends" section)`,
  );
}
