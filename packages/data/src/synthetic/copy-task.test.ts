import { createKey } from '@bayesrnn/core';
import { expectNoLeaks } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { makeCopyBatch } from './copy-task.js';

describe('makeCopyBatch', () => {
  it('lays out symbols, blanks, the marker and the copy (hand-checked layout)', () => {
    const batch = makeCopyBatch(createKey(3), {
      batchSize: 64,
      copyLength: 3,
      delay: 4,
      symbols: 8,
    });
    const inputs = batch.inputs.arraySync();
    const targets = batch.targets.arraySync();
    const mask = batch.copyMask.arraySync();
    expect(batch.vocabularySize).toBe(10);
    expect(batch.inputs.shape).toEqual([64, 10]);
    inputs.forEach((row, b) => {
      const symbols = row.slice(0, 3);
      expect(symbols.every((s) => s >= 1 && s <= 8)).toBe(true);
      // S symbols, T − 1 = 3 blanks, the marker 9, then S = 3 blanks.
      expect(row.slice(3)).toEqual([0, 0, 0, 9, 0, 0, 0]);
      expect(targets[b]).toEqual([0, 0, 0, 0, 0, 0, 0, ...symbols]);
      expect(mask[b]).toEqual([0, 0, 0, 0, 0, 0, 0, 1, 1, 1]);
    });
    // Every symbol 1 … 8 occurs in 192 draws (each misses with probability (7/8)^192 ≈ 1e−11).
    expect(new Set(inputs.flatMap((row) => row.slice(0, 3))).size).toBe(8);
    tf.dispose([batch.inputs, batch.targets, batch.copyMask]);
  });

  it('is the same batch for the same key and another for another key', () => {
    const [a, b, c] = [1, 1, 2].map((seed) => makeCopyBatch(createKey(seed), { batchSize: 4 }));
    expect(a?.inputs.arraySync()).toEqual(b?.inputs.arraySync());
    expect(a?.inputs.arraySync()).not.toEqual(c?.inputs.arraySync());
    for (const batch of [a, b, c])
      tf.dispose([batch?.inputs, batch?.targets, batch?.copyMask].filter((t) => t !== undefined));
  });

  it('names a bad option and makes only the three tensors it returns', async () => {
    expect(() => makeCopyBatch(createKey(1), { delay: 0 })).toThrow(
      'makeCopyBatch: delay must be a positive integer, got 0',
    );
    await expectNoLeaks(() => {
      const batch = makeCopyBatch(createKey(1), { batchSize: 2 });
      tf.dispose([batch.inputs, batch.targets, batch.copyMask]);
    }, 'makeCopyBatch');
  });
});
