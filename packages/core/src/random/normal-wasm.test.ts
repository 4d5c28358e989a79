import { kernelSourceSha256, type TestLinearMemory, wasmTestMemory } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend.js';
import { instantiateOnMemory, kernelFunction, tensorFilledInPlace } from '../backend/wasm-heap.js';
import { isHeapView } from './noise-kernel.js';
import {
  fillStandardNormalBlocksInJs,
  normalBlockCount,
  normalBlockParts,
} from './normal-blocks.js';
import { NORMAL_SOURCE_SHA256 } from './normal-wasm.generated.js';
import { type FillStandardNormalBlocksExport, NORMAL_MODULE } from './normal-wasm.js';
import { randomNormal } from './random-ops.js';
import { createKey } from './rng-key.js';

/** The JavaScript reference: `count` draws of `seed`'s key. */
function reference(seed: number, count: number): Float32Array {
  return fillStandardNormalBlocksInJs(createKey(seed), new Float32Array(count));
}

it('normal.c was compiled from the committed source (rerun scripts/build-wasm-kernel.sh)', () => {
  expect(kernelSourceSha256(new URL('../../wasm/normal.c', import.meta.url))).toBe(
    NORMAL_SOURCE_SHA256,
  );
});

/**
 * Runs the kernel in `memory`: `count` draws of `seed`'s key with sentinels around them, the
 * blocks drawn in the calls `[first, end)` of `parts` (default: one call).
 */
function drawInMemory(
  memory: TestLinearMemory,
  seed: number,
  count: number,
  parts: ReadonlyArray<readonly [number, number]> = [[0, normalBlockCount(count)]],
): Float32Array {
  const outAt = 64; // floats
  const heap = new Float32Array(memory.buffer);
  heap.fill(-7.25, outAt - 16, outAt + count + 16);
  const fill = kernelFunction<FillStandardNormalBlocksExport>(
    instantiateOnMemory(NORMAL_MODULE, memory),
    'fill_standard_normal_blocks',
  );
  const [w0, w1] = createKey(seed).words;
  for (const [first, end] of parts) fill(outAt * 4, count, w0, w1, first, end);
  const untouched = (from: number, to: number) => heap.subarray(from, to).every((v) => v === -7.25);
  expect(untouched(outAt - 16, outAt) && untouched(outAt + count, outAt + count + 16)).toBe(true);
  return heap.slice(outAt, outAt + count);
}

/** Indices where two arrays differ (Object.is: −0 and NaN count). */
function differences(a: Float32Array, b: Float32Array): number[] {
  const bad: number[] = [];
  for (let i = 0; i < Math.max(a.length, b.length); i++) if (!Object.is(a[i], b[i])) bad.push(i);
  return bad.slice(0, 10);
}

describe.each(['plain', 'shared'] as const)('the normal kernel in %s memory', (kind) => {
  it('draws exactly the JavaScript numbers in any split of its blocks, writing nothing outside', () => {
    const memory = wasmTestMemory(80, kind);
    for (const [seed, count] of [
      [1, 0],
      [2, 1],
      [3, 7],
      [5, 16],
      [6, 2063],
      [4, 1_000_003],
    ] as const) {
      const draws = drawInMemory(memory, seed, count);
      const inParts = drawInMemory(memory, seed, count, normalBlockParts(count, 3).reverse());
      expect(differences(draws, reference(seed, count))).toEqual([]);
      expect(differences(inParts, draws)).toEqual([]);
    }
  });
});

describe('normal draws on the wasm backend', () => {
  beforeAll(async () => {
    await selectBackend({ name: 'wasm', log: () => {} });
  });
  afterAll(async () => {
    await selectBackend({ name: 'cpu', log: () => {} });
  });

  it('take the kernel for a tensor in the heap, and JavaScript for a plain array', () => {
    const before = tf.memory().numTensors;
    let inHeap = false;
    const tensor = tensorFilledInPlace([5], (values) => {
      inHeap = isHeapView(values);
    });
    tensor.dispose();
    expect(inHeap).toBe(true);
    expect(isHeapView(new Float32Array(5))).toBe(false);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('randomNormal gives the JavaScript numbers, and frees what it makes', () => {
    const before = tf.memory().numTensors;
    for (const [seed, count] of [
      [11, 3],
      [12, 600_001],
    ] as const) {
      const draws = randomNormal(createKey(seed), [count]);
      const values = draws.dataSync() as Float32Array;
      expect(differences(values, reference(seed, count))).toEqual([]);
      draws.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
