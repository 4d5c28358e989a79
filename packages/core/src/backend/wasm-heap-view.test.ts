import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from './select-backend.js';
import { wasmHeapBlock, wasmHeapMemory } from './wasm-heap.js';
import { heapView, releaseHeapView } from './wasm-heap-view.js';
import { runWasmKernel } from './wasm-kernel-utils.js';

describe('heap views on wasm', () => {
  beforeAll(async () => {
    await selectBackend({ name: 'wasm', log: () => {} });
  });
  afterAll(async () => {
    await selectBackend({ name: 'cpu', log: () => {} });
  });

  const backend = () => tf.backend() as BackendWasm;

  it('reads part of a tensor in place, through a kernel, and is released without freeing it', () => {
    const wasm = backend();
    const before = { numTensors: tf.memory().numTensors, dataIds: wasm.numDataIds() };
    const source = tf.tensor3d(
      Array.from({ length: 24 }, (_, i) => i),
      [2, 3, 4],
    );
    const view = heapView(wasm, source, 12, [3, 4]);
    expect(wasm.typedArrayFromHeap(view).byteOffset).toBe(
      wasm.typedArrayFromHeap(source).byteOffset + 12 * 4,
    );
    // A kernel reads the view as any tensor: the second entry of the batch, negated.
    const negated = runWasmKernel(tf.Neg, { x: view }, wasm);
    expect(Array.from(wasm.typedArrayFromHeap(negated))).toEqual(
      Array.from({ length: 12 }, (_, i) => -(12 + i)),
    );
    wasm.disposeData(negated.dataId);
    releaseHeapView(wasm, view);
    releaseHeapView(wasm, view); // a second release is a no-op
    expect(Array.from(source.dataSync()).slice(12)).toEqual(
      Array.from({ length: 12 }, (_, i) => 12 + i),
    );
    source.dispose();
    expect(tf.memory().numTensors).toBe(before.numTensors);
    expect(wasm.numDataIds()).toBe(before.dataIds);
  });

  it('views int32 and bool data at their own element sizes', () => {
    const wasm = backend();
    const ints = tf.tensor1d([5, 6, 7, 8], 'int32');
    const bools = tf.tensor1d([true, false, true, true], 'bool');
    const intView = heapView(wasm, ints, 2, [2]);
    const boolView = heapView(wasm, bools, 1, [3]);
    expect(Array.from(wasm.typedArrayFromHeap(intView))).toEqual([7, 8]);
    expect(Array.from(wasm.typedArrayFromHeap(boolView))).toEqual([0, 1, 1]);
    releaseHeapView(wasm, intView);
    releaseHeapView(wasm, boolView);
    tf.dispose([ints, bools]);
  });

  it('refuses a range outside its source, and strings', () => {
    const wasm = backend();
    const source = tf.zeros([2, 3]);
    expect(() => heapView(wasm, source, 4, [3])).toThrow(
      /elements \[4, 7\) lie outside a tensor of 6/,
    );
    expect(() => heapView(wasm, source, -1, [1])).toThrow(/outside/);
    const strings = tf.tensor1d(['a', 'b'], 'string');
    expect(() => heapView(wasm, strings, 0, [1])).toThrow(/no heap view of a string tensor/);
    tf.dispose([source, strings]);
  });

  it('keeps constant tables in one heap block per owner, written once', () => {
    const backend = tf.backend();
    const owner = {};
    let writes = 0;
    const init = (buffer: ArrayBufferLike, at: number) => {
      writes += 1;
      new Float64Array(buffer, at, 2).set([1.5, -2.5]);
    };
    const first = wasmHeapBlock(backend, owner, 16, init, 'test');
    expect(wasmHeapBlock(backend, owner, 16, init, 'test')).toBe(first);
    expect(wasmHeapBlock(backend, {}, 16, init, 'test')).not.toBe(first);
    expect(writes).toBe(2);
    expect(first % 8).toBe(0);
    // init wrote into the backend's own heap, where a kernel will read it.
    const buffer = wasmHeapMemory(backend, 'test').buffer;
    expect(Array.from(new Float64Array(buffer, first, 2))).toEqual([1.5, -2.5]);
  });
});
