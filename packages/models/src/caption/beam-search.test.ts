import { checkLeaksAfterEachTest } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { type BeamStepper, beamSearch } from './beam-search.js';

checkLeaksAfterEachTest();

/** Words 0 … 2, then `<eos>` 3 and `<bos>` 4. */
const WORDS = 3;
const EOS = 3;
const BOS = 4;
const VOCAB = 5;

/** Deterministic numbers in (0, 1) (a linear congruential generator). */
function uniforms(seed: number, count: number): number[] {
  let state = seed;
  return Array.from({ length: count }, () => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return (state + 0.5) / 2_147_483_648;
  });
}

/**
 * A second-order word model: `log p(next | previous, last)`, a normalised row of
 * `[VOCAB · VOCAB, VOCAB]`. `<bos>` is never predicted. The state holds each row's previous
 * word, so a wrong `select` gives wrong scores.
 */
function secondOrderModel(seed: number): {
  table: number[][];
  tableTensor: tf.Tensor2D;
  stepper: BeamStepper<tf.Tensor1D>;
} {
  const raw = uniforms(seed, VOCAB * VOCAB * VOCAB);
  const table = Array.from({ length: VOCAB * VOCAB }, (_, row) => {
    const weights = raw
      .slice(row * VOCAB, row * VOCAB + VOCAB)
      .map((u, word) => (word === BOS ? 0 : u ** 3));
    const total = weights.reduce((a, b) => a + b, 0);
    return weights.map((w) => Math.log(w / total));
  });
  const tableTensor = tf.tensor2d(table);
  const stepper: BeamStepper<tf.Tensor1D> = {
    step(tokens, previous) {
      return tf.tidy(() => {
        const last = tf.tensor1d(tokens, 'int32');
        const rows = tf.add(tf.mul(previous, tf.scalar(VOCAB, 'int32')), last);
        return { logProbabilities: tf.gather(tableTensor, rows) as tf.Tensor2D, state: last };
      }) as { logProbabilities: tf.Tensor2D; state: tf.Tensor1D };
    },
    select: (state, rows) => tf.tidy(() => tf.gather(state, tf.tensor1d(rows, 'int32'))),
    dispose: (state) => state.dispose(),
  };
  return {
    table,
    stepper: { ...stepper, dispose: (state) => state.dispose() },
    ...{ tableTensor },
  };
}

/** `log p` of `words` then `<eos>`, starting from `<bos>` with `<bos>` as the previous word. */
function sequenceScore(table: number[][], words: readonly number[]): number {
  let [previous, last, score] = [BOS, BOS, 0];
  for (const word of [...words, EOS]) {
    score += table[previous * VOCAB + last]?.[word] ?? Number.NaN;
    [previous, last] = [last, word];
  }
  return score;
}

/** Every word sequence of at most `maxLength` words: the exact optimum by enumeration. */
function bruteForce(table: number[][], maxLength: number): { words: number[]; score: number } {
  let best = { words: [] as number[], score: Number.NEGATIVE_INFINITY };
  const visit = (words: number[]): void => {
    const score = sequenceScore(table, words);
    if (score > best.score) best = { words, score };
    if (words.length < maxLength) for (let w = 0; w < WORDS; w += 1) visit([...words, w]);
  };
  visit([]);
  return best;
}

async function search(seed: number, images: number, beamSize: number, maxLength: number) {
  const model = secondOrderModel(seed);
  const initial = tf.fill([images], BOS, 'int32') as tf.Tensor1D;
  try {
    const decoded = await beamSearch(model.stepper, initial, images, {
      beamSize,
      maxLength,
      bosId: BOS,
      eosId: EOS,
    });
    return { table: model.table, decoded };
  } finally {
    model.tableTensor.dispose();
  }
}

describe('beamSearch', () => {
  it('is exact with a beam as wide as the number of sequences, and scores what it returns', async () => {
    let greedyLost = 0;
    for (const seed of [1, 2, 3, 4, 5, 6, 7, 8]) {
      const { table, decoded } = await search(seed, 2, 64, 3);
      const exact = bruteForce(table, 3);
      for (const caption of decoded) {
        expect([...caption.tokens]).toEqual(exact.words);
        expect(caption.logProbability).toBeCloseTo(exact.score, 5);
      }
      const greedy = (await search(seed, 1, 1, 3)).decoded[0];
      const narrow = (await search(seed, 1, 2, 3)).decoded[0];
      expect(greedy?.logProbability).toBeCloseTo(
        sequenceScore(table, [...(greedy?.tokens ?? [])]),
        5,
      );
      expect(narrow?.logProbability ?? 0).toBeGreaterThanOrEqual(
        (greedy?.logProbability ?? 0) - 1e-6,
      );
      expect(exact.score).toBeGreaterThanOrEqual((narrow?.logProbability ?? 0) - 1e-6);
      if ((greedy?.logProbability ?? 0) < exact.score - 1e-6) greedyLost += 1;
    }
    // The comparison means something: on some of these models greedy decoding is not optimal.
    expect(greedyLost).toBeGreaterThan(0);
  });

  it('decodes greedily with a beam of one: the likeliest word at every step', async () => {
    const { table, decoded } = await search(11, 1, 1, 4);
    const words: number[] = [];
    let [previous, last] = [BOS, BOS];
    for (let step = 0; step <= 4; step += 1) {
      const row = table[previous * VOCAB + last] ?? [];
      const word = step === 4 ? EOS : row.indexOf(Math.max(...row));
      if (word === EOS) break;
      words.push(word);
      [previous, last] = [last, word];
    }
    expect([...(decoded[0]?.tokens ?? [])]).toEqual(words);
  });

  it('ends every caption at maxLength and returns an empty caption at 0', async () => {
    const long = await search(3, 3, 2, 2);
    for (const caption of long.decoded) expect(caption.tokens.length).toBeLessThanOrEqual(2);
    const none = await search(3, 2, 2, 0);
    for (const caption of none.decoded) {
      expect(caption.tokens.length).toBe(0);
      expect(caption.logProbability).toBeCloseTo(none.table[BOS * VOCAB + BOS]?.[EOS] ?? 0, 5);
    }
  });

  it('refuses a beam below 1 and a negative length', async () => {
    const model = secondOrderModel(1);
    const initial = tf.fill([1], BOS, 'int32') as tf.Tensor1D;
    const options = { beamSize: 0, maxLength: 3, bosId: BOS, eosId: EOS };
    await expect(beamSearch(model.stepper, initial, 1, options)).rejects.toThrow(/beamSize/);
    await expect(
      beamSearch(model.stepper, initial, 1, { ...options, beamSize: 1, maxLength: -1 }),
    ).rejects.toThrow(/maxLength/);
    tf.dispose([initial, model.tableTensor]);
  });
});
