import { createKey } from '@bayesrnn/core';
import { checkLeaksAfterEachTest } from '@bayesrnn/testing';
import { describe, expect, it } from 'vitest';
import { readRecallBatch } from './__fixtures__/read-recall-batch.js';
import { createBinaryAlphabet } from './binary-alphabet.js';
import { RECALL_TASKS } from './recall-sequences.js';
import { DEFAULT_RECALL_BATCH_CONFIG, type RecallBatchOptions } from './recall-tasks.js';

checkLeaksAfterEachTest();

const alphabet = createBinaryAlphabet(createKey(0));
const FRAME = alphabet.frameSize;

/** A batch read back to host arrays (and disposed), with per-sequence accessors. */
const read = (seed: number, options: Partial<RecallBatchOptions> = {}) =>
  readRecallBatch(alphabet, seed, options);

/** Pixels where a frame differs from the prototype of `symbol`. */
function flipsFrom(frame: Float32Array, symbol: number): number {
  let count = 0;
  for (let p = 0; p < FRAME; p += 1) {
    if (frame[p] !== alphabet.prototypes[symbol * FRAME + p]) count += 1;
  }
  return count;
}

const same = (a: Float32Array, b: Float32Array) => a.every((pixel, i) => pixel === b[i]);
/** 5σ binomial tolerance on a proportion of n draws. */
const tolerance = (p: number, n: number) => 5 * Math.sqrt((p * (1 - p)) / n);

describe('makeRecallBatch', () => {
  it('makes [batchSize, l + k, frameSize] float32 frames, int32 labels and a recall mask', () => {
    expect(DEFAULT_RECALL_BATCH_CONFIG).toMatchObject({ batchSize: 32, preRecall: 10, recall: 3 });
    for (const task of RECALL_TASKS) {
      const batch = read(1, { task, batchSize: 4 });
      expect(batch.shapes).toEqual({
        frames: [4, 13, 49],
        labels: [4, 13],
        recallMask: [4, 13],
        dtypes: ['float32', 'int32', 'float32'],
      });
      expect(batch.frames.every((pixel) => pixel === 0 || pixel === 1)).toBe(true);
      expect(batch.labels.every((label) => label >= 0 && label < 10)).toBe(true);
      const maskRow = Array.from({ length: 13 }, (_, t) => (t >= 10 ? 1 : 0));
      expect(Array.from(batch.recallMask)).toEqual([
        ...maskRow,
        ...maskRow,
        ...maskRow,
        ...maskRow,
      ]);
    }
  });

  it('is a function of the key: same key same batch, another key another', () => {
    for (const task of RECALL_TASKS) {
      const a = read(3, { task, batchSize: 8 });
      const b = read(3, { task, batchSize: 8 });
      const c = read(4, { task, batchSize: 8 });
      expect(b.frames).toEqual(a.frames);
      expect(b.labels).toEqual(a.labels);
      expect(c.labels).not.toEqual(a.labels);
      expect(c.frames).not.toEqual(a.frames);
    }
  });

  it('matches a fixed fixture on every backend (host-drawn numbers)', () => {
    const { labels, frames } = read(2024, { batchSize: 2 });
    const checksum = frames.reduce((sum, pixel, i) => sum + pixel * ((i % 97) + 1), 0);
    // Perfect recall, l = 10, k = 3: each row's last 3 labels repeat its first 3.
    expect(labels.join(' ')).toBe('6 4 9 8 8 5 2 8 9 4 6 4 9 7 5 2 6 0 4 6 5 6 2 7 5 2');
    expect(checksum).toBe(32445);
  });

  it('gives one key the same pre-recall frames for every task and exemplar choice', () => {
    const base = read(5, { batchSize: 8 });
    const variants = [
      ...RECALL_TASKS.map((task) => read(5, { task, batchSize: 8 })),
      read(5, { batchSize: 8, freshRecallExemplars: true }),
    ];
    for (const variant of variants) {
      for (let row = 0; row < 8; row += 1) {
        for (let step = 0; step < 10; step += 1) {
          expect(variant.label(row, step)).toBe(base.label(row, step));
          expect(same(variant.frame(row, step), base.frame(row, step))).toBe(true);
        }
      }
    }
  });

  it('draws pre-recall labels uniformly and fresh exemplars with 10% flips', () => {
    const batch = read(6, { batchSize: 512 });
    const counts = new Array<number>(10).fill(0);
    let flips = 0;
    for (let row = 0; row < 512; row += 1) {
      for (let step = 0; step < 10; step += 1) {
        const symbol = batch.label(row, step);
        counts[symbol] = (counts[symbol] as number) + 1;
        flips += flipsFrom(batch.frame(row, step), symbol);
      }
    }
    // 5120 labels: each count ~ Binomial(5120, 0.1), σ ≈ 21.5.
    for (const count of counts)
      expect(Math.abs(count / 5120 - 0.1)).toBeLessThan(tolerance(0.1, 5120));
    // 250,880 pixels: σ ≈ 0.0006.
    const pixels = 5120 * FRAME;
    expect(Math.abs(flips / pixels - 0.1)).toBeLessThan(tolerance(0.1, pixels));
  });
});

describe('makeRecallBatch tasks', () => {
  it('perfect recall (Alg. 1) repeats the first k frames verbatim', () => {
    const batch = read(7, { task: 'perfect-recall', batchSize: 16, preRecall: 15, recall: 5 });
    for (let row = 0; row < 16; row += 1) {
      for (let j = 0; j < 5; j += 1) {
        expect(batch.label(row, 15 + j)).toBe(batch.label(row, j));
        expect(same(batch.frame(row, 15 + j), batch.frame(row, j))).toBe(true);
      }
    }
  });

  it('perfect recall with fresh exemplars repeats the symbols with new 10%-noise images', () => {
    const batch = read(8, { batchSize: 256, freshRecallExemplars: true });
    let identical = 0;
    let flips = 0;
    for (let row = 0; row < 256; row += 1) {
      for (let j = 0; j < 3; j += 1) {
        expect(batch.label(row, 10 + j)).toBe(batch.label(row, j));
        if (same(batch.frame(row, 10 + j), batch.frame(row, j))) identical += 1;
        flips += flipsFrom(batch.frame(row, 10 + j), batch.label(row, j));
      }
    }
    // Two independent exemplars agree everywhere with probability 0.82^49 ≈ 6e-5.
    expect(identical).toBeLessThanOrEqual(1);
    const pixels = 256 * 3 * FRAME;
    expect(Math.abs(flips / pixels - 0.1)).toBeLessThan(tolerance(0.1, pixels));
  });

  it('parity recall (Alg. 2) shows symbol 0 for odd labels, 1 for even, as fresh exemplars', () => {
    const batch = read(9, { task: 'parity-recall', batchSize: 256 });
    let flips = 0;
    let copies = 0;
    for (let row = 0; row < 256; row += 1) {
      for (let j = 0; j < 3; j += 1) {
        const parity = batch.label(row, j) % 2;
        expect(batch.label(row, 10 + j)).toBe(parity === 1 ? 0 : 1);
        flips += flipsFrom(batch.frame(row, 10 + j), batch.label(row, 10 + j));
        for (let step = 0; step < 10 + j; step += 1) {
          if (same(batch.frame(row, 10 + j), batch.frame(row, step))) copies += 1;
        }
      }
    }
    const pixels = 256 * 3 * FRAME;
    expect(Math.abs(flips / pixels - 0.1)).toBeLessThan(tolerance(0.1, pixels));
    expect(copies).toBeLessThanOrEqual(1);
  });

  it('dynamic dependency (Alg. 3) copies the frame the previous label points at', () => {
    const batch = read(10, { task: 'dynamic-dependency', batchSize: 64, preRecall: 20, recall: 5 });
    for (let row = 0; row < 64; row += 1) {
      for (let j = 0; j < 5; j += 1) {
        const address = batch.label(row, 20 + j - 1);
        expect(batch.label(row, 20 + j)).toBe(batch.label(row, address));
        expect(same(batch.frame(row, 20 + j), batch.frame(row, address))).toBe(true);
      }
    }
    const fresh = read(10, {
      task: 'dynamic-dependency',
      batchSize: 8,
      freshRecallExemplars: true,
    });
    for (let row = 0; row < 8; row += 1) {
      for (let j = 0; j < 3; j += 1) {
        expect(fresh.label(row, 10 + j)).toBe(fresh.label(row, fresh.label(row, 9 + j)));
      }
    }
  });

  it('similarity-cued recall (Alg. 4) copies the block sequence[r : r + k], r ∈ {1 … l − k}', () => {
    const starts = new Set<number>();
    const batch = read(11, {
      task: 'similarity-cued-recall',
      batchSize: 256,
      preRecall: 20,
      recall: 5,
    });
    for (let row = 0; row < 256; row += 1) {
      const matches: number[] = [];
      for (let start = 0; start <= 15; start += 1) {
        const copies = [0, 1, 2, 3, 4].every(
          (j) =>
            batch.label(row, 20 + j) === batch.label(row, start + j) &&
            same(batch.frame(row, 20 + j), batch.frame(row, start + j)),
        );
        if (copies) matches.push(start);
      }
      expect(matches.length).toBeGreaterThan(0);
      expect(matches[0]).toBeGreaterThanOrEqual(1);
      starts.add(matches[0] as number);
    }
    // 256 starts over 15 values: every value appears (P(one missing) ≈ 15·(14/15)^256 ≈ 3e-7).
    expect([...starts].sort((a, b) => a - b)).toEqual(Array.from({ length: 15 }, (_, i) => i + 1));
  });
});
