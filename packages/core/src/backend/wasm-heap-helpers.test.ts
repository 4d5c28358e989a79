import { wasmTestMemory } from '@bayesrnn/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instantiateOnMemory, kernelFunction, type LinearMemory } from './wasm-heap.js';
import {
  DEFAULT_ANSWER_SPIN_MICROSECONDS,
  type HeapHelperPool,
  type HeapKernelCall,
  MIN_ELEMENTS_PER_THREAD,
} from './wasm-heap-helpers.js';
import { DEFAULT_HELPER_SPIN_MICROSECONDS, startHeapHelpers } from './wasm-heap-helpers-start.js';
import { SIMD_EXP, SIMD_SOFTPLUS, type UnarySimdKernel } from './wasm-unary-simd.js';

type Unary = (x: number, y: number, n: number) => void;

/** 64 pages (4 MiB), able to grow to 128. */
const PAGES = 64;
const INPUT = 4096; // byte offsets
const OUTPUT = INPUT + 4 * 300_000;

/** A call of `kernel` over `size` floats from {@link INPUT} to `output`. */
function unaryCall(
  memory: LinearMemory,
  kernel: UnarySimdKernel,
  size: number,
  output = OUTPUT,
  input = INPUT,
): HeapKernelCall {
  const local = kernelFunction<Unary>(
    instantiateOnMemory(kernel.module, memory),
    kernel.exportName,
  );
  return {
    module: kernel.module,
    exportName: kernel.exportName,
    local,
    pointers: [input, output],
    size,
    scalars: [],
    where: 'test',
  };
}

/** Fills the input with a sweep through the interesting ranges and the output with a marker. */
function prepare(memory: LinearMemory, size: number): void {
  const heap = new Float32Array(memory.buffer);
  heap.fill(-7.25);
  for (let i = 0; i < size; i++) heap[INPUT / 4 + i] = Math.sin(i * 0.37) * 60;
}

const outputOf = (memory: LinearMemory, size: number, at = OUTPUT) =>
  new Float32Array(memory.buffer).slice(at / 4, at / 4 + size + 16);

describe.each([1, 2, 3])('HeapHelperPool with %i helper(s)', (helpers) => {
  const memory = wasmTestMemory(PAGES, 'shared');
  let pool: HeapHelperPool;
  beforeAll(async () => {
    pool = await startHeapHelpers(memory, helpers);
  });
  afterAll(async () => {
    await pool.close();
  });

  it.each([MIN_ELEMENTS_PER_THREAD - 1, 2 * MIN_ELEMENTS_PER_THREAD, 100_003, 299_999])(
    'splits a call of %i elements and writes exactly what one thread writes',
    (size) => {
      for (const kernel of [SIMD_SOFTPLUS, SIMD_EXP]) {
        prepare(memory, size);
        const call = unaryCall(memory, kernel, size);
        (call.local as Unary)(INPUT, OUTPUT, size);
        const alone = outputOf(memory, size);
        prepare(memory, size);
        expect(pool.run(call)).toBe(0);
        const split = outputOf(memory, size);
        // Bit for bit, and the marker after the output is untouched.
        expect(split.every((v, i) => Object.is(v, alone[i]))).toBe(true);
        expect(split[size]).toBe(-7.25);
      }
    },
  );

  it('runs a call on the helpers alone beside work on the calling thread', () => {
    const size = 100_003;
    prepare(memory, size);
    const call = unaryCall(memory, SIMD_EXP, size);
    (call.local as Unary)(INPUT, OUTPUT, size);
    const alone = outputOf(memory, size);
    prepare(memory, size);
    const besideAt = OUTPUT + 4 * (size + 64);
    let besideRan = false;
    pool.runBeside(call, () => {
      new Float32Array(memory.buffer, besideAt, 1000).fill(3);
      besideRan = true;
    });
    const split = outputOf(memory, size);
    expect(besideRan).toBe(true);
    expect(split.every((v, i) => Object.is(v, alone[i]))).toBe(true);
    expect(new Float32Array(memory.buffer, besideAt, 1000).every((v) => v === 3)).toBe(true);
  });

  it('runs caller-planned parts, on helpers when there are enough, else one after another', () => {
    const size = 30_000;
    for (const partCount of [1, helpers + 1, helpers + 2]) {
      prepare(memory, size);
      const call = unaryCall(memory, SIMD_SOFTPLUS, size);
      (call.local as Unary)(INPUT, OUTPUT, size);
      const alone = outputOf(memory, size);
      prepare(memory, size);
      // Uneven parts, as a caller would plan them: [start, end) each.
      const bounds = Array.from({ length: partCount + 1 }, (_, i) =>
        Math.round((size * i * i) / (partCount * partCount)),
      );
      const parts = bounds
        .slice(1)
        .map((end, i) => [
          INPUT + 4 * (bounds[i] ?? 0),
          OUTPUT + 4 * (bounds[i] ?? 0),
          end - (bounds[i] ?? 0),
        ]);
      expect(pool.runParts({ ...call, parts })).toBe(0);
      const split = outputOf(memory, size);
      expect(split.every((v, i) => Object.is(v, alone[i]))).toBe(true);
      expect(split[size]).toBe(-7.25);
    }
    expect(pool.runParts({ ...unaryCall(memory, SIMD_EXP, 0), parts: [] })).toBe(0);
  });

  it('answers a thousand calls in a row', () => {
    prepare(memory, 40_000);
    const call = unaryCall(memory, SIMD_SOFTPLUS, 40_000);
    for (let i = 0; i < 1000; i++) pool.run(call);
    expect(outputOf(memory, 40_000)[39_999]).toBeCloseTo(
      Math.log1p(Math.exp(Math.sin(39_999 * 0.37) * 60)),
      4,
    );
  });

  it.each([
    { option: 'spinMicroseconds', fallback: DEFAULT_HELPER_SPIN_MICROSECONDS, what: 'for jobs' },
    {
      option: 'answerSpinMicroseconds',
      fallback: DEFAULT_ANSWER_SPIN_MICROSECONDS,
      what: 'for answers',
    },
  ] as const)(
    'polls $what as told ($option), answers the same, and refuses a bad value',
    async ({ option, fallback }) => {
      prepare(memory, 40_000);
      const call = unaryCall(memory, SIMD_SOFTPLUS, 40_000);
      (call.local as Unary)(INPUT, OUTPUT, 40_000);
      const alone = outputOf(memory, 40_000);
      expect(pool[option]).toBe(fallback);
      try {
        for (const micros of [0, 200, 5000]) {
          pool[option] = micros;
          expect(pool[option]).toBe(micros);
          for (let i = 0; i < 50; i++) {
            prepare(memory, 40_000);
            pool.run(call);
          }
          expect(outputOf(memory, 40_000).every((v, i) => Object.is(v, alone[i]))).toBe(true);
        }
      } finally {
        pool[option] = fallback;
      }
      for (const bad of [-1, 0.5, 2_000_000, Number.NaN]) {
        expect(() => {
          pool[option] = bad;
        }).toThrow(new RegExp(`${option} must be an integer in \\[0, 1000000\\], got`));
      }
      expect(pool[option]).toBe(fallback);
      await expect(startHeapHelpers(memory, 1, { [option]: 1.5 })).rejects.toThrow(
        new RegExp(`startHeapHelpers: ${option} must be an integer in \\[0, 1000000\\], got 1.5`),
      );
    },
  );

  it('reports a helper that traps, after waiting for every helper', () => {
    // The caller's chunk lies inside the memory; the last helper's runs past its end.
    const size = 200_000;
    const input = memory.buffer.byteLength - 4 * (size - 1000);
    const call = unaryCall(memory, SIMD_SOFTPLUS, size, input, input);
    expect(() => pool.run(call)).toThrow(
      /bayesrnn: test: a wasm helper thread failed: .*memory access out of bounds/,
    );
    // The pool still works after a failure.
    prepare(memory, 50_000);
    pool.run(unaryCall(memory, SIMD_EXP, 50_000));
    expect(outputOf(memory, 50_000)[0]).toBe(1);
  });
});

describe('HeapHelperPool', () => {
  it('sees memory the backend grows after the helpers started', async () => {
    const memory = wasmTestMemory(PAGES, 'shared');
    const pool = await startHeapHelpers(memory, 1);
    try {
      const grown = memory.buffer.byteLength;
      (memory as unknown as { grow(pages: number): number }).grow(PAGES);
      const size = 100_000;
      const heap = new Float32Array(memory.buffer);
      for (let i = 0; i < size; i++) heap[grown / 4 + i] = i % 7;
      const output = grown + 4 * size;
      pool.run(unaryCall(memory, SIMD_EXP, size, output, grown));
      const out = new Float32Array(memory.buffer, output, size);
      expect(out[size - 1]).toBeCloseTo(Math.exp((size - 1) % 7), 2);
      expect(out[size / 2 + 3]).toBeCloseTo(Math.exp((size / 2 + 3) % 7), 2);
    } finally {
      await pool.close();
    }
  });

  it('runs every call on the calling thread once closed', async () => {
    const memory = wasmTestMemory(PAGES, 'shared');
    const pool = await startHeapHelpers(memory, 2);
    expect(pool.parallelism).toBe(3);
    await pool.close();
    await pool.close(); // idempotent
    expect(pool.parallelism).toBe(1);
    prepare(memory, 100_000);
    pool.run(unaryCall(memory, SIMD_EXP, 100_000));
    const last = outputOf(memory, 100_000)[99_999] ?? 0;
    const exact = Math.exp(Math.fround(Math.sin(99_999 * 0.37) * 60));
    expect(Math.abs(last / exact - 1)).toBeLessThan(3e-7);
  });

  it('refuses a plain (unshared) memory, saying why', async () => {
    await expect(startHeapHelpers(wasmTestMemory(4), 1)).rejects.toThrow(
      'bayesrnn: wasm helper threads need a shared memory (the threaded build)',
    );
  });
});
