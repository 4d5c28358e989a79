import { createKey } from '@bayesrnn/core';
import { checkLeaksAfterEachTest } from '@bayesrnn/testing';
import { describe, expect, it } from 'vitest';
import { SORT_POOL_BATCHES } from '../length-sorted-batches.js';
import {
  type ClassificationBatch,
  createClassificationBatches,
  createClassificationEvaluation,
} from './classification-batches.js';
import type { EncodedSentence } from './encode-sentences.js';

// Tensor-free today; the check keeps it so if the code under test starts making tensors.
checkLeaksAfterEachTest();

/** Sentence `i`: length 1 + (7i mod 40), ids `1000·i + t + 1` (so a row names its sentence). */
function makeSentences(count: number): EncodedSentence[] {
  return Array.from({ length: count }, (_, i) => ({
    ids: Int32Array.from({ length: 1 + ((7 * i) % 40) }, (_, t) => 1000 * i + t + 1),
    label: i % 3,
  }));
}

const sentences = makeSentences(1234);
const key = createKey(5);
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

/** The sentence each row holds, read from its first token; also checks every row's layout. */
function rowsOf(batch: ClassificationBatch, source: readonly EncodedSentence[]): number[] {
  const { rows, steps, tokens, lengths, labels } = batch;
  expect(tokens.length).toBe(rows * steps);
  expect(steps).toBe(Math.max(...lengths));
  return range(rows).map((row) => {
    const first = tokens[row * steps] ?? 0;
    const index = first === 0 ? -1 : Math.floor((first - 1) / 1000);
    const sentence = source[index] ?? { ids: new Int32Array(0), label: -1 };
    const length = lengths[row] ?? 0;
    expect(length).toBe(sentence.ids.length);
    expect(labels[row]).toBe(sentence.label);
    expect(tokens.subarray(row * steps, row * steps + length)).toEqual(sentence.ids);
    // Right-padded with zeros.
    expect(tokens.subarray(row * steps + length, (row + 1) * steps).every((id) => id === 0)).toBe(
      true,
    );
    return index;
  });
}

describe('createClassificationBatches', () => {
  const batchSize = 10;
  const source = createClassificationBatches(sentences, { batchSize, key });

  it('serves every example exactly once per epoch in ceil(N / batchSize) batches', () => {
    expect(source.examples).toBe(1234);
    expect(source.batchesPerEpoch).toBe(124);
    for (const epoch of [0, 1, 7]) {
      const seen: number[] = [];
      const sizes: number[] = [];
      for (let index = 0; index < source.batchesPerEpoch; index += 1) {
        const batch = source.batch(epoch, index);
        const rows = rowsOf(batch, sentences);
        expect(rows).toEqual([...source.exampleIndices(epoch, index)]);
        seen.push(...rows);
        sizes.push(batch.rows);
      }
      expect(seen.sort((a, b) => a - b)).toEqual(range(1234));
      expect(sizes.filter((size) => size !== batchSize)).toEqual([4]);
    }
  });

  it('is a pure function of (epoch, index), whatever was asked before', () => {
    const again = createClassificationBatches(sentences, { batchSize, key });
    const first = source.batch(3, 17);
    source.batch(4, 0);
    expect(source.batch(3, 17)).toEqual(first);
    expect(again.batch(3, 17)).toEqual(first);
    expect(again.batch(9, 123)).toEqual(source.batch(9, 123));
  });

  it('orders each epoch differently, and differently for another key', () => {
    const order = (batches: typeof source, epoch: number): number[] =>
      range(batches.batchesPerEpoch).flatMap((index) => [...batches.exampleIndices(epoch, index)]);
    expect(order(source, 1)).not.toEqual(order(source, 0));
    const other = createClassificationBatches(sentences, { batchSize, key: createKey(6) });
    expect(order(other, 0)).not.toEqual(order(source, 0));
  });

  it('groups similar lengths (little padding) and shuffles the batch order', () => {
    expect(SORT_POOL_BATCHES).toBe(50);
    const spans: number[] = [];
    const steps: number[] = [];
    for (let index = 0; index < source.batchesPerEpoch; index += 1) {
      const batch = source.batch(2, index);
      spans.push(batch.steps - Math.min(...batch.lengths));
      steps.push(batch.steps);
    }
    // A pool of 500 examples over 40 lengths: a batch of 10 spans about one length; a random
    // batch would span about 30.
    expect(spans.reduce((a, b) => a + b, 0) / spans.length).toBeLessThan(2);
    const rising = steps.every((value, i) => i === 0 || (steps[i - 1] ?? 0) <= value);
    expect(rising).toBe(false);
  });

  it('a batch has as many steps as its longest sentence; an empty sentence is one padding step', () => {
    const few: EncodedSentence[] = [
      { ids: Int32Array.of(5, 6, 7), label: 1 },
      { ids: new Int32Array(0), label: 0 },
      { ids: Int32Array.of(9), label: 2 },
    ];
    const batch = createClassificationBatches(few, { batchSize: 8, key }).batch(0, 0);
    expect(batch.rows).toBe(3);
    expect(batch.steps).toBe(3);
    // Sorted by length inside the pool: the empty sentence and [9] (length 1) before [5, 6, 7].
    expect(batch.lengths).toEqual(Int32Array.of(1, 1, 3));
    expect(batch.tokens.subarray(6)).toEqual(Int32Array.of(5, 6, 7));
    expect(batch.tokens.subarray(0, 6).filter((id) => id !== 0)).toEqual(Int32Array.of(9));
  });

  it('refuses bad options and indices, naming them', () => {
    const who = 'createClassificationBatches';
    expect(() => createClassificationBatches(sentences, { batchSize: 0, key })).toThrow(
      `${who}: batchSize must be an integer ≥ 1, got 0`,
    );
    expect(() => createClassificationBatches([], { batchSize: 2, key })).toThrow(
      `${who}: sentences is empty`,
    );
    const badLabel = [
      { ids: Int32Array.of(1), label: 0 },
      { ids: Int32Array.of(1), label: -1 },
    ];
    expect(() => createClassificationBatches(badLabel, { batchSize: 2, key })).toThrow(
      `${who}: sentences[1].label must be a non-negative integer, got -1`,
    );
    const plainIds = [{ ids: [1, 2] as never, label: 0 }];
    expect(() => createClassificationBatches(plainIds, { batchSize: 2, key })).toThrow(
      new TypeError(`${who}: sentences[0].ids must be an Int32Array`),
    );
    expect(() =>
      createClassificationBatches(sentences, { batchSize: 2, key: {} as never }),
    ).toThrow(/createClassificationBatches: key: expected an RngKey/);
    expect(() => source.batch(-1, 0)).toThrow(
      `${who}: epoch must be an integer in [0, 4294967296), got -1`,
    );
    expect(() => source.batch(0, 124)).toThrow(
      `${who}: index must be an integer in [0, 124), got 124`,
    );
    expect(() => source.exampleIndices(0, 0.5)).toThrow(/index must be an integer/);
  });
});

describe('createClassificationEvaluation', () => {
  const evaluation = createClassificationEvaluation(sentences, { batchSize: 100 });

  it('serves every example once, by length then index, in ceil(N / batchSize) batches', () => {
    expect(evaluation.examples).toBe(1234);
    expect(evaluation.batches).toBe(13);
    const order: number[] = [];
    for (let index = 0; index < evaluation.batches; index += 1) {
      const batch = evaluation.batch(index);
      expect(batch.rows).toBe(index < 12 ? 100 : 34);
      const rows = rowsOf(batch, sentences);
      expect(rows).toEqual([...evaluation.exampleIndices(index)]);
      order.push(...rows);
    }
    const expected = range(1234).sort(
      (a, b) => (sentences[a]?.ids.length ?? 0) - (sentences[b]?.ids.length ?? 0) || a - b,
    );
    expect(order).toEqual(expected);
  });

  it('is fixed: the same batches every time', () => {
    const again = createClassificationEvaluation(sentences, { batchSize: 100 });
    expect(again.batch(5)).toEqual(evaluation.batch(5));
    expect(evaluation.batch(5)).toEqual(evaluation.batch(5));
  });

  it('refuses bad options and indices, naming them', () => {
    const who = 'createClassificationEvaluation';
    expect(() => createClassificationEvaluation(sentences, { batchSize: 1.5 })).toThrow(
      `${who}: batchSize must be an integer ≥ 1, got 1.5`,
    );
    expect(() => createClassificationEvaluation([], { batchSize: 1 })).toThrow(
      `${who}: sentences is empty`,
    );
    expect(() => evaluation.batch(13)).toThrow(
      `${who}: index must be an integer in [0, 13), got 13`,
    );
  });
});
