import { checkLeaksAfterEachTest } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { selectBackend } from './select-backend.js';
import { formatBytes, WASM32_HEAP_BYTES } from './wasm-heap.js';
import { guardWasmHeap, WasmHeapFullError } from './wasm-heap-guard.js';

checkLeaksAfterEachTest();

/**
 * An allocator shaped like Emscripten's: `_malloc` starts as a stub that, on its first call,
 * replaces itself with the raw export; the raw export fails (returns 0) past `capacity`.
 */
function emscriptenLikeModule(capacity: number) {
  let next = 8;
  const requests: number[] = [];
  const raw = (bytes: number): number => {
    requests.push(bytes);
    if (next + bytes > capacity) return 0;
    const offset = next;
    next += bytes;
    return offset;
  };
  const module = {
    _malloc(bytes: number): number {
      module._malloc = raw; // Emscripten's lazy binding
      return raw(bytes);
    },
    _free(_offset: number): void {},
  };
  return { module, requests };
}

describe('guardWasmHeap on an Emscripten-shaped allocator', () => {
  it('passes allocations through, and survives Emscripten binding `_malloc` lazily', () => {
    const { module, requests } = emscriptenLikeModule(1_000);
    expect(guardWasmHeap({ wasm: module })).toBe(true);
    expect(module._malloc(100)).toBeGreaterThan(0);
    expect(module._malloc(0)).toBeGreaterThan(0);
    expect(() => module._malloc(2_000)).toThrow(WasmHeapFullError);
    expect(requests).toEqual([8, 100, 0, 2_000]); // the 8 is the guard's binding call
  });

  it('throws on a null offset, naming the size, the heap limit and what to do', () => {
    const { module } = emscriptenLikeModule(1_000);
    guardWasmHeap({ wasm: module });
    let thrown: unknown;
    try {
      module._malloc(3 * 2 ** 20);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(WasmHeapFullError);
    const error = thrown as WasmHeapFullError;
    expect(error.code).toBe('WASM_HEAP_FULL');
    expect(error.requestedBytes).toBe(3 * 2 ** 20);
    expect(error.message).toMatch(/cannot allocate 3\.0 MiB .* 4 GiB heap/);
    expect(error.message).toMatch(/tfjs-node/);
  });

  it('refuses 4 GiB or more before it reaches wasm, where the size would wrap modulo 2^32', () => {
    const { module, requests } = emscriptenLikeModule(Number.MAX_SAFE_INTEGER);
    guardWasmHeap({ wasm: module });
    expect(() => module._malloc(WASM32_HEAP_BYTES + 16)).toThrow(/larger than WebAssembly/);
    expect(requests).toEqual([8]);
  });

  it('wraps once, and leaves an object without `_malloc` alone', () => {
    const { module, requests } = emscriptenLikeModule(1_000);
    guardWasmHeap({ wasm: module });
    const wrapped = module._malloc;
    expect(guardWasmHeap({ wasm: module })).toBe(true);
    expect(module._malloc).toBe(wrapped);
    expect(requests).toEqual([8]);
    expect(guardWasmHeap({})).toBe(false);
    expect(guardWasmHeap({ wasm: {} })).toBe(false);
  });

  it('formats sizes', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(300 * 2 ** 20)).toBe('300.0 MiB');
    expect(formatBytes(1.25 * 2 ** 30)).toBe('1.25 GiB');
  });
});

describe('guardWasmHeap on the wasm backend', () => {
  it('a tensor of 4 GiB or more fails cleanly, and the backend keeps working', async () => {
    await selectBackend({ name: 'wasm', log: () => {} });
    // Unguarded, tfjs 4.22 passes 2^32 + 4 bytes to malloc as 4 and fills 4 GiB from there.
    expect(() => tf.zeros([2 ** 30 + 1])).toThrow(WasmHeapFullError);
    const sum = tf.tidy(() => tf.add(tf.tensor1d([1, 2, 3]), tf.tensor1d([10, 20, 30])));
    expect(Array.from(sum.dataSync())).toEqual([11, 22, 33]);
    sum.dispose();
  });

  it('a full heap fails cleanly instead of writing over the heap', async () => {
    await selectBackend({ name: 'wasm', log: () => {} });
    const held: tf.Tensor[] = [];
    try {
      // 1 GiB tensors until the 4 GiB heap refuses one: the fourth or fifth.
      expect(() => {
        for (let i = 0; i < 5; i += 1) held.push(tf.fill([2 ** 28], i + 1));
      }).toThrow(/cannot allocate 1\.00 GiB for a tensor: it does not fit .* heap has grown to \d/);
      expect(held.length).toBeGreaterThanOrEqual(3);
      // What was written before the failure is intact.
      held.forEach((tensor, i) => {
        const ends = tf.tidy(() => tf.concat([tensor.slice(0, 1), tensor.slice(2 ** 28 - 1, 1)]));
        expect(Array.from(ends.dataSync())).toEqual([i + 1, i + 1]);
        ends.dispose();
      });
    } finally {
      tf.dispose(held);
    }
  }, 120_000);

  it('an allocation inside a kernel that does not fit aborts it: WasmAbortedError (guardWasmAbort), and the backend goes on', async () => {
    await selectBackend({ name: 'wasm', log: () => {} });
    // A convolution packs its filter with XNNPACK inside wasm: 2.25 MiB here.
    const input = tf.ones([1, 4, 4, 64]) as tf.Tensor4D;
    const filter = tf.ones([3, 3, 64, 1024]) as tf.Tensor4D;
    const held: tf.Tensor[] = [];
    try {
      // Fill the heap to its last few KiB through tfjs (guarded: the refusals throw).
      for (const elements of [2 ** 26, 2 ** 22, 2 ** 18, 2 ** 10]) {
        for (;;) {
          try {
            held.push(tf.fill([elements], 1));
          } catch {
            break;
          }
        }
      }
      tf.dispose(held.splice(held.length - 20)); // room for the output (64 KiB), not the filter
      expect(() => tf.conv2d(input, filter, 1, 'same')).toThrow(
        /aborted inside a kernel with its heap full/,
      );
      tf.dispose(held.splice(0));
      const sum = tf.tidy(() => tf.add(tf.tensor1d([1, 2]), tf.tensor1d([10, 20])));
      expect(Array.from(sum.dataSync())).toEqual([11, 22]);
      sum.dispose();
    } finally {
      tf.dispose([...held, input, filter]);
    }
  }, 120_000);
});
