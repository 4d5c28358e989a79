import { createKey, disposeTree, initWeights } from '@bayesrnn/core';
import type { Weights } from '@bayesrnn/spec';
import { checkLeaksAfterEachTest, expectClose, TOLERANCES } from '@bayesrnn/testing';
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, describe, expect, it } from 'vitest';
import { makeBatch } from './__fixtures__/classification-batches.js';
import {
  DEFAULT_SENTENCE_CLASSIFIER_CONFIG,
  type SentenceClassifierConfig,
} from './classifier-config.js';
import { createSentenceClassifier } from './sentence-classifier.js';

checkLeaksAfterEachTest();

const tiny: SentenceClassifierConfig = {
  ...DEFAULT_SENTENCE_CLASSIFIER_CONFIG,
  vocabSize: 9,
  embeddingSize: 3,
  hiddenSize: 4,
  classes: 3,
  initScale: 0.5,
};
const model = createSentenceClassifier(tiny);
const weights: Weights = initWeights(model.weightSpecs, createKey(7));
const sentences = [[1, 5, 2, 8, 3], [4, 4], [0], [7, 1, 6, 2]];
const labels = [2, 0, 1, 1];
const eval0 = { key: createKey(0), training: false };
afterAll(() => disposeTree(Object.values(weights)));

function logitsOf(
  config: Partial<SentenceClassifierConfig>,
  batch = makeBatch(sentences, labels),
  options = eval0,
): Float32Array {
  const variant = createSentenceClassifier({ ...tiny, ...config });
  const own = initWeights(variant.weightSpecs, createKey(7));
  const logits = variant.logits(own, batch, options);
  const values = logits.dataSync() as Float32Array;
  disposeTree([logits, Object.values(own)]);
  return values;
}

describe('SentenceClassifierConfig', () => {
  it.each([
    [{ vocabSize: 0 }, 'SentenceClassifierConfig.vocabSize'],
    [{ embeddingSize: 2.5 }, 'SentenceClassifierConfig.embeddingSize'],
    [{ hiddenSize: -1 }, 'SentenceClassifierConfig.hiddenSize'],
    [{ classes: 1 }, 'SentenceClassifierConfig.classes'],
    [{ cell: 'rnn' as 'lstm' }, 'SentenceClassifierConfig.cell'],
    [{ initScale: 0 }, 'SentenceClassifierConfig.initScale'],
    [{ forgetBias: Number.NaN }, 'SentenceClassifierConfig.forgetBias'],
    [{ dropout: { method: 'naive', rate: 1 } as const }, 'SentenceClassifierConfig.dropout.rate'],
    [
      {
        dropout: {
          method: 'variational',
          embedding: 0.1,
          input: 0.2,
          recurrent: -0.1,
          output: 0.5,
          tied: true,
        } as const,
      },
      'SentenceClassifierConfig.dropout.recurrent',
    ],
  ])('%o is a RangeError naming %s', (override, option) => {
    expect(() => createSentenceClassifier({ ...tiny, ...override })).toThrow(RangeError);
    expect(() => createSentenceClassifier({ ...tiny, ...override })).toThrow(option);
  });

  it('defaults to Gan et al.: a bidirectional LSTM of 400, embedding 300, forget bias 3', () => {
    const { bidirectional, cell, hiddenSize, embeddingSize, forgetBias } =
      DEFAULT_SENTENCE_CLASSIFIER_CONFIG;
    expect({ bidirectional, cell, hiddenSize, embeddingSize, forgetBias }).toEqual({
      bidirectional: true,
      cell: 'lstm',
      hiddenSize: 400,
      embeddingSize: 300,
      forgetBias: 3,
    });
  });
});

describe('createSentenceClassifier', () => {
  it('declares embedding, both directions and the output layer', () => {
    const shapes = Object.fromEntries(
      Object.entries(model.weightSpecs).map(([name, spec]) => [name, spec.shape]),
    );
    expect(shapes).toEqual({
      embedding: [9, 3],
      'forward/kernel': [7, 16],
      'forward/bias': [16],
      'backward/kernel': [7, 16],
      'backward/bias': [16],
      'output/kernel': [8, 3],
      'output/bias': [3],
    });
    expect(model.featureSize).toBe(8);
    const uni = createSentenceClassifier({ ...tiny, bidirectional: false, cell: 'gru' });
    expect(uni.directions).toEqual(['forward']);
    expect(uni.weightSpecs['output/kernel']?.shape).toEqual([4, 3]);
    expect(Object.keys(uni.weightSpecs).filter((n) => n.startsWith('backward/'))).toEqual([]);
  });

  it.each(['lstm', 'gru', 'vanilla'] as const)('%s: logits [rows, classes], finite', (cell) => {
    const values = logitsOf({ cell });
    expect(values).toHaveLength(4 * 3);
    expect(values.every(Number.isFinite)).toBe(true);
  });

  it('names a missing weight and a bad batch', () => {
    const { 'output/bias': _, ...partial } = weights;
    expect(() => model.logits(partial, makeBatch(sentences, labels), eval0)).toThrow(
      "sentence classifier: missing weight 'output/bias'",
    );
    expect(() => model.logits(weights, makeBatch([[1, 9]], [0]), eval0)).toThrow(
      'row 0 step 1 has token 9',
    );
    expect(() => model.logits(weights, makeBatch([[1]], [3]), eval0)).toThrow('label 3');
    const batch = { ...makeBatch([[1, 2]], [0]), lengths: Int32Array.of(3) };
    expect(() => model.logits(weights, batch, eval0)).toThrow('length 3, outside [1, 2]');
  });
});

describe('padding and directions', () => {
  it('a sentence’s logits depend neither on the padding length nor on the other rows', () => {
    const together = logitsOf({});
    sentences.forEach((sentence, row) => {
      const expected = together.slice(row * 3, row * 3 + 3);
      const alone = logitsOf({}, makeBatch([sentence], [0]));
      const padded = logitsOf({}, makeBatch([[2, 2, 2, 2, 2, 2, 2], sentence], [0, 0], 9));
      expectClose(alone, expected, TOLERANCES.float32, `row ${row} alone`);
      expectClose(padded.slice(3, 6), expected, TOLERANCES.float32, `row ${row} padded`);
    });
  });

  it('the backward direction is the cell run on the explicitly reversed sentence', () => {
    const last = (direction: string, sentence: number[]): tf.Tensor2D => {
      const prefixed = Object.keys(model.cell.weightSpecs).map((n) => [
        n,
        weights[`${direction}/${n}`] as tf.Tensor,
      ]);
      let state = model.cell.initialState(1);
      let output = tf.zeros([1, tiny.hiddenSize]) as tf.Tensor2D;
      for (const id of sentence) {
        const x = tf.gather(weights.embedding as tf.Tensor2D, [id]) as tf.Tensor2D;
        ({ output, state } = model.cell.step(Object.fromEntries(prefixed), x, state, undefined));
      }
      return output;
    };
    const actual = model.logits(weights, makeBatch(sentences, labels), eval0);
    const expected = tf.tidy(() => {
      const rows = sentences.map((s) =>
        tf.concat([last('forward', s), last('backward', [...s].reverse())], 1),
      );
      const features = tf.concat(rows, 0) as tf.Tensor2D;
      const kernel = weights['output/kernel'] as tf.Tensor2D;
      return tf.add(tf.matMul(features, kernel), weights['output/bias'] as tf.Tensor);
    });
    expectClose(actual, expected, TOLERANCES.float32, 'logits');
    disposeTree([actual, expected]);
  });
});

describe('dropout', () => {
  const naive = { dropout: { method: 'naive', rate: 0.5 } as const };
  const gal = {
    dropout: {
      method: 'variational',
      embedding: 0.3,
      input: 0.3,
      recurrent: 0.3,
      output: 0.5,
      tied: false,
    } as const,
  };
  const batch = makeBatch(sentences, labels);
  const train = (seed: number) => ({ key: createKey(seed), training: true });

  it.each([
    ['naive', naive],
    ['variational', gal],
  ])('%s: masks only in training, the same for the same key', (_, config) => {
    const off = logitsOf({});
    expectClose(logitsOf(config, batch, eval0), off, { rtol: 0, atol: 0 }, 'eval');
    expectClose(logitsOf(config, batch, train(1)), logitsOf(config, batch, train(1)), {
      rtol: 0,
      atol: 0,
    });
    expect(logitsOf(config, batch, train(1))).not.toEqual(logitsOf(config, batch, train(2)));
    expect(logitsOf(config, batch, train(1))).not.toEqual(off);
  });

  it('zero rates are the deterministic model', () => {
    const zero = { ...gal.dropout, embedding: 0, input: 0, recurrent: 0, output: 0 };
    expectClose(logitsOf({ dropout: zero }, batch, train(3)), logitsOf({}), TOLERANCES.float32);
  });
});
