import { createKey } from '@bayesrnn/core';
import { checkLeaksAfterEachTest } from '@bayesrnn/testing';
import { describe, expect, it } from 'vitest';
import type { CaptionBatch, CaptionExample } from './caption-batch.js';
import {
  type CaptionBatchSource,
  createCaptionBatches,
  createCaptionEvaluation,
} from './caption-batches.js';

checkLeaksAfterEachTest();

const BOS = 2;
const EOS = 3;
const IMAGES = 97;
/** Caption `i`: image `i mod 97`, 1 + (7i mod 20) words, ids `1000·i + t + 10`. */
const examples: CaptionExample[] = Array.from({ length: 1234 }, (_, i) => ({
  image: i % IMAGES,
  tokens: Int32Array.from({ length: 1 + ((7 * i) % 20) }, (_, t) => 1000 * i + t + 10),
}));
/** Image r's single feature is r. */
const features = { size: 1, data: Float32Array.from({ length: IMAGES }, (_, r) => r) };
const key = createKey(11);
const options = { batchSize: 10, key, bosId: BOS, eosId: EOS };
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
const totalTokens = examples.reduce((sum, { tokens }) => sum + tokens.length + 1, 0);

/** The caption each row holds, read from its first target; checks the row's whole layout. */
function captionsOf(batch: CaptionBatch): number[] {
  const { rows, steps, inputs, targets, lengths, images } = batch;
  expect([inputs.length, targets.length, batch.features.length]).toEqual([
    rows * steps,
    rows * steps,
    rows,
  ]);
  expect(steps).toBe(Math.max(...lengths));
  return range(rows).map((row) => {
    const index = Math.floor(((targets[row * steps] ?? 0) - 10) / 1000);
    const { image, tokens } = examples[index] ?? { image: -1, tokens: new Int32Array(0) };
    const n = tokens.length;
    const padding = new Int32Array(steps - n - 1);
    expect(lengths[row]).toBe(n + 1);
    expect(images[row]).toBe(image);
    expect(batch.features[row]).toBe(image);
    expect(inputs.subarray(row * steps, (row + 1) * steps)).toEqual(
      Int32Array.of(BOS, ...tokens, ...padding),
    );
    expect(targets.subarray(row * steps, (row + 1) * steps)).toEqual(
      Int32Array.of(...tokens, EOS, ...padding),
    );
    return index;
  });
}

const epochOrder = (source: CaptionBatchSource, epoch: number): number[] =>
  range(source.batchesPerEpoch).flatMap((index) => [...source.exampleIndices(epoch, index)]);

describe('createCaptionBatches', () => {
  const source = createCaptionBatches(examples, features, options);

  it('serves every caption exactly once per epoch, with its image', () => {
    expect([source.examples, source.batchesPerEpoch, source.tokens]).toEqual([
      1234,
      124,
      totalTokens,
    ]);
    for (const epoch of [0, 1, 6]) {
      const seen: number[] = [];
      for (let index = 0; index < source.batchesPerEpoch; index += 1) {
        const rows = captionsOf(source.batch(epoch, index));
        expect(rows).toEqual([...source.exampleIndices(epoch, index)]);
        seen.push(...rows);
      }
      expect(seen.sort((a, b) => a - b)).toEqual(range(1234));
    }
  });

  it('is a pure function of (epoch, index), whatever was asked before', () => {
    const reference = source.batch(5, 42);
    source.batch(0, 3); // another epoch's plan replaces the cached one
    expect(source.batch(5, 42)).toEqual(reference);
    const fresh = createCaptionBatches(examples, features, options);
    expect([fresh.batch(5, 42), fresh.batch(9, 0)]).toEqual([reference, source.batch(9, 0)]);
  });

  it('orders each epoch differently, and differently for another key', () => {
    expect(epochOrder(source, 1)).not.toEqual(epochOrder(source, 0));
    const other = createCaptionBatches(examples, features, { ...options, key: createKey(12) });
    expect(epochOrder(other, 0)).not.toEqual(epochOrder(source, 0));
  });

  it('puts captions of similar length together (little padding)', () => {
    let padding = 0;
    for (let index = 0; index < source.batchesPerEpoch; index += 1) {
      const { steps, lengths } = source.batch(2, index);
      padding += lengths.reduce((sum, length) => sum + steps - length, 0);
    }
    // Pools of 500 captions over 20 lengths: a batch of 10 spans about one length.
    expect(padding / 1234).toBeLessThan(1);
  });

  it('works without image features and with maxLength', () => {
    const plain = createCaptionBatches(
      examples,
      { size: 0, data: new Float32Array(0) },
      {
        ...options,
        maxLength: 5,
      },
    );
    expect(plain.tokens).toBe(
      examples.reduce((sum, e) => sum + Math.min(5, e.tokens.length) + 1, 0),
    );
    const batch = plain.batch(0, 0);
    expect([batch.featureSize, batch.features.length]).toEqual([0, 0]);
    expect(Math.max(...batch.lengths)).toBeLessThanOrEqual(6);
  });

  it('refuses bad options and indices, naming them', () => {
    const who = 'createCaptionBatches';
    expect(() => createCaptionBatches(examples, features, { ...options, batchSize: 0 })).toThrow(
      `${who}: batchSize must be an integer ≥ 1, got 0`,
    );
    expect(() =>
      createCaptionBatches(examples, features, { ...options, key: {} as never }),
    ).toThrow(/createCaptionBatches: key: expected an RngKey/);
    expect(() =>
      createCaptionBatches(examples, { size: 1, data: new Float32Array(5) }, options),
    ).toThrow(
      `${who}: examples[5].image must be a row of the features, an integer in [0, 5), got 5`,
    );
    expect(() => source.batch(-1, 0)).toThrow(
      `${who}: epoch must be an integer in [0, 4294967296)`,
    );
    expect(() => source.batch(0, 124)).toThrow(
      `${who}: index must be an integer in [0, 124), got 124`,
    );
  });
});

describe('createCaptionEvaluation', () => {
  const evaluation = createCaptionEvaluation(examples, features, {
    batchSize: 100,
    bosId: BOS,
    eosId: EOS,
  });

  it('serves every caption once, shortest first (ties by index), the same every time', () => {
    expect([evaluation.examples, evaluation.batches, evaluation.tokens]).toEqual([
      1234,
      13,
      totalTokens,
    ]);
    const batches = range(evaluation.batches).map((index) => evaluation.batch(index));
    expect(batches.map(({ rows }) => rows)).toEqual([...new Array(12).fill(100), 34]);
    const words = (i: number): number => examples[i]?.tokens.length ?? 0;
    expect(batches.flatMap(captionsOf)).toEqual(
      range(1234).sort((a, b) => words(a) - words(b) || a - b),
    );
    expect(evaluation.batch(4)).toEqual(evaluation.batch(4));
  });

  it('refuses a bad batch size and index, naming them', () => {
    const who = 'createCaptionEvaluation';
    expect(() =>
      createCaptionEvaluation(examples, features, { batchSize: 2.5, bosId: BOS, eosId: EOS }),
    ).toThrow(`${who}: batchSize must be an integer ≥ 1, got 2.5`);
    expect(() => evaluation.batch(13)).toThrow(
      `${who}: index must be an integer in [0, 13), got 13`,
    );
  });
});
