import { kernelSourceSha256, type TestLinearMemory, wasmTestMemory } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selectBackend } from '../backend/select-backend.js';
import {
  instantiateOnMemory,
  kernelFunction,
  tensorFilledInPlace,
  wasmHeapBlock,
  wasmHeapMemory,
} from '../backend/wasm-heap.js';
import { isHeapView } from './noise-kernel.js';
import { normalBlockCount, normalBlockParts } from './normal-blocks.js';
import { randomNormal, standardNormalArray } from './random-ops.js';
import { createKey } from './rng-key.js';
import { wordStream } from './xoshiro128.js';
import { ZIGGURAT_SOURCE_SHA256 } from './ziggurat-wasm.generated.js';
import {
  type FillStandardNormalBlocksExport,
  writeZigguratTables,
  ZIGGURAT_MODULE,
  ZIGGURAT_TABLE_BYTES,
} from './ziggurat-wasm.js';

type F64Export = (x: number) => number;

/** Bit patterns as doubles, from a seeded word stream (covers NaNs, infinities, subnormals). */
function randomDoubles(seed: number, count: number): Float64Array {
  const words = wordStream(createKey(seed));
  const out = new Float64Array(count);
  const bits = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) bits[i] = words.nextUint32();
  return out;
}

function mismatches(
  ours: (x: number) => number,
  theirs: (x: number) => number,
  xs: Iterable<number>,
): number[] {
  const bad: number[] = [];
  for (const x of xs) if (!Object.is(ours(x), theirs(x))) bad.push(x);
  return bad;
}

describe('ziggurat.c (fdlibm exp and log)', () => {
  const exports = instantiateOnMemory(ZIGGURAT_MODULE, wasmTestMemory(4));
  const exp = kernelFunction<F64Export>(exports, 'exp_f64');
  const log = kernelFunction<F64Export>(exports, 'log_f64');

  it('was compiled from the committed source (rerun scripts/build-wasm-kernel.sh)', () => {
    expect(kernelSourceSha256(new URL('../../wasm/ziggurat.c', import.meta.url))).toBe(
      ZIGGURAT_SOURCE_SHA256,
    );
  });

  it('log equals Math.log on every argument the tail draws (1 − k·2^−24), and anywhere', () => {
    const tailArguments = function* () {
      for (let k = 0; k < 2 ** 24; k++) yield 1 - k * 2 ** -24;
    };
    expect(mismatches(log, Math.log, tailArguments())).toEqual([]);
    expect(mismatches(log, Math.log, randomDoubles(1, 200_000))).toEqual([]);
    const special = [0, -0, -1, 1, 2, 0.5, 5e-324, 1e-310, Number.MAX_VALUE, Infinity, -Infinity];
    expect(mismatches(log, Math.log, [...special, Number.NaN])).toEqual([]);
  });

  it('exp equals Math.exp on the wedge range [−R²/2, 0], and anywhere', () => {
    const words = wordStream(createKey(2));
    // Uniform doubles in [−R²/2, 0] ≈ [−5.93, 0]: every argument the wedge test can pass.
    const wedge = Array.from(
      { length: 1_000_000 },
      () => -0.5 * 3.442619855899 ** 2 * (words.nextUint32() / 2 ** 32),
    );
    expect(mismatches(exp, Math.exp, wedge)).toEqual([]);
    expect(mismatches(exp, Math.exp, randomDoubles(3, 200_000))).toEqual([]);
    const special = [0, -0, 1, -1, 0.3465, 1.0397, 709.78, 709.79, -745.13, -745.14, -708.5];
    expect(mismatches(exp, Math.exp, [...special, Infinity, -Infinity, Number.NaN])).toEqual([]);
  });
});

/**
 * Runs the kernel in `memory`: tables, then `count` draws of `seed`'s key with sentinels
 * around them, the blocks drawn in the calls `[first, end)` of `parts` (default: one call).
 */
function drawInMemory(
  memory: TestLinearMemory,
  seed: number,
  count: number,
  parts: ReadonlyArray<readonly [number, number]> = [[0, normalBlockCount(count)]],
): Float32Array {
  const tablesAt = 64; // bytes
  const outAt = (tablesAt + ZIGGURAT_TABLE_BYTES) / 4 + 16; // floats
  const heap = new Float32Array(memory.buffer);
  heap.fill(-7.25, outAt - 16, outAt + count + 16);
  writeZigguratTables(memory.buffer, tablesAt);
  const fill = kernelFunction<FillStandardNormalBlocksExport>(
    instantiateOnMemory(ZIGGURAT_MODULE, memory),
    'fill_standard_normal_blocks',
  );
  const [w0, w1] = createKey(seed).words;
  for (const [first, end] of parts) fill(outAt * 4, count, tablesAt, w0, w1, first, end);
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

describe.each(['plain', 'shared'] as const)('the ziggurat kernel in %s memory', (kind) => {
  it('draws exactly the JavaScript numbers in any split of its blocks, writing nothing outside', () => {
    const memory = wasmTestMemory(80, kind);
    for (const [seed, count] of [
      [1, 0],
      [2, 1],
      [3, 7],
      [4, 1_000_003],
    ] as const) {
      const draws = drawInMemory(memory, seed, count);
      const inParts = drawInMemory(memory, seed, count, normalBlockParts(count, 3).reverse());
      expect(differences(draws, standardNormalArray(createKey(seed), count))).toEqual([]);
      expect(differences(inParts, draws)).toEqual([]);
      if (count > 1000) {
        // A million draws take the slow paths: wedges, and about 580 tails beyond R ≈ 3.44.
        const tails = draws.filter((x) => Math.abs(x) > 3.442619855899).length;
        expect(tails).toBeGreaterThan(400);
      }
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

  it('randomNormal gives the JavaScript numbers, and frees what it makes', () => {
    const before = tf.memory().numTensors;
    for (const [seed, count] of [
      [11, 3],
      [12, 600_001],
    ] as const) {
      const draws = randomNormal(createKey(seed), [count]);
      const values = draws.dataSync() as Float32Array;
      expect(differences(values, standardNormalArray(createKey(seed), count))).toEqual([]);
      draws.dispose();
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
