import { createKey } from '@bayesrnn/core';
import { checkLeaksAfterEachTest, countNewTensors, expectClose } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it, vi } from 'vitest';
import { mistyped } from './__fixtures__/harness.js';
import { wordTypeDropoutMask } from './word-type-dropout.js';

const key = createKey(4);
checkLeaksAfterEachTest();

/** The mask as `[row][step]` numbers. */
function rows(mask: tf.Tensor3D): number[][] {
  return (mask.arraySync() as number[][][]).map((row) => row.map((cell) => cell[0] ?? Number.NaN));
}

describe('wordTypeDropoutMask (Gal: drop whole word types per sequence)', () => {
  it('is [batchSize, steps, 1] with values 0 or 1/(1 − p)', () => {
    const tokens = tf.tensor2d(
      [
        [1, 2, 3, 4],
        [5, 6, 7, 8],
      ],
      undefined,
      'int32',
    );
    const mask = wordTypeDropoutMask(key, tokens, 0.3);
    expect(mask.shape).toEqual([2, 4, 1]);
    for (const v of mask.dataSync()) expect([0, Math.fround(1 / 0.7)]).toContain(v);
    tf.dispose([tokens, mask]);
  });

  it('ties every repeat of an id within a row', () => {
    // Each row repeats ids 0..9 five times in a scrambled order.
    const batchSize = 32;
    const steps = 50;
    const ids = new Int32Array(batchSize * steps).map((_, k) => ((k % steps) * 7) % 10);
    const mask = wordTypeDropoutMask(key, ids, 0.5, batchSize);
    rows(mask).forEach((row, r) => {
      const seen = new Map<number, number>();
      row.forEach((value, t) => {
        const id = ids[r * steps + t] ?? -1;
        expect(value, `row ${r}, id ${id}`).toBe(seen.get(id) ?? value);
        seen.set(id, value);
      });
    });
    mask.dispose();
  });

  it('does not tie across rows (the yaringal/BayesianRNN#4 bug): rows decide independently', () => {
    // 64 identical rows of one repeated id: with p = 0.5, all-equal rows would have chance 2^-63.
    const ids = new Int32Array(64 * 5).fill(42);
    const mask = wordTypeDropoutMask(key, ids, 0.5, 64);
    const firstOfRow = rows(mask).map((row) => row[0]);
    expect(new Set(firstOfRow).size).toBe(2);
    mask.dispose();
  });

  it('drops a fraction p of (row, word type) pairs (20k pairs, ±5 standard errors)', () => {
    const batchSize = 200;
    const steps = 100; // 100 distinct ids per row
    const ids = new Int32Array(batchSize * steps).map((_, k) => k % steps);
    const mask = wordTypeDropoutMask(key, ids, 0.25, batchSize);
    const dropped = mask.dataSync().filter((v) => v === 0).length / (batchSize * steps);
    // sd = sqrt(0.25 · 0.75 / 20000) ≈ 0.00306: 5 sd ≈ 0.0153.
    expect(Math.abs(dropped - 0.25)).toBeLessThan(0.0153);
    mask.dispose();
  });

  it('is deterministic under a key, differs across keys; rate 0 keeps everything', () => {
    const ids = new Int32Array(40).map((_, k) => k % 13);
    tf.tidy(() => {
      expectClose(wordTypeDropoutMask(key, ids, 0.5, 4), wordTypeDropoutMask(key, ids, 0.5, 4), {
        rtol: 0,
        atol: 0,
      });
      const other = rows(wordTypeDropoutMask(createKey(5), ids, 0.5, 4));
      expect(other).not.toEqual(rows(wordTypeDropoutMask(key, ids, 0.5, 4)));
      expectClose(wordTypeDropoutMask(key, ids, 0, 4), tf.ones([4, 10, 1]), { rtol: 0, atol: 0 });
    });
  });

  it('gives a tensor and an Int32Array of the same ids the same mask', () => {
    const ids = new Int32Array([3, 1, 3, 9, 1, 1, 2, 2, 5, 3, 5, 3]);
    tf.tidy(() => {
      const tokens = tf.tensor2d(ids, [3, 4], 'int32');
      expectClose(wordTypeDropoutMask(key, tokens, 0.5), wordTypeDropoutMask(key, ids, 0.5, 3), {
        rtol: 0,
        atol: 0,
      });
      expect(wordTypeDropoutMask(key, ids, 0.5).shape).toEqual([1, 12, 1]);
    });
  });

  it('leaves only its result and refuses bad shapes and rates', async () => {
    const ids = new Int32Array(6);
    const results: tf.Tensor[] = [];
    expect(
      await countNewTensors(() => void results.push(wordTypeDropoutMask(key, ids, 0.5, 2))),
    ).toBe(1);
    tf.dispose(results);
    expect(() => wordTypeDropoutMask(key, ids, 0.5, 4)).toThrow(
      'wordTypeDropoutMask: 6 tokens do not split into 4 rows',
    );
    expect(() => wordTypeDropoutMask(key, ids, 1, 2)).toThrow(
      /rate must be a dropout rate in \[0, 1\)/,
    );
    tf.tidy(() => {
      expect(() => wordTypeDropoutMask(key, mistyped<tf.Tensor2D>(tf.zeros([6])), 0.5)).toThrow(
        'wordTypeDropoutMask: tokens must be [batchSize, steps], got [6]',
      );
      expect(() => wordTypeDropoutMask(key, tf.zeros([2, 3]) as tf.Tensor2D, 0.5, 3)).toThrow(
        'wordTypeDropoutMask: batchSize 3 differs from tokens [2, 3]',
      );
    });
  });

  it('reads a tensor of ids once: later masks of it need no read (a GPU may not allow one)', () => {
    // WebGPU in Node cannot read device data synchronously; once the ids are on the device,
    // dataSync throws. The refusal is simulated here, where no GPU runs.
    const ids = Int32Array.from([3, 1, 3, 2, 7, 7]);
    const tokens = tf.tensor2d(ids, [2, 3], 'int32');
    const first = wordTypeDropoutMask(key, tokens, 0.5);
    const refuse = vi.spyOn(tokens, 'dataSync').mockImplementation(() => {
      throw new Error('no synchronous read');
    });
    const other = createKey(9);
    const again = wordTypeDropoutMask(other, tokens, 0.5);
    const fromHost = wordTypeDropoutMask(other, ids, 0.5, 2);
    expect(refuse).not.toHaveBeenCalled();
    expect(rows(again)).toEqual(rows(fromHost));
    const fresh = tf.tensor2d(ids, [2, 3], 'int32');
    vi.spyOn(fresh, 'dataSync').mockImplementation(() => {
      throw new Error('no synchronous read');
    });
    expect(() => wordTypeDropoutMask(key, fresh, 0.5)).toThrow(
      `wordTypeDropoutMask: cannot read the token ids on the host (backend ${tf.getBackend()}: ` +
        'no synchronous read); make the mask before',
    );
    tf.dispose([tokens, fresh, first, again, fromHost]);
  });

  it('reads a variable of ids afresh: assigning it changes the mask', () => {
    const initial = tf.tensor2d([[1, 2, 3, 4]], undefined, 'int32');
    const tokens = tf.variable(initial);
    const before = wordTypeDropoutMask(key, tokens, 0.5);
    const replacement = tf.tensor2d([[5, 6, 7, 8]], undefined, 'int32');
    tokens.assign(replacement);
    const after = wordTypeDropoutMask(key, tokens, 0.5);
    const expected = wordTypeDropoutMask(key, Int32Array.from([5, 6, 7, 8]), 0.5);
    expect(rows(after)).toEqual(rows(expected));
    tf.dispose([initial, tokens, replacement, before, after, expected]);
  });
});
